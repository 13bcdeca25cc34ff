"""The published 2020 report, reproduced from case-level data imported through the real commands.

The data set (dataset_2020) is built from the published figures and carries the traps the definitions exist
for; ``vegvis report annual --year 2020 --format json`` must give every published figure. Where the report's text
and table disagree (chapter Z: table 34 %, text 32 %), the table is reproduced (docs/modules/reports.md).
"""

from __future__ import annotations

from datetime import date

import pytest

from vegvis.abroad.models import Appeal, Case, Expense, Outcome, Route
from vegvis.reports.dataset_2020 import FIGURES, REFERENCE
from vegvis.reports.models import HistoricalFigure
from vegvis.reports.tests.conftest import Imported, report_json

pytestmark = pytest.mark.django_db

REGIONS = ["helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"]


@pytest.fixture
def report(imported_2020: Imported) -> dict:
    return report_json(2020)


def test_applications_received_per_year_2011_to_2020_are_the_published_ones(report):
    assert report["applications"]["received_per_year"] == REFERENCE["applications_received_per_year"]


def test_received_granted_grant_rate_and_pending_at_year_end(report):
    applications = report["applications"]
    assert applications["received"] == FIGURES["received"] == 224
    assert applications["granted"] == FIGURES["granted"] == 173
    assert applications["grant_rate_percent"] == 77  # "ca 77 prosent"
    assert applications["pending_at_year_end"] == FIGURES["pending_at_year_end"] == 6


def test_children_among_the_granted(report):
    assert report["children"] == {
        "granted": FIGURES["granted_children_under_18"],
        "percent_of_granted": FIGURES["granted_children_percent"],
    }


def test_nordic_share_and_hospitals_pooled_as_others(report):
    assert report["granted_nordic_percent"] == 70  # "omtrent 70 prosent"
    assert sum(report["granted_per_country"].values()) == 173
    hospitals = report["granted_per_hospital"]
    other = hospitals[-1]
    assert other["hospital"] == "other"
    assert other["institutions"] == FIGURES["hospitals_grouped_as_other"]["institutions"] == 34
    assert all(h["count"] >= 5 for h in hospitals[:-1])
    karolinska = next(h for h in hospitals if h["hospital"] == "Karolinska Universitetssjukhuset")
    assert karolinska == {"hospital": "Karolinska Universitetssjukhuset", "country": "SE", "count": 55 + 5}
    assert sum(h["count"] for h in hospitals) == 173


def test_diagnosis_chapters_reproduce_the_table_not_the_text(report):
    published = {k: v for k, v in FIGURES["diagnosis_chapters_percent_of_granted"].items() if k != "rule"}
    expected = {key: {"2019": shares["2019"], "2020": shares["2020"]} for key, shares in published.items()}
    assert report["diagnosis_chapters_percent"] == expected
    assert report["diagnosis_chapters_percent"]["Z00-Z99"]["2020"] == 34 != published["Z00-Z99"]["text_says_2020"]


def test_costs_per_region_2015_to_2020(report):
    assert report["costs_nok_per_region_per_year"] == FIGURES["costs_nok_per_region_per_year"]


def test_average_cost_per_granted_application(report):
    total_2020 = sum(years["2020"] for years in FIGURES["costs_nok_per_region_per_year"].values())
    assert report["average_cost_per_granted_per_year"]["2020"] == round(total_2020 / 173) == 294509
    # 2019: costs from the history (no expense booked in 2019), grants from the cases.
    total_2019 = sum(years["2019"] for years in FIGURES["costs_nok_per_region_per_year"].values())
    assert report["average_cost_per_granted_per_year"]["2019"] == round(total_2019 / 230)


def test_appeals_per_region(report):
    published = FIGURES["appeals"]
    appeals = report["appeals"]
    assert appeals["appeals_against_rejection_received"] == published["appeals_against_rejection_received"]
    assert appeals["reversed_by_office"] == published["reversed_by_office"]
    assert appeals["forwarded_to_board"] == published["forwarded_to_board"]
    assert appeals["board_decisions_received"]["upheld"] == published["board_decisions_received"]["upheld"]
    assert appeals["board_decisions_received"]["reversed"] == published["board_decisions_received"]["reversed"]


def test_particle_therapy_and_nordic_protocols(report):
    assert report["particle_therapy"]["patients"] == FIGURES["particle_therapy"]["patients"]
    assert report["particle_therapy"]["costs_nok"] == FIGURES["particle_therapy"]["costs_nok"]
    assert report["nordic_drug_protocol_children"] == FIGURES["nordic_drug_protocol_children"] == 1


