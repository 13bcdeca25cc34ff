"""Issue 16's "Done when", item 2, exactly: an experimental treatment with its plan, two adverse events and an
evaluation appears in its region's overview and in no other region's, and the overview suppresses small cells —
read where the user reads it: the page's tables, the XLSX read back with openpyxl, and the JSON.

One such treatment makes its region's cells «skjult» (not 0, never 1); five such treatments are counted exactly
(5 started, 5 + 5 adverse events, 5 evaluations). The other region's overview counts none of them in any format,
and its staff get 404 for the first region's page and downloads. Nothing in any format names or dates a person.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from vegvis.access.principal import SYSTEM
from vegvis.earlyaccess import services
from vegvis.earlyaccess.models import Benefit, ExperimentalTreatment, Seriousness
from vegvis.earlyaccess.overview import EXPERIMENTAL, kinds
from vegvis.earlyaccess.tests.support import OTHER_RHF, RHF, experimental, user
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import region

pytestmark = pytest.mark.django_db

PLAN = (
    "purpose",
    "goals",
    "frequency_and_duration",
    "monitoring",
    "responsible_persons",
    "stop_criteria",
    "evaluation_plan",
    "risk_analysis",
)


def treated_with_plan_events_and_evaluation() -> ExperimentalTreatment:
    """One patient's experimental treatment at the Helse Sør-Øst hospital, started this January, with its whole
    plan, two adverse events (serious and not serious) and an evaluation (some benefit)."""
    today = timezone.localdate()
    treatment = experimental(started_on=today.replace(month=1, day=1))
    assert all(getattr(treatment, part) for part in PLAN)
    for seriousness in (Seriousness.SERIOUS, Seriousness.NON_SERIOUS):
        services.adverse_event_register(
            actor=SYSTEM, treatment=treatment, occurred_on=today, seriousness=seriousness,
            description="Utslett grad 2", outcome="recovering",
        )  # fmt: skip
    services.evaluation_register(
        actor=SYSTEM, treatment=treatment, evaluated_on=today, benefit=Benefit.SOME, risk="acceptable",
        assessment="Stabil sykdom etter 12 uker",
    )  # fmt: skip
    return treatment


def labels() -> dict[str, str]:
    with translation.override("nb"):
        experimental_label = dict(kinds())[EXPERIMENTAL]
        return {
            "experimental": experimental_label,
            "serious": str(Seriousness.SERIOUS.label),
            "non_serious": str(Seriousness.NON_SERIOUS.label),
            "some": str(Benefit.SOME.label),
        }


def page_rows(html: str, key: str) -> dict[str, list[str]]:
    """The page's table ``key``: each row's label and its cells as shown."""
    table = re.search(rf'<table[^>]*id="tabell-{key}">(.*?)</table>', html, re.S)
    assert table, f"no table {key} on the page"
    rows = [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row) for row in re.findall(r"<tr.*?</tr>", table.group(1), re.S)]
    return {row[0]: row[1:] for row in rows[1:]}


def xlsx_rows(content: bytes) -> dict[str, dict[str, list[Any]]]:
    """Each sheet's rows by their label, read back with openpyxl."""
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: {row[0]: list(row[1:]) for row in sheet.iter_rows(values_only=True) if row and row[0]}
        for sheet in book.worksheets
    }


def json_rows(data: dict[str, Any], key: str) -> dict[str, list[Any]]:
    table = next(t for t in data["tables"] if t["key"] == key)
    return {row[0]: row[1:] for row in table["rows"]}


def overview(client: Any, code: str) -> tuple[str, dict[str, dict[str, list[Any]]], dict[str, Any]]:
    """The region's overview of this year as page, XLSX and JSON."""
    year = timezone.localdate().year
    page = client.get(reverse("earlyaccess:overview"), {"region": region(code).pk, "year": year})
    assert page.status_code == 200
    xlsx = client.get(reverse("earlyaccess:overview_download", args=[code, year, "xlsx"]))
    data = client.get(reverse("earlyaccess:overview_download", args=[code, year, "json"]))
    assert xlsx.status_code == 200 and data.status_code == 200
    return page.content.decode(), xlsx_rows(xlsx.content), data.json()


def experimental_cells(html: str, book: dict[str, dict[str, list[Any]]], data: dict[str, Any]) -> dict[str, Any]:
    """The four cells the treatment counts in, from each format: (page, xlsx, json)."""
    text = labels()
    sheets = {title: rows for title, rows in book.items() if text["experimental"] in rows or text["serious"] in rows}
    patients = next(rows for rows in sheets.values() if text["experimental"] in rows)
    events = next(rows for rows in sheets.values() if text["serious"] in rows)
    evaluations = next(rows for rows in book.values() if text["some"] in rows)
    return {
        "started": (
            page_rows(html, "patients")[text["experimental"]][0],
            patients[text["experimental"]][0],
            json_rows(data, "patients")[text["experimental"]][0],
        ),
        "serious": (
            page_rows(html, "adverse_events")[text["serious"]][0],
            events[text["serious"]][0],
            json_rows(data, "adverse_events")[text["serious"]][0],
        ),
        "non_serious": (
            page_rows(html, "adverse_events")[text["non_serious"]][0],
            events[text["non_serious"]][0],
            json_rows(data, "adverse_events")[text["non_serious"]][0],
        ),
        "some_benefit": (
            page_rows(html, "evaluations")[text["some"]][0],
            evaluations[text["some"]][0],
            json_rows(data, "evaluations")[text["some"]][0],
        ),
    }


