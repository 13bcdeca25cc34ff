"""The API's correction (the supplier), publication (the administrator) and the signed agreement PDF (upload
checked by content, download through the permission layer)."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest

from vegvis.cooperation.models import Agreement, Document, PublishedVersion
from vegvis.cooperation.tests.support import OTHER_SUPPLIER, PDF, SUPPLIER, make_agreement, organisation, supplier
from vegvis.cooperation.tests.test_api import _key, _terms

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cooperation"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def send(client):
    def call(key: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return getattr(client, method)(
            f"{BASE}{path}", body or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    return call


def test_the_supplier_corrects_its_agreement_and_a_stale_version_or_another_supplier_is_refused(send):
    key = _key("supplier_user", SUPPLIER)
    agreement = make_agreement("confirmed")

    response = send(key, "put", f"/agreements/{agreement.pk}", {**_terms(amount_nok="60000.00"), "version": 2})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["amount_nok"], body["status"], body["corrected"]) == ("60000.00", "in_review", True)
    again = send(key, "put", f"/agreements/{agreement.pk}", {**_terms(), "version": 2})
    assert (again.status_code, again.json()["code"]) == (409, "stale")
    other = send(
        key, "put", f"/agreements/{agreement.pk}", {**_terms(supplier_id=supplier(OTHER_SUPPLIER).pk), "version": 3}
    )
    assert other.status_code == 422 and "supplier_id" in other.json()["errors"]
    outsider = _key("supplier_user", OTHER_SUPPLIER)
    assert send(outsider, "put", f"/agreements/{agreement.pk}", {**_terms(), "version": 3}).status_code == 404
    assert Agreement.objects.get().amount_nok == Decimal("60000.00")


def test_the_administrator_publishes_a_confirmed_agreement_and_an_early_one_is_refused(send):
    key = _key("cooperation_administrator")
    waiting = make_agreement()
    confirmed = make_agreement("confirmed")

    early = send(key, "post", f"/agreements/{waiting.pk}/publish", {"version": waiting.version})
    assert (early.status_code, early.json()["code"]) == (409, "refused")
    assert "publiseres" in early.json()["detail"]
    done = send(key, "post", f"/agreements/{confirmed.pk}/publish", {"version": confirmed.version})
    assert (done.status_code, done.json()["status"]) == (200, "published")
    assert PublishedVersion.objects.get().agreement_id == confirmed.pk
    supplier_key = _key("supplier_user", SUPPLIER)
    assert send(supplier_key, "post", f"/agreements/{waiting.pk}/publish", {"version": 1}).status_code == 403


def test_the_signed_pdf_is_uploaded_checked_by_content_and_downloaded_as_the_same_pdf(send, client):
    key = _key("supplier_user", SUPPLIER)
    agreement = make_agreement()
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    lied = send(
        key,
        "post",
        f"/agreements/{agreement.pk}/documents",
        {"filename": "avtale.pdf", "content_base64": base64.b64encode(html).decode()},
    )
    assert lied.status_code == 422 and "PDF" in " ".join(lied.json()["errors"]["content_base64"])
    not_base64 = send(
        key, "post", f"/agreements/{agreement.pk}/documents", {"filename": "a.pdf", "content_base64": "%%%"}
    )
    assert not_base64.status_code == 422
    assert not Document.objects.exists()

    stored = send(
        key,
        "post",
        f"/agreements/{agreement.pk}/documents",
        {"filename": "<b>avtale</b>.pdf", "content_base64": base64.b64encode(PDF).decode()},
    )
    assert stored.status_code == 201, stored.content
    document = stored.json()
    assert document["sealed"] is True and "<b>" not in document["title"]
    listed = send(key, "get", f"/agreements/{agreement.pk}/documents")
    assert [d["id"] for d in listed.json()] == [document["id"]]

    reviewer = _key("patient_organisation_user", "Foreningen for hjertesyke")
    download = client.get(
        f"{BASE}/agreements/{agreement.pk}/documents/{document['id']}", HTTP_AUTHORIZATION=f"Bearer {reviewer}"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    other = _key("patient_organisation_user", "Foreningen for lungesyke")
    organisation("Foreningen for lungesyke")
    refused = client.get(
        f"{BASE}/agreements/{agreement.pk}/documents/{document['id']}", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert refused.status_code == 404


def test_the_new_operations_are_in_the_openapi_document():
    from vegvis.api.main import api

    document = api.get_openapi_schema()
    paths = document["paths"]
    assert "put" in paths["/api/v1/cooperation/agreements/{agreement_id}"]
    assert "post" in paths["/api/v1/cooperation/agreements/{agreement_id}/publish"]
    assert set(paths["/api/v1/cooperation/agreements/{agreement_id}/documents"]) == {"get", "post"}
    download = paths["/api/v1/cooperation/agreements/{agreement_id}/documents/{document_id}"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
