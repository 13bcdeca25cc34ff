"""Uploads through the real pages: a case document and Norges Bank's rate file.

A file of a kind the page does not take, a file larger than the limit, and a file whose content is not what its
name says are refused with the message next to the file field, and nothing is saved: no document, no file on
disk, no new case version, no audit entry of a change, no rate.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from vegvis.abroad.tests.support import make_case
from vegvis.audit.models import AuditEntry
from vegvis.core.models import ExchangeRate
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Files of this test only, so 'nothing was stored' is not confused by other tests running alongside."""
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
RATES = b"BASE_CUR;QUOTE_CUR;UNIT_MULT;TIME_PERIOD;OBS_VALUE\nEUR;NOK;0;2026-11-02;11.7215\n"

MISMATCH = "The file name does not match its content (%(name)s)."
NOT_ACCEPTED = "This kind of file is not accepted. Upload %(kinds)s."
TOO_LARGE = "The file is too large (%(size)s MB). The limit is %(limit)s MB."


def norwegian(message: str, **values: object) -> str:
    with translation.override("nb"):
        return gettext(message) % values


def field_error(page: str, field: str = "file") -> str:
    """The validation message shown next to the field (core/forms/field.html)."""
    found = re.search(rf'id="id_{field}_error">(.*?)</div>', page, re.S)
    assert found, f"no message next to the {field} field"
    return found.group(1).strip()


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def document_upload(client, case_handler):
    """Post a file as an incoming document of a fresh case; returns (response, case, what was there before)."""
    case = make_case()
    log_in_verified(client, case_handler)
    url = reverse("abroad:case_follow_up", args=[case.pk, "document"])

    def post(name: str, content: bytes, content_type: str = "application/octet-stream"):
        before = {
            "documents": case.documents.count(),
            "files": stored_files(),
            "version": type(case).objects.get(pk=case.pk).version,
            "changes": AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, object_type="abroad.document"
            ).count(),
        }
        response = client.post(
            url,
            {
                "version": before["version"],
                "title": "Epikrise",
                "document_date": "2026-11-02",
                "correspondent": "Karolinska",
                "file": SimpleUploadedFile(name, content, content_type=content_type),
            },
        )
        return response, case, before

    return post


def assert_nothing_saved(case, before) -> None:
    case.refresh_from_db()
    assert case.documents.count() == before["documents"]
    assert stored_files() == before["files"]
    assert case.version == before["version"]
    assert (
        AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="abroad.document").count()
        == before["changes"]
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("program.exe", EXE, "application/x-msdownload", NOT_ACCEPTED),
        ("side.html", HTML, "text/html", NOT_ACCEPTED),
        ("brev.pdf", HTML, "application/pdf", NOT_ACCEPTED),
        ("bilde.png", PDF, "image/png", MISMATCH),
        ("brev.pdf", PNG, "application/pdf", MISMATCH),
        ("program.pdf", EXE, "application/pdf", NOT_ACCEPTED),
    ],
    ids=["exe", "html", "html named .pdf", "pdf named .png", "png named .pdf", "exe named .pdf"],
)
def test_a_document_of_the_wrong_kind_or_under_a_false_name_is_refused(
    document_upload, name, content, content_type, message
):
    response, case, before = document_upload(name, content, content_type)

    assert response.status_code == 200
    expected = norwegian(message, name=name, kinds="JPEG, PDF, PNG")
    assert field_error(response.content.decode()) == expected.replace("'", "&#x27;")
    assert_nothing_saved(case, before)


def test_a_document_over_the_size_limit_is_refused(document_upload, settings):
    settings.VEGVIS_MAX_UPLOAD_BYTES = 1_048_576
    large = PDF + b"0" * 1_600_000

    response, case, before = document_upload("stor.pdf", large, "application/pdf")

    assert response.status_code == 200
    assert field_error(response.content.decode()) == norwegian(TOO_LARGE, size=1.5, limit=1)
    assert_nothing_saved(case, before)


def test_a_real_pdf_under_its_own_name_is_kept_with_its_checksum(document_upload):
    response, case, before = document_upload("epikrise.pdf", PDF, "application/pdf")

    assert response.status_code == 302
    document = case.documents.get(title="Epikrise")
    assert document.content_type == "application/pdf" and len(document.sha256) == 64
    assert document.file.read() == PDF
    assert len(stored_files() - before["files"]) == 1


@pytest.fixture
def rate_upload(client, office_lead):
    log_in_verified(client, office_lead)

    def post(name: str, content: bytes):
        return client.post(reverse("abroad:exchange_rates"), {"file": SimpleUploadedFile(name, content)})

    return post


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kurser.csv", PNG, NOT_ACCEPTED),
        ("kurser.exe", EXE, NOT_ACCEPTED),
        ("kurser.pdf", RATES, MISMATCH),
        ("kurser.csv", PDF, NOT_ACCEPTED),
    ],
    ids=["png named .csv", "exe", "csv named .pdf", "pdf named .csv"],
)
def test_a_rate_file_of_the_wrong_kind_is_refused_and_no_rate_is_stored(rate_upload, name, content, message):
    response = rate_upload(name, content)

    assert response.status_code == 200
    expected = norwegian(message, name=name, kinds="CSV, text")
    assert field_error(response.content.decode()) == expected
    assert not ExchangeRate.objects.exists()


def test_a_rate_file_over_the_size_limit_is_refused(rate_upload, settings):
    settings.VEGVIS_MAX_UPLOAD_BYTES = 1_048_576
    response = rate_upload("kurser.csv", RATES * 40_000)

    assert response.status_code == 200
    assert "MB" in field_error(response.content.decode())
    assert not ExchangeRate.objects.exists()


def test_a_rate_file_that_is_not_utf8_is_refused(rate_upload):
    response = rate_upload("kurser.csv", RATES.replace(b"EUR", b"\xe6\xf8\xe5"))

    assert response.status_code == 200
    assert field_error(response.content.decode())
    assert not ExchangeRate.objects.exists()


def test_norges_banks_own_file_is_imported(rate_upload):
    response = rate_upload("EXR.csv", RATES)

    assert response.status_code == 302
    assert ExchangeRate.objects.get(currency="EUR").nok_per_unit == Decimal("11.7215")
