"""Early access's API as a hospital's and a regional authority's systems use it: programmes and agreements by the
pharmacy, a patient start refused before the agreement date (409, the page's Norwegian reason) and made after it,
the flag past six months, another hospital's patient 404, experimental follow-up with the patient never paying,
and the overview as aggregates of the caller's own region only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.core.models import Organisation
from vegvis.earlyaccess.models import CostEntry, PatientTreatment, Programme
from vegvis.earlyaccess.tests.support import (
    HOSPITAL,
    OTHER_HOSPITAL,
    OTHER_RHF,
    RHF,
    SUPPLIER,
    experimental,
    hospital,
    later,
    programme,
    start,
    user,
)
from vegvis.testing.factories import named_organisation, synthetic_id

pytestmark = pytest.mark.django_db
BASE = "/api/v1/earlyaccess"


def _key(role: str, at: str | None = HOSPITAL) -> str:
    holder = user(role, at, username=f"{role}.{at}".replace(" ", ""))
    return api_token_issue(actor=principal_for(holder), user=holder, name="t", scope="read_write")[1]


@pytest.fixture
def call(client):
    def send(key: str, method: str, path: str, body: dict[str, Any] | None = None, **query: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        if method == "get":
            return client.get(f"{BASE}{path}", query, **headers)
        return client.post(f"{BASE}{path}", body or {}, content_type="application/json", **headers)

    return send


def _start_body(programme_id: int, started_on: Any, **changes: Any) -> dict[str, Any]:
    return {
        "programme_id": programme_id,
        "hospital_id": hospital().pk,
        "name": "Kari Pasient",
        "national_id": synthetic_id(),
        "home_region": "helse-sor-ost",
        "consultant": "Overlege Kari Nordmann",
        "started_on": started_on.isoformat(),
        **changes,
    }


def test_pharmacy_registers_a_short_duration_programme_and_its_agreement_and_the_clinician_is_refused_before_it(
    call, monkeypatch
):
    today = timezone.localdate()
    pharmacy = _key("earlyaccess_pharmacy")
    supplier = named_organisation(SUPPLIER, Organisation.Kind.SUPPLIER)
    made = call(
        pharmacy,
        "post",
        "/programmes",
        {
            "drug_name": "Kortibumab",
            "active_substance": "kortibumab",
            "atc_code": "l01xc",
            "supplier_id": supplier.pk,
            "indication": "Akutt leukemi",
            "basis": "programme",
            "agreement_kind": "short_duration",
            "owner_id": hospital().pk,
        },
    )
    assert made.status_code == 201, made.content
    programme_id = made.json()["id"]
    assert made.json()["atc_code"] == "L01XC" and made.json()["agreements"] == []

    other = call(pharmacy, "post", "/programmes", {**made.json(), "owner_id": hospital(OTHER_HOSPITAL).pk})
    assert other.status_code == 422 and list(other.json()["errors"]) == ["owner_id"]

    signed = call(
        pharmacy,
        "post",
        f"/programmes/{programme_id}/agreements",
        {"region": "helse-sor-ost", "signed_on": (today - timedelta(days=10)).isoformat(), "reference": "SI-1"},
    )
    assert signed.status_code == 201 and signed.json()["agreements"][0]["region"] == "helse-sor-ost"
    foreign = call(
        pharmacy,
        "post",
        f"/programmes/{programme_id}/agreements",
        {"region": "helse-vest", "signed_on": today.isoformat(), "reference": "SI-2"},
    )
    assert foreign.status_code == 422 and list(foreign.json()["errors"]) == ["region"]

    clinician = _key("earlyaccess_clinician")
    early = call(clinician, "post", "/treatments", _start_body(programme_id, today - timedelta(days=11)))
    assert early.status_code == 409
    assert early.json()["detail"].startswith("Pasienten kan ikke starte før avtaledatoen")
    assert not PatientTreatment.objects.exists()

    started = call(clinician, "post", "/treatments", _start_body(programme_id, today - timedelta(days=10)))
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["number"].startswith("TT-") and not body["past_expected_duration"]
    assert synthetic_id() not in started.content.decode()

    later(monkeypatch, 200)
    flagged = call(clinician, "get", "/treatments", flagged="true")
    assert [row["id"] for row in flagged.json()["items"]] == [body["id"]]
    assert flagged.json()["items"][0]["past_expected_duration"] is True


def test_a_clinician_sees_only_the_own_hospitals_patients_and_reads_are_audited(call):
    mine = start()
    theirs = start(programme(regions=("helse-vest",), drug="Vestimab"), at=OTHER_HOSPITAL)
    clinician = _key("earlyaccess_clinician")

    listed = call(clinician, "get", "/treatments")
    assert [row["id"] for row in listed.json()["items"]] == [mine.pk]
    assert call(clinician, "get", f"/treatments/{theirs.pk}").status_code == 404
    assert (
        call(
            clinician,
            "post",
            f"/treatments/{theirs.pk}/stop",
            {"version": 1, "stopped_on": "2026-01-01", "reason": "other"},
        ).status_code
        == 404
    )
    read = call(clinician, "get", f"/treatments/{mine.pk}")
    assert read.status_code == 200 and read.json()["name"] == mine.person.name
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_label=mine.audit_label).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, object_label=theirs.audit_label).exists()

    for role, at in (("earlyaccess_pharmacy", HOSPITAL), ("earlyaccess_regional", RHF)):
        assert call(_key(role, at), "get", f"/treatments/{mine.pk}").status_code == 403
        assert call(_key(role, at), "get", "/experimental").status_code == 403

    stopped = call(
        clinician,
        "post",
        f"/treatments/{mine.pk}/stop",
        {"version": mine.version, "stopped_on": timezone.localdate().isoformat(), "reason": "completed"},
    )
    assert stopped.status_code == 200 and stopped.json()["stop_reason"] == "completed"
    again = call(
        clinician,
        "post",
        f"/treatments/{mine.pk}/stop",
        {"version": mine.version, "stopped_on": timezone.localdate().isoformat(), "reason": "completed"},
    )
    assert again.status_code == 409


def test_experimental_follow_up_and_the_patient_never_pays(call):
    treatment = experimental()
    clinician = _key("earlyaccess_clinician")
    day = (timezone.localdate() - timedelta(days=5)).isoformat()

    event = call(
        clinician,
        "post",
        f"/experimental/{treatment.pk}/adverse-events",
        {"occurred_on": day, "seriousness": "serious", "description": "Feber", "outcome": "recovered"},
    )
    assert event.status_code == 201 and event.json()["adverse_events"][0]["seriousness"] == "serious"
    evaluation = call(
        clinician,
        "post",
        f"/experimental/{treatment.pk}/evaluations",
        {"occurred_on": day, "evaluated_on": day, "benefit": "some", "risk": "acceptable", "assessment": "Stabil"},
    )
    assert evaluation.status_code == 201
    cost = call(
        clinician,
        "post",
        f"/experimental/{treatment.pk}/costs",
        {"incurred_on": day, "description": "Legemiddel", "amount_nok": "1200.50", "payer": "hospital"},
    )
    assert cost.status_code == 201 and cost.json()["costs"][0]["amount_nok"] == "1200.50"

    charged = call(
        clinician,
        "post",
        f"/experimental/{treatment.pk}/costs",
        {"incurred_on": day, "description": "Egenandel", "amount_nok": "300", "payer": "patient"},
    )
    assert charged.status_code == 422
    assert charged.json()["errors"]["payer"] == [
        "Pasienten betaler aldri for utprøvende behandling: velg sykehuset, regionen eller leverandøren."
    ]
    assert CostEntry.objects.count() == 1

    detail = call(clinician, "get", f"/experimental/{treatment.pk}")
    assert detail.json()["stop_criteria"] and len(detail.json()["evaluations"]) == 1


def test_the_overview_is_the_callers_region_only_as_aggregates(call):
    year = timezone.localdate().year
    start()
    regional = _key("earlyaccess_regional", RHF)

    own = call(regional, "get", f"/overview/helse-sor-ost/{year}")
    assert own.status_code == 200
    patients = own.json()["tables"][0]
    assert patients["key"] == "patients" and patients["hidden"]  # one patient: hidden, not 1
    assert "name" not in own.content.decode()
    assert call(regional, "get", f"/overview/helse-vest/{year}").status_code == 404
    assert call(_key("earlyaccess_regional", OTHER_RHF), "get", f"/overview/helse-vest/{year}").status_code == 200
    assert call(_key("earlyaccess_clinician"), "get", f"/overview/helse-sor-ost/{year}").status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_label__startswith="early access").exists()
    # Programmes hold no personal data: every early-access role reads them.
    assert call(regional, "get", "/programmes").json()["items"][0]["id"] == Programme.objects.get().pk
