"""The rules of early access at their boundaries, through the services (DOMAIN.md §5, issue 16)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.core.atc import is_valid
from vegvis.earlyaccess import selectors, services
from vegvis.earlyaccess.models import AgreementKind, Basis, CostEntry
from vegvis.earlyaccess.tests.support import (
    HOSPITAL,
    OTHER_HOSPITAL,
    experimental,
    hospital,
    later,
    on_day,
    programme,
    start,
    user,
)
from vegvis.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_start_on_the_agreement_date_itself_is_allowed_and_the_day_before_refused_in_norwegian():
    signed = timezone.localdate() - timedelta(days=10)
    made = programme(signed_on=signed)
    with pytest.raises(services.Refused) as refused, timezone.override("Europe/Oslo"):
        from django.utils import translation

        with translation.override("nb"):
            start(made, started_on=signed - timedelta(days=1))
    assert signed.strftime("%d.%m.%Y") in str(refused.value)
    assert "avtaledato" in str(refused.value)
    treatment = start(made, started_on=signed)
    assert treatment.started_on == signed and treatment.number.startswith(f"TT-{signed.year}-")


def test_a_start_is_refused_without_an_agreement_for_the_hospitals_region():
    made = programme(regions=("helse-sor-ost",))
    with pytest.raises(services.Refused, match="Helse Vest RHF"):
        start(made, at=OTHER_HOSPITAL)


def test_an_exemption_programme_needs_an_exemption_valid_on_the_start_day_and_lasts_at_most_a_year():
    made = programme(basis=Basis.EXEMPTION, kind=AgreementKind.STANDARD)
    today = timezone.localdate()
    with pytest.raises(services.Refused, match="exemption"):
        start(made, started_on=today)
    granted = today - timedelta(days=20)
    last = granted.replace(year=granted.year + 1)
    with pytest.raises(services.Refused, match="at most a year"):
        services.exemption_add(actor=SYSTEM, programme=made, granted_on=granted, valid_until=last + timedelta(days=1))
    services.exemption_add(actor=SYSTEM, programme=made, granted_on=granted, valid_until=last)
    assert start(made, started_on=today).started_on == today


def test_a_short_duration_treatment_is_flagged_from_the_day_after_six_months(monkeypatch):
    today = timezone.localdate()
    started = today - timedelta(days=3)
    treatment = start(programme(), started_on=started)
    six_months = treatment.expected_end_on
    assert six_months == started + relativedelta(months=6)  # earlyaccess_short_duration
    clinician = principal_for(user("earlyaccess_clinician"))
    on_day(monkeypatch, six_months)
    rows, _cursor = selectors.worklist(clinician, hospital=hospital())
    assert [r.past_expected for r in rows] == [False]
    on_day(monkeypatch, six_months + timedelta(days=1))
    rows, _cursor = selectors.worklist(clinician, hospital=hospital())
    assert [r.past_expected for r in rows] == [True]
    assert selectors.flagged_count(clinician) == 1


def test_a_standard_agreement_treatment_is_never_flagged_for_duration(monkeypatch):
    treatment = start(programme(AgreementKind.STANDARD))
    assert treatment.expected_end_on is None
    later(monkeypatch, 400)
    clinician = principal_for(user("earlyaccess_clinician"))
    rows, _cursor = selectors.worklist(clinician, hospital=hospital())
    assert [r.flagged for r in rows] == [False]


def test_an_exemption_is_flagged_within_the_warning_period_and_when_expired(monkeypatch):
    made = programme(basis=Basis.EXEMPTION, kind=AgreementKind.STANDARD)
    today = timezone.localdate()
    services.exemption_add(
        actor=SYSTEM, programme=made, granted_on=today - timedelta(days=300), valid_until=today + timedelta(days=61)
    )
    start(made, started_on=today)
    assert selectors.exemption_flag(made) is None
    later(monkeypatch, 1)  # 60 days left: the warning period (earlyaccess_exemption_warning) has begun
    assert selectors.exemption_flag(made) == "expiring"
    later(monkeypatch, 62)
    assert selectors.exemption_flag(made) == "expired"


def test_a_clinician_starts_only_at_the_own_hospital():
    made = programme(regions=("helse-sor-ost", "helse-vest"))
    other = principal_for(user("earlyaccess_clinician", OTHER_HOSPITAL))
    with pytest.raises(services.Refused, match="own hospital"):
        services.treatment_start(
            actor=other,
            programme=made,
            person=PersonFactory(),
            hospital=hospital(HOSPITAL),
            consultant="Overlege",
            started_on=timezone.localdate(),
        )


def test_the_patient_never_pays_refused_by_the_service_and_by_the_database():
    treatment = experimental()
    with pytest.raises(services.Refused, match="never pays"):
        services.cost_register(
            actor=SYSTEM,
            treatment=treatment,
            incurred_on=timezone.localdate(),
            description="Egenandel",
            amount=Decimal("350"),
            payer="patient",
        )
    entry = services.cost_register(
        actor=SYSTEM,
        treatment=treatment,
        incurred_on=timezone.localdate(),
        description="Legemiddel",
        amount=Decimal("12500.50"),
        payer="hospital",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CostEntry.objects.filter(pk=entry.pk).update(payer="patient")


def test_an_experimental_treatment_needs_every_part_of_the_plan_and_consent_before_start():
    from vegvis.earlyaccess.tests.support import plan

    with pytest.raises(services.Refused, match="every part"):
        services.experimental_register(
            actor=SYSTEM, person=PersonFactory(), hospital=hospital(), data=plan(stop_criteria=" ")
        )
    started = timezone.localdate() - timedelta(days=5)
    with pytest.raises(services.Refused, match="Consent"):
        services.experimental_register(
            actor=SYSTEM,
            person=PersonFactory(),
            hospital=hospital(),
            data=plan(started, consent_on=started + timedelta(days=1)),
        )


def test_stopping_records_date_and_reason_once():
    treatment = start()
    stopped = services.treatment_stop(
        actor=SYSTEM,
        treatment=treatment,
        version=treatment.version,
        stopped_on=timezone.localdate(),
        reason="completed",
    )
    assert stopped.stopped_on == timezone.localdate() and stopped.stop_reason == "completed"
    with pytest.raises(services.Refused):
        services.treatment_stop(
            actor=SYSTEM, treatment=stopped, version=stopped.version, stopped_on=timezone.localdate(), reason="other"
        )


@pytest.mark.parametrize(
    ("code", "valid"),
    [("L01XC32", True), ("l01 xc", True), ("A", True), ("A10", True), ("E01", False), ("L1XC32", False),
     ("L01XC3", False), ("L01XC322", False), ("", False)],
)  # fmt: skip
def test_atc_codes_by_their_form(code, valid):
    assert is_valid(code) is valid
