"""Registering a document: numbered by the case's own sequence under its row lock, screened, audited, its file
stored with its checksum, sealed at once when sent."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from vegvis.access.commands import OperatorPrincipal
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audited_atomic
from vegvis.records import services
from vegvis.records.files import files_kept_on_commit
from vegvis.records.models import DocumentSealed
from vegvis.records.tests.dossier import Dossier, DossierDocument

pytestmark = pytest.mark.usefixtures("dossier_tables")

OPERATOR = OperatorPrincipal("test")
DAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def register(case: Dossier, **values) -> DossierDocument:
    fields = {
        "kind": "letter",
        "direction": "I",
        "title": "Brev",
        "public_title": services.public_title("Letter"),
        "document_date": DAY,
        **values,
    }
    with files_kept_on_commit(), audited_atomic():
        return services.document_register(model=DossierDocument, case=case, principal=OPERATOR, **fields)


def test_documents_are_numbered_by_their_case_one_after_the_other():
    first, second = Dossier.objects.create(number="2026/0007"), Dossier.objects.create(number="2026/0008")
    numbers = [register(first).number, register(first).number, register(second).number, register(first).number]
    assert numbers == ["2026/0007-1", "2026/0007-2", "2026/0008-1", "2026/0007-3"]
    assert list(first.documents.values_list("sequence", flat=True)) == [1, 2, 3]


def test_the_registration_is_audited_for_the_person_the_caller_names():
    case = Dossier.objects.create(number="2026/0001")
    document = register(case, person_id=None, direction="U")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_label=document.number).get()
    assert entry.detail == {"kind": "letter", "direction": "U"}
    assert entry.actor_username == "test"


def test_a_correspondent_naming_a_screened_person_is_private_whatever_the_caller_said():
    case = Dossier.objects.create(number="2026/0002")
    named = register(
        case, correspondent="Advokat Nordmanns kontor", correspondent_is_private=False, screened_names=["Kari Nordmann"]
    )
    other = register(
        case, correspondent="Rikshospitalet", correspondent_is_private=False, screened_names=["Kari Nordmann"]
    )
    assert named.correspondent_is_private and not other.correspondent_is_private


def test_the_public_title_is_in_the_installations_language_with_the_screened_part_hidden():
    with translation.override("en"):
        title = services.public_title(DossierDocument.Direction.INCOMING.label, "Klage")
    assert title == "Inngående – Klage – ******"


def test_a_file_is_stored_with_its_checksum_and_a_sent_document_is_sealed_at_once():
    case = Dossier.objects.create(number="2026/0003")
    content = b"%PDF-1.4 brevet"
    document = register(case, content=content, content_type="application/pdf", sent=True, direction="U")
    assert document.file.name.startswith("dossier/") and document.file.name.endswith("2026-0003-1.pdf")
    assert document.file.read() == content
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.content_type == "application/pdf" and document.is_sent
    document.title = "Endret"
    with pytest.raises(DocumentSealed):
        document.save()


def test_the_next_number_is_read_under_the_cases_row_lock():
    case = Dossier.objects.create(number="2026/0004")
    register(case)
    with CaptureQueriesContext(connection) as ran:
        register(case)
    statements = [query["sql"] for query in ran.captured_queries]
    locks = [i for i, sql in enumerate(statements) if "FOR UPDATE" in sql and '"records_dossier"' in sql]
    reads = [i for i, sql in enumerate(statements) if sql.startswith('SELECT "records_dossierdocument"."sequence"')]
    assert reads, statements
    if connection.features.has_select_for_update:  # PostgreSQL; SQLite locks the whole database on a write
        assert locks and locks[0] < reads[0]
    else:
        assert not locks
