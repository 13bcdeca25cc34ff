"""Files of the case file: removed again when their change does not commit, and served only through the
permission layer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import QuerySet
from django.http import Http404

from vegvis.access import policies
from vegvis.access.commands import OperatorPrincipal
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audited_atomic
from vegvis.records import files, services
from vegvis.records.tests.dossier import Dossier, DossierDocument

pytestmark = pytest.mark.usefixtures("dossier_tables")

OPERATOR = OperatorPrincipal("test")


class Refused(Exception):
    """The change went wrong after its files were stored."""


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Files of this test only, so 'nothing was stored' is not confused by other tests running alongside."""
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def register(case: Dossier, content: bytes = b"%PDF-1.4 brev", **values) -> DossierDocument:
    return services.document_register(
        model=DossierDocument,
        case=case,
        principal=OPERATOR,
        kind="letter",
        direction="U",
        title="Brev",
        public_title="Brev – ******",
        document_date=date(2026, 3, 2),
        content=content,
        content_type="application/pdf",
        **values,
    )


def test_the_files_of_a_change_that_rolls_back_are_removed():
    case = Dossier.objects.create(number="2026/0001")
    with pytest.raises(Refused), files.files_kept_on_commit(), audited_atomic():
        register(case)
        register(case)
        assert len(stored_files()) == 2
        raise Refused
    assert stored_files() == set()
    assert not case.documents.exists()


def test_the_files_of_a_change_that_commits_are_kept():
    case = Dossier.objects.create(number="2026/0002")
    with files.files_kept_on_commit(), audited_atomic():
        document = register(case)
    assert stored_files() == {Path(default_storage.path(document.file.name))}


def test_an_inner_change_that_succeeded_goes_with_the_outer_one_that_failed():
    case = Dossier.objects.create(number="2026/0003")
    with pytest.raises(Refused), files.files_kept_on_commit(), audited_atomic():
        with files.files_kept_on_commit(), audited_atomic():
            register(case)
        assert len(stored_files()) == 1
        raise Refused
    assert stored_files() == set()


def test_an_inner_change_that_failed_takes_only_its_own_files():
    case = Dossier.objects.create(number="2026/0004")
    with files.files_kept_on_commit(), audited_atomic():
        kept = register(case)
        with pytest.raises(Refused), files.files_kept_on_commit(), audited_atomic():
            register(case, content=b"%PDF-1.4 annet")
            raise Refused
    assert stored_files() == {Path(default_storage.path(kept.file.name))}


class Unremovable(FileSystemStorage):
    """A storage whose files cannot be removed (a read-only mount, a file an operator locked)."""

    def delete(self, name: str) -> None:
        raise PermissionError(13, "Permission denied", name)


def test_a_file_that_cannot_be_removed_neither_keeps_the_others_nor_hides_the_cause(caplog):
    case = Dossier.objects.create(number="2026/0005")
    with pytest.raises(Refused), files.files_kept_on_commit(), audited_atomic():
        files.track_file(Unremovable(location=settings.MEDIA_ROOT), "locked.pdf")
        register(case)
        raise Refused
    assert stored_files() == set()
    assert "could not be removed" in caplog.text


# ---------------------------------------------------------------- serving


class EvenNumbersOnly(policies.Policy):
    """A policy for the test's documents: only those of cases with an even number may be seen."""

    model = DossierDocument

    def scope(self, principal, queryset: QuerySet) -> QuerySet:
        return queryset.filter(case__number__endswith="2")

    def can(self, principal, action, obj) -> bool:
        return obj.case.number.endswith("2")

    def label(self, obj) -> str:
        return obj.number


@pytest.fixture
def policy():
    policies.register(EvenNumbersOnly())
    yield
    policies._registry.pop(DossierDocument)


def committed(case: Dossier, **values) -> DossierDocument:
    with files.files_kept_on_commit(), audited_atomic():
        return register(case, **values)


def test_a_visible_documents_file_is_served_uncached_and_the_read_is_audited(policy):
    document = committed(Dossier.objects.create(number="2026/0002"))
    response = files.serve_document_file(
        OPERATOR, DossierDocument.objects.select_related("case"), person_id=lambda d: 4711, pk=document.pk
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4 brev"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'inline; filename="2026-0002-1.pdf"'
    read = AuditEntry.objects.filter(action=AuditEntry.Action.READ).latest("id")
    assert read.object_label == "2026/0002-1" and read.person_id == 4711 and read.detail["shown"] == ["document"]


def test_a_document_the_principal_may_not_see_is_not_found_and_the_attempt_is_audited(policy):
    document = committed(Dossier.objects.create(number="2026/0001"))
    with pytest.raises(Http404):
        files.serve_document_file(OPERATOR, DossierDocument.objects.select_related("case"), pk=document.pk)
    denied = AuditEntry.objects.latest("id")
    assert denied.action == AuditEntry.Action.DENIED and denied.object_label == "2026/0001-1"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.READ).exists()


def test_a_document_without_a_file_is_not_found(policy):
    case = Dossier.objects.create(number="2026/0012")
    with files.files_kept_on_commit(), audited_atomic():
        document = register(case, content=None)
    with pytest.raises(Http404):
        files.serve_document_file(OPERATOR, DossierDocument.objects.select_related("case"), pk=document.pk)
