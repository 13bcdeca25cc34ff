"""Ending an experimental treatment (``services.experimental_end``, the page ``utprovende/<id>/avslutt/``): the end
shows on the treatment's page, and the regional overview counts it as ended — in its region only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.earlyaccess import services
from vegvis.earlyaccess.models import EndReason, ExperimentalTreatment
from vegvis.earlyaccess.tests.support import OTHER_HOSPITAL, RHF, experimental, user
from vegvis.earlyaccess.tests.test_overview_regions import json_rows, overview, page_rows

pytestmark = pytest.mark.django_db


def _day(value) -> str:  # type: ignore[no-untyped-def]
    return value.strftime("%d.%m.%Y")


def test_an_ended_treatment_shows_as_ended_on_its_page_and_counts_as_ended_in_its_regions_overview(login):
    today = timezone.localdate()
    treatments = [experimental(started_on=today.replace(month=1, day=1)) for _n in range(5)]
    first = treatments[0]
    clinician = login(user("earlyaccess_clinician"))

    page = clinician.get(reverse("earlyaccess:experimental", args=[first.pk])).content.decode()
    assert "Pågår" in page and reverse("earlyaccess:experimental_end", args=[first.pk]) in page

    url = reverse("earlyaccess:experimental_end", args=[first.pk])
    form = clinician.get(url).content.decode()
    assert 'name="version" value="1"' in form and "Årsak til avslutning" in form
    answer = clinician.post(
        url, {"version": "1", "ended_on": _day(today), "reason": EndReason.STOP_CRITERION, "note": "Progresjon på CT"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("earlyaccess:experimental", args=[first.pk])

    page = clinician.get(reverse("earlyaccess:experimental", args=[first.pk])).content.decode()
    assert f"Avsluttet {_day(today)}: Stoppkriterium oppfylt – Progresjon på CT" in page
    assert "Pågår" not in page and url not in page  # no second end offered
    ended = ExperimentalTreatment.objects.get(pk=first.pk)
    assert (ended.ended_on, ended.end_reason, ended.version) == (today, EndReason.STOP_CRITERION, 2)
    entry = AuditEntry.objects.filter(object_label=first.audit_label, action=AuditEntry.Action.TRANSITION).get()
    assert entry.detail["to"] == "ended" and entry.detail["reason"] == "stop_criterion"

    # A second end is refused next to the date, on the page and in the service.
    again = clinician.post(url, {"version": "2", "ended_on": _day(today), "reason": EndReason.PLANNED})
    assert again.status_code == 200 and "Behandlingen er allerede avsluttet" in again.content.decode()
    with pytest.raises(services.Refused) as refused:
        services.experimental_end(actor=SYSTEM, treatment=ended, version=2, ended_on=today, reason=EndReason.PLANNED)
    assert refused.value.field == "ended_on"

    for treatment in treatments[1:]:
        services.experimental_end(
            actor=SYSTEM, treatment=treatment, version=1, ended_on=today, reason=EndReason.PLANNED
        )
    regional = login(user("earlyaccess_regional", RHF))
    html, book, data = overview(regional, "helse-sor-ost")
    label = "Utprøvende behandling utenfor studier"
    assert page_rows(html, "patients")[label] == ["5", "5"]  # started, stopped or ended
    patients = next(rows for rows in book.values() if label in rows)
    assert patients[label] == [5, 5]
    assert json_rows(data, "patients")[label] == [5, 5]

    national = login(user("earlyaccess_national", None))
    html, book, data = overview(national, "helse-vest")
    assert json_rows(data, "patients")[label] == [0, 0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ended_on": timezone.localdate() + timedelta(days=1)}, "ended_on", "fram i tid"),
        ({"ended_on": timezone.localdate() - timedelta(days=61)}, "ended_on", "før den startet"),
        ({"reason": EndReason.OTHER, "note": " "}, "note", "Skriv i merknaden"),
        ({"reason": "finished"}, "reason", "Velg hvorfor"),
    ],
)
def test_an_end_is_refused_next_to_the_field(change, field, message):  # type: ignore[no-untyped-def]
    from django.utils import translation

    treatment = experimental(started_on=timezone.localdate() - timedelta(days=60))
    values = {"ended_on": timezone.localdate(), "reason": EndReason.PLANNED, "note": "", **change}
    with translation.override("nb"), pytest.raises(services.Refused) as refused:
        services.experimental_end(actor=SYSTEM, treatment=treatment, version=1, **values)
    assert refused.value.field == field and message in str(refused.value)
    assert ExperimentalTreatment.objects.get(pk=treatment.pk).ended_on is None


def test_a_stale_version_and_another_hospitals_clinician_are_refused(login):
    treatment = experimental()
    with pytest.raises(services.Refused):
        services.experimental_end(
            actor=SYSTEM, treatment=treatment, version=7, ended_on=timezone.localdate(), reason=EndReason.DEATH
        )
    other = login(user("earlyaccess_clinician", OTHER_HOSPITAL))
    url = reverse("earlyaccess:experimental_end", args=[treatment.pk])
    assert (
        other.post(url, {"version": "1", "ended_on": _day(timezone.localdate()), "reason": "death"}).status_code == 404
    )
    assert ExperimentalTreatment.objects.get(pk=treatment.pk).ended_on is None
