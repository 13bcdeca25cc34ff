"""A full disk while a letter or an upload is stored: a clear Norwegian message, nothing saved, no file left behind.

MEDIA_ROOT is a tiny tmpfs filled to the last byte (as root, which the CI and the dev container are), so the
operating system itself answers ENOSPC when the file's content is written, after the file was created; that is
how a real full disk behaves. Where mounting is not allowed, the same error is raised by the operating-system call
that flushes the file to disk (os.fsync), the last point at which a real disk reports it.

Stored files are readable by the service's user only (0600, folders 0700).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from vegvis.abroad.models import Case, Document, Status
from vegvis.audit.models import AuditEntry
from vegvis.core import storage
from vegvis.testing.abroad import make_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FILLER = "fyll"
TODAY = "2026-11-02"


class Disk:
    """MEDIA_ROOT that can be filled up and freed again."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, mounted: bool) -> None:
        self.root, self.monkeypatch, self.mounted = root, monkeypatch, mounted

    def fill(self) -> None:
        if self.mounted:
            descriptor = os.open(self.root / FILLER, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                while True:
                    os.write(descriptor, b"\0" * 4096)
            except OSError as error:
                assert error.errno == errno.ENOSPC
            finally:
                os.close(descriptor)
        else:

            def no_space(_descriptor: int) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            self.monkeypatch.setattr(storage.os, "fsync", no_space)

    def free(self) -> None:
        if self.mounted:
            (self.root / FILLER).unlink()
        else:
            self.monkeypatch.undo()

    def files(self) -> set[Path]:
        """Every file under MEDIA_ROOT but the filler, with temporary names and empty files too."""
        return {p for p in self.root.rglob("*") if p.is_file() and p.name != FILLER}


@pytest.fixture
def disk(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Disk]:
    root = tmp_path / "media"
    root.mkdir()
    mounted = (
        shutil.which("mount") is not None
        and os.geteuid() == 0
        and subprocess.run(  # noqa: S603
            ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(root)],  # noqa: S607
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    settings.MEDIA_ROOT = root
    try:
        yield Disk(root, monkeypatch, mounted)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(root)], check=False)  # noqa: S603, S607


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
    client: Any, login: Callable[..., Any], case_handler: Any, disk: Disk
) -> None:
    case = make_case()
    login(case_handler)
    url = reverse("abroad:case_follow_up", args=[case.pk, "document"])
    documents, changes = case.documents.count(), changes_audited()
    disk.fill()

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
    assert disk.files() == set(), "a 0-byte or partial file was left behind"

    disk.free()
    response = upload()
    assert response.status_code == 302
    document = case.documents.get(title="Epikrise fra Karolinska")
    stored = Path(document.file.path)
    assert stored.read_bytes() == PDF
    assert disk.files() == {stored}
    assert_stored_privately(stored)


def test_a_decision_on_a_full_disk_is_refused_in_norwegian_and_leaves_no_letter(
    client: Any, login: Callable[..., Any], case_handler: Any, disk: Disk
) -> None:
    case = make_case("assessment_received")
    login(case_handler)
    url = reverse("abroad:case_action", args=[case.pk, "reject"])
    changes = changes_audited()
    disk.fill()

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
    assert disk.files() == set(), "a 0-byte or partial letter was left behind"

    disk.free()
    response = decide()
    assert response.status_code == 302
    letter = case.documents.get(kind=Document.Kind.DECISION)
    stored = Path(letter.file.path)
    assert stored.read_bytes().startswith(b"%PDF-")
    assert disk.files() == {stored}
    assert_stored_privately(stored)


def test_the_file_is_linked_into_place_only_when_whole_and_never_replaces_another(tmp_path: Path) -> None:
    """Two files saved under one name both stay, each whole; no temporary name is left."""
    from django.core.files.base import ContentFile

    store = storage.SafeFileSystemStorage(location=tmp_path, file_permissions_mode=0o600)
    first = store.save("abroad/brev.pdf", ContentFile(b"first"))
    second = store.save("abroad/brev.pdf", ContentFile(b"second"))
    assert first != second
    assert (tmp_path / first).read_bytes() == b"first" and (tmp_path / second).read_bytes() == b"second"
    assert sorted(p.name for p in (tmp_path / "abroad").iterdir()) == sorted(
        [Path(first).name, Path(second).name]
    )
    assert mode(tmp_path / first) == 0o600
