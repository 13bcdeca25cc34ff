"""Changing a programme after registration (its own hospital's pharmacy only, version-checked, audited, the
agreement kind and basis fixed once patients have started, the refusal next to the field in Norwegian), and the
clinicians' home panel with the count of treatments past their expected duration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from vegvis.audit.models import AuditEntry
from vegvis.earlyaccess.models import AgreementKind, Programme
from vegvis.earlyaccess.tests.support import OTHER_HOSPITAL, programme, start, user

pytestmark = pytest.mark.django_db


def _post(made: Programme, **changes: Any) -> dict[str, Any]:
    return {
        "drug_name": made.drug_name,
        "active_substance": made.active_substance,
        "atc_code": made.atc_code,
        "supplier": made.supplier_id,
        "indication": made.indication,
        "basis": made.basis,
        "agreement_kind": made.agreement_kind,
        "marketing_authorised_on": "",
        "method": "",
        "cost_terms": made.cost_terms,
        "version": made.version,
        **changes,
    }


def test_the_pharmacy_changes_its_programme_in_one_audited_step(login):
    made = programme()
    client = login(user("earlyaccess_pharmacy"))
    url = f"/tidlig-tilgang/programmer/{made.pk}/endre/"

    form = client.get(url)
    assert form.status_code == 200 and made.drug_name in form.content.decode()
    saved = client.post(url, _post(made, marketing_authorised_on="01.03.2026", cost_terms="Gratis til 2027."))

    assert saved.status_code == 302
    made.refresh_from_db()
    assert (made.marketing_authorised_on.isoformat(), made.cost_terms, made.version) == (
        "2026-03-01",
        "Gratis til 2027.",
        2,
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_label=f"programme {made.pk}")
    assert set(entry.detail["changed"]) == {"marketing_authorised_on", "cost_terms"}

    stale = client.post(url, _post(made, cost_terms="Noe annet", version=1))
    assert "Noen andre endret programmet mens du arbeidet med det." in stale.content.decode()
    made.refresh_from_db()
    assert made.cost_terms == "Gratis til 2027."


def test_the_agreement_kind_stays_once_a_patient_has_started_said_next_to_the_field(login):
    made = programme()
    start(made)
    client = login(user("earlyaccess_pharmacy"))

    refused = client.post(
        f"/tidlig-tilgang/programmer/{made.pk}/endre/", _post(made, agreement_kind=AgreementKind.STANDARD)
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors["agreement_kind"] == [
        "Standardavtalen kan ikke endres etter at pasienter har startet: den avgjør når behandlingen deres forventes "
        "å slutte."
    ]
    made.refresh_from_db()
    assert made.agreement_kind == AgreementKind.SHORT_DURATION and made.version == 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_label=f"programme {made.pk}").exists()


def test_another_hospitals_pharmacy_and_a_clinician_cannot_change_it(login, client):
    made = programme()
    assert (
        login(user("earlyaccess_pharmacy", OTHER_HOSPITAL))
        .get(f"/tidlig-tilgang/programmer/{made.pk}/endre/")
        .status_code
        == 404
    )
    client.logout()
    assert login(user("earlyaccess_clinician")).get(f"/tidlig-tilgang/programmer/{made.pk}/endre/").status_code == 403


def test_the_clinicians_home_panel_counts_the_treatments_past_six_months(login, client):
    start(started_on=timezone.localdate() - timedelta(days=200))
    start(started_on=timezone.localdate() - timedelta(days=20))
    start(
        programme(regions=("helse-vest",), drug="Vestimab"),
        at=OTHER_HOSPITAL,
        started_on=timezone.localdate() - timedelta(days=200),
    )

    home = login(user("earlyaccess_clinician")).get("/hjem/").content.decode()
    assert "Pasienter i tidlig tilgang-programmer" in home
    assert "1 behandling over forventet varighet" in home

    client.logout()
    assert (
        "Pasienter i tidlig tilgang-programmer"
        not in login(user("earlyaccess_pharmacy")).get("/hjem/").content.decode()
    )
