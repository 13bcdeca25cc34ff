"""Early access's demo data: made through the services, it has both agreement kinds, a renewal, the worklist's two
flags (a short-duration treatment past six months, an exemption expiring), two experimental treatments with
events and an evaluation, and the demo clinician sees the flags on the worklist; running it again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest

from vegvis.abroad.models import Case
from vegvis.access.principal import SYSTEM, principal_for
from vegvis.core.demo import DemoContext
from vegvis.earlyaccess import demo, selectors
from vegvis.earlyaccess.models import (
    AdverseEvent,
    AgreementKind,
    Evaluation,
    Exemption,
    ExperimentalTreatment,
    PatientTreatment,
    Programme,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_kinds_a_renewal_and_the_flags_the_clinician_sees(login, client):
    from vegvis.accounts.models import User

    demo.populate(DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=StringIO()))

    assert set(Programme.objects.values_list("agreement_kind", flat=True)) == set(AgreementKind.values)
    assert Programme.objects.filter(agreements__region__code="helse-vest").count() == 2  # one lacks Vest
    renewed = Programme.objects.get(drug_name="Fritavex")
    assert Exemption.objects.filter(programme=renewed).count() == 2
    assert selectors.exemption_flag(renewed) is None
    assert selectors.exemption_flag(Programme.objects.get(drug_name="Snartex")) == "expiring"
    assert set(PatientTreatment.objects.values_list("hospital__name", flat=True)) == {
        "Oslo universitetssykehus HF",
        "Helse Bergen HF",
    }
    assert ExperimentalTreatment.objects.count() == 2
    assert AdverseEvent.objects.count() == 3 and Evaluation.objects.count() == 2

    clinician = User.objects.get(username="tidlig.klinikker.ous")
    assert selectors.flagged_count(principal_for(clinician)) == 1
    assert selectors.flagged_count(principal_for(User.objects.get(username="tidlig.klinikker.bergen"))) == 0
    page = login(clinician).get("/tidlig-tilgang/pasienter/").content.decode()
    assert "Kortivra" in page and "Snartex" in page
    assert page.count("Over forventet varighet") == 1

    case = Case.objects.get(requested_treatment__contains="Kortivra")
    client.logout()
    both = login(User.objects.get(username="tidlig.utland.ous")).get(f"/utland/saker/{case.pk}/").content.decode()
    flagged = PatientTreatment.objects.get(person=case.patient)
    assert "Kortivra (kortiramab)" in both and flagged.number in both

    demo.populate(DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=StringIO()))
    assert Programme.objects.count() == 4
