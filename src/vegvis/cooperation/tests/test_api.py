"""The cooperation register's API as a supplier's and an organisation's systems use it, and the public register's
read-only API without login: the agreements a caller may see with their findings (rule id, paragraph, Norwegian
sentence), entering, confirming and disputing with version checks, and every refusal (401, 403, 404, 409, 422)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.cooperation import api as coop_api
from vegvis.cooperation.models import Agreement
from vegvis.cooperation.tests.support import (
    ORGANISATION,
    OTHER_ORGANISATION,
    OTHER_SUPPLIER,
    SUPPLIER,
    make_agreement,
    organisation,
    supplier,
)
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/cooperation"
YEAR = timezone.localdate().year
EXCLUSIVITY_NB = (
    "Avtalen er en eksklusivitetsavtale: leverandører skal ikke inngå eksklusivitetsavtaler med pasientorganisasjoner."
)


def _key(role: str, organisation_name: str | None = None) -> str:
    extra = {"role__organisation": organisation_name} if organisation_name else {}
    if role == "supplier_user":
        supplier(organisation_name or SUPPLIER)  # the user's organisation is the register's supplier
        extra["role__organisation_kind"] = "supplier"
    user = UserFactory(role=role, email=f"{role}.{organisation_name or 'x'}@example.org".replace(" ", ""), **extra)
    return api_token_issue(actor=principal_for(user), user=user, name="t", scope="read_write")[1]


@pytest.fixture
def call(client):
    def send(key: str | None, method: str, path: str, body: dict[str, Any] | None = None, **query: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        if method == "get":
            return client.get(f"{BASE}{path}", query, **headers)
        return client.post(f"{BASE}{path}", body or {}, content_type="application/json", **headers)

    return send


def _terms(**changes: Any) -> dict[str, Any]:
    return {
        "supplier_id": supplier().pk,
        "organisation_id": organisation().pk,
        "kind": "financial_support",
        "written": True,
        "signed_on": f"{YEAR}-01-01",
        "starts_on": f"{YEAR}-01-02",
        "ends_on": f"{YEAR}-12-31",
        "amount_nok": "50000.00",
        "purpose": "Likepersonskurs",
        "exclusive": False,
        "transparency_clause": True,
        "market_value_stated": True,
        **changes,
    }


# ---------------------------------------------------------------- reading


def test_the_list_shows_own_agreements_only_with_their_findings_and_pages_by_keyset(call, monkeypatch):
    key = _key("supplier_user", SUPPLIER)
    breaking = make_agreement(exclusive=True)
    compliant = make_agreement()
    older = make_agreement(starts_on=timezone.localdate().replace(month=1, day=1))
    other = make_agreement(supplier=supplier(OTHER_SUPPLIER), organisation=organisation(OTHER_ORGANISATION))
    monkeypatch.setattr(coop_api, "PAGE_SIZE", 2)

    first = call(key, "get", "/agreements").json()
    rest = call(key, "get", "/agreements", cursor=first["next_cursor"]).json()

    listed = first["items"] + rest["items"]
    # Newest first (the start date, then the latest entered): a keyset orders by a column, not by the findings.
    assert [a["id"] for a in listed] == [compliant.pk, breaking.pk, older.pk] and rest["next_cursor"] is None
    assert other.pk not in {a["id"] for a in listed}
    assert listed[1]["findings"] == [{"rule": "medtek-4-exclusivity", "paragraph": "§ 4", "sentence": EXCLUSIVITY_NB}]
    assert listed[0]["findings"] == [] and listed[0]["supplier"] == SUPPLIER and listed[0]["version"] == 1


def test_the_list_filters_by_status(call):
    key = _key("patient_organisation_user", ORGANISATION)
    make_agreement()
    disputed = make_agreement("disputed")

    items = call(key, "get", "/agreements", status="disputed").json()["items"]

    assert [a["id"] for a in items] == [disputed.pk] and items[0]["status"] == "disputed"
    assert call(key, "get", "/agreements", status="lost").status_code == 422


def test_an_agreement_shows_its_findings_terms_and_review(call):
    key = _key("patient_organisation_user", ORGANISATION)
    agreement = make_agreement(exclusive=True, written=False)

    answer = call(key, "get", f"/agreements/{agreement.pk}")

    body = answer.json()
    assert answer.status_code == 200 and body["number"] == agreement.number
    assert [f["rule"] for f in body["findings"]] == ["medtek-4-exclusivity", "medtek-6-written"]
    assert body["findings"][1]["paragraph"] == "§ 6" and body["findings"][1]["sentence"].startswith("Det finnes ingen")
    assert body["organisation"] == ORGANISATION and body["amount_nok"] == "50000.00"
    assert body["review_open_until"] == agreement.review_due_on.isoformat() and body["status"] == "in_review"


def test_another_suppliers_or_organisations_agreement_is_not_found_and_others_are_refused(call):
    agreement = make_agreement()
    path = f"/agreements/{agreement.pk}"

    assert call(_key("supplier_user", OTHER_SUPPLIER), "get", path).status_code == 404
    assert call(_key("patient_organisation_user", OTHER_ORGANISATION), "get", path).status_code == 404
    assert call(_key("cooperation_administrator"), "get", "/agreements/999999").status_code == 404
    assert call(_key("cooperation_administrator"), "get", path).status_code == 200
    assert call(_key("case_handler"), "get", path).status_code == 403
    assert call(None, "get", path).status_code == 401


# ---------------------------------------------------------------- entering


def test_a_supplier_enters_an_agreement_and_the_organisation_is_told(call, django_capture_on_commit_callbacks):
    key = _key("supplier_user", SUPPLIER)
    UserFactory(role="patient_organisation_user", role__organisation=ORGANISATION, email="styret@hjerte.example")
    body = _terms(
        exclusive=True,
        event={"name": "Sommerkurs", "country": "SE", "covers": ["travel", "gifts"]},
        logo_uses=[{"approved_on": None, "purpose": "Brosjyre", "manner": "Trykt"}],
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer = call(key, "post", "/agreements", body)

    made = answer.json()
    assert answer.status_code == 201 and made["status"] == "in_review" and made["version"] == 1
    assert [f["rule"] for f in made["findings"]] == [
        "medtek-4-exclusivity",
        "medtek-5-logo",
        "medtek-7-abroad",
        "medtek-7-representation",
    ]
    assert made["event"] == {"name": "Sommerkurs", "country": "SE", "covers": ["travel", "gifts"]}
    stored = Agreement.objects.get(pk=made["id"])
    assert stored.supplier.name == SUPPLIER and stored.amount_nok == Decimal("50000.00")
    assert [m.to for m in mail.outbox] == [["styret@hjerte.example"]] and stored.number in mail.outbox[0].body


def test_entering_refuses_bad_fields_by_name(call):
    key = _key("supplier_user", SUPPLIER)

    def errors(**changes: Any) -> dict[str, Any]:
        answer = call(key, "post", "/agreements", _terms(**changes))
        assert answer.status_code == 422
        return answer.json()["errors"]

    assert "ends_on" in errors(ends_on=f"{YEAR - 1}-12-31")
    assert "amount_nok" in errors(amount_nok="-1")
    assert "amount_nok" in errors(amount_nok="1.001")
    assert "kind" in errors(kind="gift")
    assert "starts_on" in errors(starts_on=f"{YEAR}-02-30")
    assert "event.country" in errors(event={"country": "XX", "covers": []})
    assert "organisation_id" in errors(organisation_id=supplier().pk)
    nul = call(key, "post", "/agreements", _terms(purpose="a\x00b"))
    assert nul.status_code == 400 and "NUL" in nul.json()["detail"]  # refused for the whole site before the API
    assert not Agreement.objects.exists()


def test_a_supplier_cannot_enter_for_another_company_and_an_organisation_not_at_all(call):
    other_key = _key("supplier_user", OTHER_SUPPLIER)

    refused = call(other_key, "post", "/agreements", _terms())

    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["supplier_id"]
    assert "egen virksomhet" in refused.json()["errors"]["supplier_id"][0]
    assert call(_key("patient_organisation_user", ORGANISATION), "post", "/agreements", _terms()).status_code == 403
    assert call(None, "post", "/agreements", _terms()).status_code == 401
    assert not Agreement.objects.exists()


# ---------------------------------------------------------------- the organisation's review


def test_the_organisation_confirms_with_the_version_it_read(call):
    key = _key("patient_organisation_user", ORGANISATION)
    agreement = make_agreement()

    answer = call(key, "post", f"/agreements/{agreement.pk}/confirm", {"version": 1})

    assert answer.status_code == 200 and answer.json()["status"] == "confirmed" and answer.json()["version"] == 2
    stale = call(key, "post", f"/agreements/{agreement.pk}/confirm", {"version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    again = call(key, "post", f"/agreements/{agreement.pk}/confirm", {"version": 2})
    assert again.status_code == 409 and again.json()["code"] == "refused"
    assert "kan ikke besvares" in again.json()["detail"]


def test_the_organisation_disputes_with_a_reason(call):
    key = _key("patient_organisation_user", ORGANISATION)
    agreement = make_agreement()
    path = f"/agreements/{agreement.pk}/dispute"

    blank = call(key, "post", path, {"version": 1, "reason": "   "})
    missing = call(key, "post", path, {"version": 1})
    answer = call(key, "post", path, {"version": 1, "reason": "Beløpet er feil."})

    assert blank.status_code == 422 and "reason" in blank.json()["errors"]
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    assert answer.status_code == 200 and answer.json()["status"] == "disputed"
    assert answer.json()["dispute_reason"] == "Beløpet er feil."
    assert call(key, "post", path, {"version": 1, "reason": "Igjen."}).status_code == 409


def test_only_the_agreements_own_organisation_may_answer(call):
    agreement = make_agreement()
    for action, body in (("confirm", {"version": 1}), ("dispute", {"version": 1, "reason": "Nei."})):
        path = f"/agreements/{agreement.pk}/{action}"
        assert call(_key("patient_organisation_user", OTHER_ORGANISATION), "post", path, body).status_code == 404
        assert call(_key("supplier_user", SUPPLIER), "post", path, body).status_code == 403
        assert call(_key("cooperation_administrator"), "post", path, body).status_code == 403
        assert call(None, "post", path, body).status_code == 401
    agreement.refresh_from_db()
    assert agreement.status == "in_review" and agreement.version == 1


# ---------------------------------------------------------------- the public register


def test_the_public_api_lists_a_years_published_agreements_with_the_pages_filters(call):
    organisation(budget=Decimal("1000000"), year=YEAR)
    published = make_agreement("published_disputed")
    make_agreement()  # not published
    other = make_agreement(
        "published",
        supplier=supplier(OTHER_SUPPLIER),
        organisation=organisation(OTHER_ORGANISATION),
        kind="advertising",
    )

    everything = call(None, "get", f"/public/{YEAR}/agreements")
    by_organisation = call(None, "get", f"/public/{YEAR}/agreements", organisation=published.organisation_id)
    by_kind = call(None, "get", f"/public/{YEAR}/agreements", kind="advertising")
    by_search = call(None, "get", f"/public/{YEAR}/agreements", q="lungesyke")
    too_much = call(None, "get", f"/public/{YEAR}/agreements", min_total="50000.01")

    assert everything.status_code == 200
    assert [r["agreement"] for r in everything.json()["items"]] == [published.number, other.number]
    row = by_organisation.json()["items"]
    assert [r["agreement"] for r in row] == [published.number]
    assert row[0]["disputed"] is True and row[0]["dispute_reason"] == "Beløpet er feil."
    assert row[0]["organisation"] == ORGANISATION and row[0]["total_nok"] == "50000.00"
    assert [r["agreement"] for r in by_kind.json()["items"]] == [other.number]
    assert [r["agreement"] for r in by_search.json()["items"]] == [other.number]
    assert too_much.json()["items"] == []
    assert "Matrisebruker" not in everything.content.decode() and "@" not in everything.content.decode()


def test_the_public_api_gives_totals_per_organisation_and_supplier(call):
    organisation(budget=Decimal("200000"), year=YEAR)
    make_agreement("published")
    make_agreement("published", amount_nok=Decimal("25000.00"))
    make_agreement("published", supplier=supplier(OTHER_SUPPLIER), organisation=organisation(OTHER_ORGANISATION))

    totals = call(None, "get", f"/public/{YEAR}/totals").json()
    only_one = call(None, "get", f"/public/{YEAR}/totals", supplier=supplier(OTHER_SUPPLIER).pk).json()

    assert totals["organisations"][0] == {
        "organisation_id": organisation().pk,
        "organisation": ORGANISATION,
        "total_nok": "75000.00",
        "budget_nok": "200000.00",
        "share_of_budget_percent": 38,
    }
    assert (
        totals["organisations"][1]["budget_nok"] is None
        and totals["organisations"][1]["share_of_budget_percent"] is None
    )
    assert [(s["supplier"], s["total_nok"]) for s in totals["suppliers"]] == [
        (SUPPLIER, "75000.00"),
        (OTHER_SUPPLIER, "50000.00"),
    ]
    assert [o["organisation"] for o in only_one["organisations"]] == [OTHER_ORGANISATION]


def test_the_public_api_needs_no_login_and_refuses_years_outside_the_register(call):
    make_agreement("published")

    assert call(None, "get", "/public/years").json()[0] == YEAR
    assert call(None, "get", "/public/1999/agreements").status_code == 422
    assert call(None, "get", "/public/3000/totals").status_code == 422
    assert call(None, "get", f"/public/{YEAR}/agreements", kind="gift").status_code == 422
    assert call(None, "get", f"/public/{YEAR}/agreements", cursor="nonsense").status_code == 200


def test_the_registers_schemas_do_not_replace_another_systems_in_the_openapi_document():
    from vegvis.api.main import api as ninja_api

    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    assert "route" in schemas["CaseOut"]["properties"]
    assert "allowed_events" in schemas["DeskCaseOut"]["properties"]
    assert "findings" in schemas["CoopAgreementOut"]["properties"]
    assert "dispute_reason" in schemas["CoopPublishedRow"]["properties"]
