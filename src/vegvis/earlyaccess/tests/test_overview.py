"""The regional overview (issue 16, "Done when"): an experimental treatment with two adverse events and an
evaluation counts in its region's overview and in no other; small cells are suppressed; the XLSX read back."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from vegvis.access.principal import SYSTEM
from vegvis.earlyaccess import services
from vegvis.earlyaccess.tests.support import OTHER_RHF, RHF, experimental, start, user

pytestmark = pytest.mark.django_db


def _one_experimental_with_events():
    today = timezone.localdate()
    treatment = experimental(started_on=today.replace(month=1, day=1))
    for seriousness in ("serious", "non_serious"):
        services.adverse_event_register(
            actor=SYSTEM, treatment=treatment, occurred_on=today, seriousness=seriousness,
            description="Utslett", outcome="recovering",
        )  # fmt: skip
    services.evaluation_register(
        actor=SYSTEM, treatment=treatment, evaluated_on=today, benefit="some", risk="acceptable", assessment="Stabil"
    )
    return treatment


def _cells(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_overview_counts_a_region_treatment_in_its_region_only_and_hides_small_cells(login):
    _one_experimental_with_events()
    from vegvis.earlyaccess.models import AgreementKind
    from vegvis.earlyaccess.tests.support import programme

    short, standard = programme(), programme(AgreementKind.STANDARD)
    january = timezone.localdate().replace(month=1, day=1)
    for made, count in ((short, 6), (standard, 5)):
        for _n in range(count):
            start(made, started_on=january)
    year = timezone.localdate().year
    own = login(user("earlyaccess_regional", RHF))
    page = own.get(reverse("earlyaccess:overview")).content.decode()
    assert "Helse Sør-Øst" in page and "skjult" in page
    rows = _cells(own.get(reverse("earlyaccess:overview_download", args=["helse-sor-ost", year, "xlsx"])).content)
    short = next(r for r in rows if r and r[0] == "Compassionate use, kortvarig behandling")
    assert short[1] == 6  # six short-duration starts: shown
    standard_row = next(r for r in rows if r and r[0] == "Compassionate use, standardavtale")
    assert standard_row[1] == 5  # no sum row to protect (see test_overview_regions), so no complement hidden
    experimental_row = next(r for r in rows if r and r[0] == "Utprøvende behandling utenfor studier")
    assert experimental_row[1] == "skjult"  # one patient: hidden, never a number
    serious = next(r for r in rows if r and r[0] == "Alvorlig")
    assert serious[1] == "skjult"

    other = login(user("earlyaccess_regional", OTHER_RHF))
    assert other.get(reverse("earlyaccess:overview_download", args=["helse-sor-ost", year, "xlsx"])).status_code == 404
    theirs = _cells(other.get(reverse("earlyaccess:overview_download", args=["helse-vest", year, "xlsx"])).content)
    counts = [v for r in theirs for v in r[1:] if isinstance(v, int)]
    assert counts and set(counts) == {0}  # nothing of Helse Sør-Øst's in Helse Vest's overview
    data = other.get(reverse("earlyaccess:overview_download", args=["helse-vest", year, "json"])).json()
    assert data["region"] == "helse-vest" and not data["tables"][0]["hidden"]


def test_a_clinician_is_refused_a_start_before_the_agreement_date_on_the_page(login):
    from vegvis.earlyaccess.tests.support import programme

    signed = timezone.localdate() - timedelta(days=5)
    made = programme(signed_on=signed)
    clinician = user("earlyaccess_clinician")
    client = login(clinician)
    from vegvis.earlyaccess.tests.support import hospital
    from vegvis.testing.factories import region, synthetic_id

    form = {
        "name": "Ola Testesen", "national_id": synthetic_id(timezone.localdate().replace(year=1980)),
        "home_region": region().pk, "programme": made.pk, "hospital": hospital().pk,
        "consultant": "Overlege Kari", "started_on": (signed - timedelta(days=1)).strftime("%d.%m.%Y"),
    }  # fmt: skip
    page = client.post(reverse("earlyaccess:treatment_start"), form).content.decode()
    assert "kan ikke starte før avtaledatoen" in page and signed.strftime("%d.%m.%Y") in page
    assert form["national_id"] not in page
    form["started_on"] = signed.strftime("%d.%m.%Y")
    response = client.post(reverse("earlyaccess:treatment_start"), form)
    assert response.status_code == 302
    assert "Ola Testesen" in client.get(response["Location"]).content.decode()