def test_every_region_key_appears_in_every_per_region_table(report):
    tables = [
        report["received_per_region"],
        report["costs_nok_per_region_per_year"],
        report["particle_therapy"]["patients"],
        report["particle_therapy"]["costs_nok"],
        report["appeals"]["appeals_against_rejection_received"],
        report["appeals"]["reversed_by_office"],
        report["appeals"]["forwarded_to_board"],
        report["appeals"]["board_decisions_received"]["upheld"],
        report["appeals"]["board_decisions_received"]["reversed"],
    ]
    for table in tables:
        assert list(table) == REGIONS
    assert sum(report["received_per_region"].values()) == 224


# ---------------------------------------------------------------- the traps are in the data and are handled


def test_trap_decisions_after_year_end_are_pending_at_year_end_but_still_granted(imported_2020: Imported):
    decided_2021 = Case.objects.filter(received_date__year=2020, decided_on__year=2021, route=Route.TREATMENT_ABROAD)
    assert decided_2021.filter(final_outcome=Outcome.GRANTED).count() == 2
    assert decided_2021.filter(final_outcome=Outcome.REJECTED).count() == 1
    assert (
        Case.objects.filter(received_date__year=2020, decided_on__isnull=True)
        .exclude(route=Route.PARTICLE_THERAPY)
        .count()
        == 3
    )


def test_trap_appeals_from_the_previous_year_decided_this_year(imported_2020: Imported):
    from_2019 = Appeal.objects.filter(received_date__year=2019, board_date__year=2020)
    assert from_2019.count() == 12  # forwarded in 2019 (10) or in 2020 (2), decided by the board in 2020
    reversed_2019 = from_2019.filter(board_outcome=Appeal.BoardOutcome.REVERSED)
    # A board reversal in 2020 makes a 2019 application a grant of 2019, not of 2020.
    assert all(a.case.final_outcome == Outcome.GRANTED and a.case.received_date.year == 2019 for a in reversed_2019)
    assert report_json(2019)["applications"]["granted"] == 230


def test_trap_costs_booked_in_another_year_than_the_case(imported_2020: Imported):
    assert Expense.objects.filter(case__received_date__year=2019, booked_date__year=2020).exists()
    assert Expense.objects.filter(case__received_date__year=2020, booked_date__year=2021).exists()
    assert not Expense.objects.filter(booked_date__year=2019).exists()  # so 2019's costs are the history's
    particle_2019 = Expense.objects.get(case__route=Route.PARTICLE_THERAPY, case__received_date__year=2019)
    assert particle_2019.booked_date.year == 2020  # and counts in 2020's particle-therapy costs (asserted above)


def test_trap_a_patient_whose_region_differs_from_the_handling_office(imported_2020: Imported):
    nord = Case.objects.filter(patient__home_region__code="helse-nord", received_date__year=2020)
    assert nord.exists()
    assert set(nord.values_list("office__code", flat=True)) == {"ous"}  # handled by the office at OUS …
    report = report_json(2020)
    assert report["received_per_region"]["helse-nord"] == nord.filter(route__in=["treatment_abroad", "pgd"]).count()


def test_trap_history_for_a_year_with_case_data_is_ignored(imported_2020: Imported):
    preliminary = HistoricalFigure.objects.get(metric="applications_received", year=2020, region=None)
    assert preliminary.value != 224
    costs = HistoricalFigure.objects.filter(metric="costs_nok", year=2020)
    assert costs.count() == 4
    report = report_json(2020)
    assert report["applications"]["received_per_year"]["2020"] == 224
    assert report["sources"]["received_per_year"]["2020"] == "cases"
    assert report["sources"]["costs"]["2020"] == "cases"
    assert report["sources"]["costs"]["2019"] == "history"


def test_trap_children_on_either_side_of_their_18th_birthday(imported_2020: Imported):
    received = date(2020, 6, 15)
    child = Case.objects.get(received_date=received, patient__birth_date=date(2002, 6, 16))
    adult = Case.objects.get(received_date=received, patient__birth_date=date(2002, 6, 15))
    assert child.final_outcome == adult.final_outcome == Outcome.GRANTED
    # Both counted as granted; only the one still 17 on the day counts among the 36 children (asserted above).


def test_cases_received_in_2021_do_not_count_in_2020(imported_2020: Imported):
    assert Case.objects.filter(received_date__year=2021).count() == 4
    report = report_json(2021)
    assert report["applications"]["received"] == 3
    assert report["nordic_drug_protocol_children"] == 1
