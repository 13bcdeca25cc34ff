"""The desk's API as the association's own system uses it: lists paged by keyset, a case with its allowed steps,
steps taken with the pages' forms (the power of attorney's scan base64-encoded and checked by content), and the
refusals: another association's case, a stale version, a step a guard refuses, a file that lies about its type."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.inquiries.models import Case, Document, PowerOfAttorney
from vegvis.inquiries.steps import TABLE
from vegvis.inquiries.tests.support import ASSOCIATION, OTHER_ASSOCIATION, PDF, make_case, make_inquiry
from vegvis.testing.factories import UserFactory
from vegvis.testing.pdf import text as pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BASE = "/api/v1/inquiries"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _key(role: str, organisation: str = ASSOCIATION) -> tuple[Any, str]:
    user = UserFactory(role=role, role__organisation=organisation)
    return user, api_token_issue(actor=principal_for(user), user=user, name="t", scope="read_write")[1]


@pytest.fixture
def api(client):
    def call(key: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if method == "get":
            return client.get(f"{BASE}{path}", **headers)
        return client.post(f"{BASE}{path}", body or {}, content_type="application/json", **headers)

    return call


def test_the_inquiries_list_pages_by_keyset_newest_first(api, django_assert_max_num_queries):
    _user, key = _key("association_case_worker")
    made = [make_inquiry(received_at=timezone.now() - timedelta(hours=n)) for n in range(3)]
    make_inquiry(association_name=OTHER_ASSOCIATION)

    from vegvis.inquiries import selectors

    rows, cursor = selectors.inquiries_page(principal_for(_user), untriaged_only=False, after=None, limit=2)
    assert [r.pk for r in rows] == [made[0].pk, made[1].pk] and cursor
    rest, last = selectors.inquiries_page(principal_for(_user), untriaged_only=False, after=cursor, limit=2)
    assert [r.pk for r in rest] == [made[2].pk] and last is None

    with django_assert_max_num_queries(12):
        listed = api(key, "get", "/inquiries").json()
    assert [row["id"] for row in listed["items"]] == [m.pk for m in made]
    assert listed["items"][0]["reference"].startswith("H") and listed["next_cursor"] is None
    inquiry = api(key, "get", f"/inquiries/{made[0].pk}").json()
    assert inquiry["account"] == made[0].account and inquiry["triaged"] is False


def test_the_case_list_and_a_case_with_its_allowed_steps(api, django_assert_max_num_queries):
    _worker, key = _key("association_case_worker")
    adviser, adviser_key = _key("association_medical_adviser")
    assigned = make_case(medical_adviser=adviser)
    other = make_case("at_npe")

    with django_assert_max_num_queries(12):
        listed = api(key, "get", "/cases").json()
    assert {row["number"] for row in listed["items"]} == {assigned.number, other.number}
    # The medical adviser sees only the case assigned to them, and gets 404 for the other.
    assert [row["id"] for row in api(adviser_key, "get", "/cases").json()["items"]] == [assigned.pk]
    assert api(adviser_key, "get", f"/cases/{other.pk}").status_code == 404
    assert api(adviser_key, "get", "/inquiries").status_code == 403

    with django_assert_max_num_queries(40):
        detail = api(key, "get", f"/cases/{other.pk}").json()
    assert detail["status"] == "at_npe" and detail["allowed_events"][:1] == ["register_power_of_attorney"]
    assert "register_npe_decision" in detail["allowed_events"] and "close" not in detail["allowed_events"]
    claim = detail["claims"][0]
    assert claim["relative_limit"] and claim["absolute_limit"] and claim["below_threshold"] is False
    assert [p["scopes"] for p in detail["powers_of_attorney"]] == [
        ["records", "complaints", "compensation", "meetings"]
    ]
    assert AuditEntry.objects.filter(object_id=str(other.pk), action="read").exists()


def test_steps_through_the_api_with_the_scan_checked_by_content(api):
    _user, key = _key("association_case_worker")
    case = make_case(power_of_attorney=False)
    assert api(key, "get", f"/cases/{case.pk}").json()["allowed_events"] == [
        "register_power_of_attorney",
        "request_assessment",
        "close",
        "send_power_of_attorney_form",
    ]

    step = {
        "event": "register_power_of_attorney",
        "version": case.version,
        "data": {"granted_by": "Kari Nordmann", "scope_records": True, "signed_on": TODAY.strftime("%d.%m.%Y")},
    }
    html = base64.b64encode(b"<!doctype html><html><script>alert(1)</script></html>").decode()
    refused = api(
        key,
        "post",
        f"/cases/{case.pk}/transitions",
        {**step, "files": {"scan": {"filename": "f.pdf", "content_base64": html}}},
    )
    assert refused.status_code == 422 and "scan" in refused.json()["errors"]
    assert not PowerOfAttorney.objects.filter(case=case).exists()
    assert (
        api(
            key,
            "post",
            f"/cases/{case.pk}/transitions",
            {**step, "files": {"scan": {"filename": "f.pdf", "content_base64": "%%%"}}},
        ).status_code
        == 422
    )

    pdf = base64.b64encode(PDF).decode()
    done = api(
        key,
        "post",
        f"/cases/{case.pk}/transitions",
        {**step, "files": {"scan": {"filename": "f.pdf", "content_base64": pdf}}},
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["powers_of_attorney"][0]["has_scan"] is True
    assert "request_records" in body["allowed_events"] and "prepare_npe_claim" not in body["allowed_events"]
    assert Document.objects.filter(case=case, kind="power_of_attorney").exclude(file="").exists()

    # A stale version is a conflict; a step a guard refuses says why; nothing changes.
    stale = api(
        key,
        "post",
        f"/cases/{case.pk}/transitions",
        {
            "event": "request_records",
            "version": case.version,
            "data": {"provider": "Sykehuset", "sent_on": TODAY.strftime("%d.%m.%Y")},
        },
    )
    assert stale.status_code == 409 and stale.json()["code"] == "case_changed"
    guarded = api(
        key,
        "post",
        f"/cases/{case.pk}/transitions",
        {
            "event": "prepare_npe_claim",
            "version": body["version"],
            "data": {"act_on": "01.01.2024", "knew_on": "01.02.2024"},
        },
    )
    assert guarded.status_code == 409 and guarded.json()["code"] == "transition_refused"
    assert guarded.json()["detail"] == TABLE.refusal(case, "prepare_npe_claim")
    sent = api(
        key,
        "post",
        f"/cases/{case.pk}/transitions",
        {
            "event": "request_records",
            "version": body["version"],
            "data": {"provider": "Sykehuset", "sent_on": TODAY.strftime("%d.%m.%Y")},
        },
    )
    assert sent.status_code == 200 and sent.json()["record_requests"][0]["provider"] == "Sykehuset"
    assert sent.json()["due_reason"] == "records"
    # A letter step is taken at once (the page's preview and "confirm" are for people): the letter is sealed in
    # the case file, listed with its file, and says what the page's letter says.
    assert [d["kind"] for d in sent.json()["documents"] if d["has_file"]][-1] == "record_request"
    letter = Document.objects.get(case=case, kind="record_request")
    assert letter.sent_at is not None and letter.direction == Document.Direction.OUTGOING
    text = " ".join(pdf_text(letter.file.read()).split())
    assert "Sykehuset" in text and case.number in text
    unknown = api(key, "post", f"/cases/{case.pk}/transitions", {"event": "fly_away", "version": 1})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_event"


def test_another_association_and_other_roles_get_nothing(api):
    _other, other_key = _key("association_case_worker", OTHER_ASSOCIATION)
    _adviser, adviser_key = _key("association_medical_adviser")
    case = make_case()
    inquiry = make_inquiry()
    assert api(other_key, "get", f"/cases/{case.pk}").status_code == 404
    assert api(other_key, "get", f"/inquiries/{inquiry.pk}").status_code == 404
    assert api(other_key, "get", "/cases").json()["items"] == []
    step = {"event": "close", "version": case.version, "data": {"outcome": "withdrawn", "failure_type": "none"}}
    assert api(other_key, "post", f"/cases/{case.pk}/transitions", step).status_code == 404
    # The adviser assigned to no case sees none; one assigned may not close it.
    assert api(adviser_key, "post", f"/cases/{case.pk}/transitions", step).status_code == 404
    case.refresh_from_db()
    assert case.status == "open"
    assert Case.objects.get(pk=case.pk).version == case.version


def test_the_desks_schemas_do_not_replace_another_systems_in_the_openapi_document():
    """ninja names a schema by its class: a desk ``CaseOut`` silently replaced treatment abroad's (the fuzzer
    found abroad's answers outside "its" schema). The desk's are prefixed."""
    from vegvis.api.main import api as ninja_api

    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    assert "route" in schemas["CaseOut"]["properties"]
    assert "allowed_events" in schemas["DeskCaseOut"]["properties"] and "kind" in schemas["DeskCaseOut"]["properties"]
