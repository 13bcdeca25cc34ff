"""The attack pass over the desk (docs/modules/inquiries.md, "Attack pass"): numbers no id column holds in query
strings and cursors, markup and internal URLs in every text field shown as text, file names that try to escape
or carry markup, and what an error reveals. Each finding fixed is pinned here."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from vegvis.inquiries.models import Document, Inquiry
from vegvis.inquiries.tests.support import ASSOCIATION, make_case
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
MARKUP = "<script>alert(1)</script><img src=http://127.0.0.1:1/x> file:///etc/passwd http://127.0.0.1/"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def staff(role: str) -> Client:
    return log_in_verified(Client(), UserFactory(role=role, role__organisation=ASSOCIATION))


@pytest.mark.parametrize(
    "url",
    [
        "/henvendelser/statistikk/?forening=" + HUGE,
        "/henvendelser/statistikk/2025/?forening=" + HUGE,
        "/henvendelser/statistikk/2025/figur/outcome.svg?forening=" + HUGE,
        "/henvendelser/statistikk/2025/last-ned/json/?forening=" + HUGE,
        "/henvendelser/statistikk/" + HUGE + "/",
        "/henvendelser/slettelogg/?etter=2025-01-01T00:00:00%2B00:00_" + HUGE,
        "/henvendelser/slettelogg/?etter=" + HUGE + "_" + HUGE,
        "/api/v1/inquiries/inquiries?cursor=2025-01-01T00:00:00_" + HUGE,
        "/api/v1/inquiries/cases?cursor=2025-01-01_" + HUGE,
        "/api/v1/inquiries/cases?cursor=-_" + HUGE,
    ],
)
def test_numbers_no_column_holds_are_not_found_or_ignored_never_a_server_error(url):
    client = staff("association_lead")
    response = client.get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)


def test_markup_and_internal_urls_typed_into_an_inquiry_are_text_on_every_page(client):
    case = make_case()
    Inquiry.objects.filter(pk=case.inquiry_id).update(
        contact_name=MARKUP, provider=MARKUP, account=MARKUP, contact_phone="<b>1</b>"
    )
    worker = staff("association_case_worker")
    for url in (
        reverse("inquiries:inquiry", args=[case.inquiry_id]),
        reverse("inquiries:case", args=[case.pk]),
        reverse("inquiries:worklist") + "?vis=desk",
        reverse("inquiries:case_action", args=[case.pk, "request_records"]),
    ):
        page = worker.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "<img src=http://127.0.0.1:1/x>" not in page, url
    data = worker.get(f"/api/v1/inquiries/inquiries/{case.inquiry_id}").json()
    assert data["provider"] == MARKUP  # JSON carries the text as text, served as application/json


NAMES = ["../../../etc/passwd.pdf", "<script>alert(1)</script>.pdf", "fullmakt\x00.html.pdf", "a" * 300 + ".pdf"]


@pytest.mark.parametrize("filename", NAMES)
def test_a_scan_whose_name_tries_to_escape_or_carries_markup_is_stored_inside_the_media_folder(filename, settings):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from vegvis.inquiries.tests.support import PDF

    case = make_case(power_of_attorney=False)
    worker = staff("association_case_worker")
    upload = SimpleUploadedFile(filename, PDF, content_type="application/pdf")
    response = worker.post(
        reverse("inquiries:case_action", args=[case.pk, "register_power_of_attorney"]),
        {
            "version": case.version,
            "granted_by": MARKUP[:200],
            "scope_records": "on",
            "signed_on": timezone.localdate().strftime("%d.%m.%Y"),
            "scan": upload,
        },
    )
    assert response.status_code in (200, 302)
    for document in Document.objects.filter(case=case, kind="power_of_attorney"):
        path = Path(document.file.path).resolve()
        assert Path(settings.MEDIA_ROOT).resolve() in path.parents and "<" not in path.name and ".." not in path.name
    page = worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
