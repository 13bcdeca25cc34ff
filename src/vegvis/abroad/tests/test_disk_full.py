"""A full disk while a letter or an upload is stored: a clear Norwegian message, nothing saved, no file left behind.

The disk is really full where the test may mount a tmpfs (see vegvis/testing/disk.py).

Stored files are readable by the service's user only (0600, folders 0700).
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from vegvis.abroad.models import Case, Document, Status
from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.core import storage
from vegvis.testing.disk import Disk

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = "2026-11-02"


def norwegian_full_disk_message() -> str:
    with translation.override("en"):
        english = str(storage.storage_full())
    with translation.override("nb"):
        message = str(storage.storage_full())
    assert message != english, "no bokmål translation"
    return message


def changes_audited() -> int:
    """Audit entries of changes (the form shown again is a read of the case, and audited as one)."""
    return AuditEntry.objects.exclude(action=AuditEntry.Action.READ).count()


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_stored_privately(path: Path) -> None:
    assert mode(path) == 0o600, oct(mode(path))
    folder = path.parent
    while folder != Path(settings.MEDIA_ROOT):
        assert mode(folder) == 0o700, (folder, oct(mode(folder)))
        folder = folder.parent


def test_an_upload_on_a_full_disk_is_refused_in_norwegian_and_leaves_no_file(
    client: Any, login: Callable[..., Any], case_handler: Any, full_disk: Disk
) -> None:
    case = make_case()
    login(case_handler)
    url = reverse("abroad:case_follow_up", args=[case.pk, "document"])
    documents, changes = case.documents.count(), changes_audited()
    full_disk.fill()

    def upload() -> Any:
        return client.post(
            url,
            {
                "version": Case.objects.get(pk=case.pk).version,
                "title": "Epikrise fra Karolinska",
                "document_date": TODAY,
                "correspondent": "Karolinska",
                "file": SimpleUploadedFile("epikrise.pdf", PDF, content_type="application/pdf"),
            },
            HTTP_ACCEPT_LANGUAGE="nb",
        )

    response = upload()

    assert response.status_code == 200
    page = page_text(response)
    assert norwegian_full_disk_message() in page
    assert "ta kontakt med administrator" in page
    assert 'value="Epikrise fra Karolinska"' in page, "what the user typed is kept"
    assert case.documents.count() == documents, "a document row without its file"
    assert changes_audited() == changes
    assert full_disk.files() == set(), "a 0-byte or partial file was left behind"

    full_disk.free()
    response = upload()
    assert response.status_code == 302
    document = case.documents.get(title="Epikrise fra Karolinska")
    stored = Path(document.file.path)
    assert stored.read_bytes() == PDF
    assert full_disk.files() == {stored}
    assert_stored_privately(stored)


def test_a_decision_on_a_full_disk_is_refused_in_norwegian_and_leaves_no_letter(
    client: Any, login: Callable[..., Any], case_handler: Any, full_disk: Disk
) -> None:
    case = make_case("assessment_received")
    login(case_handler)
    url = reverse("abroad:case_action", args=[case.pk, "reject"])
    changes = changes_audited()
    full_disk.fill()

    def decide() -> Any:
        return client.post(
            url,
            {
                "version": Case.objects.get(pk=case.pk).version,
                "outcome": "rejected",
                "decided_on": TODAY,
                "legal_basis": "pasient- og brukerrettighetsloven § 2-4 a",
                "grounds": "Behandlingen tilbys i Norge.",
                "language": "nb",
                "confirm": "1",  # the letter was shown and the case handler confirmed it
            },
            HTTP_ACCEPT_LANGUAGE="nb",
        )

    response = decide()

    assert response.status_code == 200
    page = page_text(response)
    assert norwegian_full_disk_message() in page
    assert "Behandlingen tilbys i Norge." in page, "what the user typed is kept"
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED and case.outcome == ""
    assert not case.documents.filter(kind=Document.Kind.DECISION).exists()
    assert changes_audited() == changes
    assert full_disk.files() == set(), "a 0-byte or partial letter was left behind"

    full_disk.free()
    response = decide()
    assert response.status_code == 302
    letter = case.documents.get(kind=Document.Kind.DECISION)
    stored = Path(letter.file.path)
    assert stored.read_bytes().startswith(b"%PDF-")
    assert full_disk.files() == {stored}
    assert_stored_privately(stored)


def test_a_decision_through_the_api_on_a_full_disk_answers_507_and_saves_nothing(
    client: Any, case_handler: Any, full_disk: Disk
) -> None:
    case = make_case("assessment_received")
    _token, key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="test", scope="read_write")
    changes = changes_audited()
    full_disk.fill()
    body = {
        "event": "reject",
        "version": case.version,
        "data": {
            "outcome": "rejected",
            "decided_on": TODAY,
            "legal_basis": "pasient- og brukerrettighetsloven § 2-4 a",
            "grounds": "Behandlingen tilbys i Norge.",
            "language": "nb",
        },
    }
    response = client.post(
        f"/api/v1/abroad/cases/{case.pk}/transitions",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 507, response.content
    assert response.json()["code"] == "storage_full"
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED and not case.documents.filter(kind=Document.Kind.DECISION)
    assert changes_audited() == changes
    assert full_disk.files() == set()


def test_the_file_is_linked_into_place_only_when_whole_and_never_replaces_another(tmp_path: Path) -> None:
    """Two files saved under one name both stay, each whole; no temporary name is left."""
    from django.core.files.base import ContentFile

    store = storage.SafeFileSystemStorage(location=tmp_path, file_permissions_mode=0o600)
    first = store.save("abroad/brev.pdf", ContentFile(b"first"))
    second = store.save("abroad/brev.pdf", ContentFile(b"second"))
    assert first != second
    assert (tmp_path / first).read_bytes() == b"first" and (tmp_path / second).read_bytes() == b"second"
    assert sorted(p.name for p in (tmp_path / "abroad").iterdir()) == sorted([Path(first).name, Path(second).name])
    assert mode(tmp_path / first) == 0o600