def numbers(data: dict[str, Any]) -> set[Any]:
    return {value for table in data["tables"] for row in table["rows"] for value in row[1:]}


def nothing_personal(treatments: list[ExperimentalTreatment], *texts: str) -> None:
    for treatment in treatments:
        for text in texts:
            assert treatment.person.name not in text
            assert treatment.number not in text
            assert treatment.person.birth_date.strftime("%d.%m.%Y") not in text


def test_one_treatment_with_plan_events_and_evaluation_is_hidden_in_its_region_and_absent_from_the_other():
    treatment = treated_with_plan_events_and_evaluation()
    # Each in their own browser (``login`` logs in on the one test client).
    own = log_in_verified(Client(), user("earlyaccess_regional", RHF))
    other = log_in_verified(Client(), user("earlyaccess_regional", OTHER_RHF))

    html, book, data = overview(own, "helse-sor-ost")
    year = timezone.localdate().year
    assert f"Helse Sør-Øst RHF {year}</h1>" in html  # the year as a year, not "2 026"
    cells = experimental_cells(html, book, data)
    for name, shown in cells.items():
        assert shown == ("skjult", "skjult", None), name  # counted, and too few to show: never 1 or 2
    hidden = {tuple(place) for table in data["tables"] for place in table["hidden"]}
    assert (2, 1) in hidden  # the experimental row's "started" cell, listed as hidden in the JSON
    assert numbers(data) <= {0, None}  # no other figure (a total) gives the one treatment away
    nothing_personal([treatment], html, str(book), str(data))

    html, book, data = overview(other, "helse-vest")
    assert experimental_cells(html, book, data) == dict.fromkeys(cells, ("0", 0, 0))
    assert numbers(data) == {0} and all(not table["hidden"] for table in data["tables"])

    assert other.get(reverse("earlyaccess:overview"), {"region": region("helse-sor-ost").pk}).status_code == 404
    for fmt in ("xlsx", "json"):
        url = reverse("earlyaccess:overview_download", args=["helse-sor-ost", year, fmt])
        assert other.get(url).status_code == 404


def test_five_such_treatments_are_counted_exactly_in_their_region_and_in_no_other(login):
    treatments = [treated_with_plan_events_and_evaluation() for _n in range(5)]
    national = login(user("earlyaccess_national", None))

    html, book, data = overview(national, "helse-sor-ost")
    assert experimental_cells(html, book, data) == {
        "started": ("5", 5, 5),
        "serious": ("5", 5, 5),
        "non_serious": ("5", 5, 5),
        "some_benefit": ("5", 5, 5),
    }
    events = next(t for t in data["tables"] if t["key"] == "adverse_events")
    assert events["rows"][-1][1] == 10 and not events["hidden"]  # the two events of each, in the total
    nothing_personal(treatments, html, str(book), str(data))

    for code in ("helse-vest", "helse-midt-norge", "helse-nord"):
        html, book, data = overview(national, code)
        assert set(experimental_cells(html, book, data).values()) == {("0", 0, 0)}, code
        assert numbers(data) == {0}, code


def test_no_sum_across_the_tables_gives_a_small_number_of_ended_experimental_treatments_away():
    """Found in the attack pass: the patients table's sum of all stops less the stop-reasons table's sum (the
    compassionate-use stops) was the number of experimental treatments ended, shown however small."""
    from vegvis.earlyaccess.tests.support import programme, start

    today = timezone.localdate()
    january = today.replace(month=1, day=1)
    made = programme(signed_on=january)
    for _n in range(6):
        treatment = start(made, started_on=january)
        services.treatment_stop(
            actor=SYSTEM, treatment=treatment, version=treatment.version, stopped_on=today, reason="completed"
        )
    ended = treated_with_plan_events_and_evaluation()
    ExperimentalTreatment.objects.filter(pk=ended.pk).update(ended_on=today)  # no page ends one yet

    data = overview(log_in_verified(Client(), user("earlyaccess_regional", RHF)), "helse-sor-ost")[2]
    patients, reasons = json_rows(data, "patients"), json_rows(data, "stop_reasons")
    assert labels()["experimental"] in patients and patients[labels()["experimental"]][1] is None  # hidden
    stopped_shown = [row[1] for row in patients.values() if row[1] is not None]
    reasons_total = next(row for label, row in reasons.items() if label in ("Sum", "Total"))[0]
    assert reasons_total == 6
    every_sum = {*stopped_shown, sum(stopped_shown)}
    assert all(total - reasons_total not in range(1, 5) for total in every_sum)  # no difference shows the 1
    assert 6 in stopped_shown and not any(str(label).startswith(("Sum", "Total")) for label in patients)
