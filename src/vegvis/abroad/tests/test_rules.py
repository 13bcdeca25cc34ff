"""One rule for every way a case is made: a case made through the services and the same case imported get the same
status, due date, appeal deadline, appeals body, search text and number (abroad.rules, abroad.deadlines,
abroad.numbering)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from vegvis.abroad import deadlines, numbering, rules
from vegvis.abroad.importer.cases import cases_import
from vegvis.abroad.models import CASE_NUMBER_KIND, Case, Outcome, Route, Status
from vegvis.abroad.services import appeals, decisions
from vegvis.abroad.services.base import _search_text
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.abroad.tests.test_import_cases import jsonl, line
from vegvis.casework.models import CaseCounter
from vegvis.core.models import Office

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def imported(**overrides: Any) -> Case:
    """The case make_case builds, as a line of the case-import format (the same dates, hospital and texts)."""
    fields: dict[str, Any] = {
        "home_region": "helse-sor-ost",
        "received_date": days_ago(60),
        "diagnosis_icd10": "G40.2",
        "requested_treatment": "MEG-undersøkelse",
        "hospital": {"name": "Karolinska Universitetssjukhuset", "city": "Stockholm", "country": "SE"},
        "decision": None,
        "expenses": [],
        **overrides,
    }
    case_line = line(**fields)
    cases_import(actor=OPERATOR, content=jsonl(case_line), filename="same.jsonl")
    return Case.objects.get(external_id=case_line["external_id"])


def derived(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return case.status, case.final_outcome, case.due_on, case.due_reason, case.search_text


def appeal_of(case: Case) -> tuple[Any, ...]:
    appeal = case.appeals.get()
    return appeal.deadline, appeal.late, appeal.appeals_body, appeal.office_outcome


def test_an_undecided_case_is_received_with_the_provisional_reply_due():
    made, came = make_case("received"), imported()
    assert derived(came) == derived(made)
    assert came.status == Status.RECEIVED and came.due_reason == "provisional_reply"
    assert came.search_text == _search_text(came)


@pytest.mark.parametrize(
    ("state", "appeal"),
    [
        ("appealed", {"received_date": days_ago(30), "office_outcome": "pending"}),
        (
            "at_appeals_body",
            {"received_date": days_ago(30), "office_outcome": "forwarded", "office_date": days_ago(10)},
        ),
    ],
)
def test_an_appeal_under_way_waits_where_the_services_leave_it(state, appeal):
    made = make_case(state)
    came = imported(decision={"outcome": "rejected", "date": days_ago(40), "grounds": "Begrunnelse."}, appeal=appeal)
    assert derived(came) == derived(made)
    assert came.status == state
    assert appeal_of(came) == appeal_of(made)
    assert came.search_text == _search_text(came)


def test_a_decided_case_the_source_system_finished_is_closed_as_the_services_close_it():
    made = make_case("closed")
    came = imported(decision={"outcome": "granted", "date": days_ago(40), "grounds": "Begrunnelse."})
    assert (came.status, came.final_outcome, came.due_on, came.due_reason) == (
        made.status,
        made.final_outcome,
        made.due_on,
        made.due_reason,
    )


def test_an_appeal_the_board_upheld_is_closed_with_the_rejection_standing():
    made = make_case("at_appeals_body")
    appeals.case_record_appeal_decision(
        actor=OPERATOR, case=made, version=made.version, reversed_=False, received_on=timezone.localdate()
    )
    came = imported(
        decision={"outcome": "rejected", "date": days_ago(40), "grounds": "Begrunnelse."},
        appeal={
            "received_date": days_ago(30),
            "office_outcome": "forwarded",
            "office_date": days_ago(10),
            "board_outcome": "upheld",
            "board_date": days_ago(0),
        },
    )
    assert derived(came)[:4] == derived(made)[:4] == (Status.CLOSED, Outcome.REJECTED, None, "")


def test_the_services_import_and_bulk_demo_number_from_one_counter():
    first = make_case(received=date(2020, 3, 1))
    came = imported(received_date="2020-04-01")
    again = make_case(received=date(2020, 5, 1))
    assert [first.number, came.number, again.number] == ["2020/0001", "2020/0002", "2020/0003"]
    office = Office.objects.get(pk=first.office_id)
    assert came.office_id == again.office_id == office.pk
    assert CaseCounter.objects.get(office=office, year=2020, kind=CASE_NUMBER_KIND).last == 3
    serials = numbering.reserve_serials({(office.pk, 2020): 2, (office.pk, 2021): 1})
    assert [list(serials[(office.pk, 2020)]), list(serials[(office.pk, 2021)])] == [[4, 5], [1]]
    assert numbering.case_number(2021, 1) == "2021/0001"


@pytest.mark.parametrize("state", ["rejected", "appealed", "at_appeals_body", "follow_up", "closed"])
@pytest.mark.parametrize("route", [Route.TREATMENT_ABROAD, Route.PGD, Route.PARTICLE_THERAPY])
def test_the_status_rule_walks_the_edges_the_services_take(state, route):
    if route == Route.PARTICLE_THERAPY and state in {"appealed", "at_appeals_body"}:
        return  # referrals are not appealed
    case = make_case(state, route=route)
    appeal = case.appeals.first()
    office_outcome, board_outcome = (appeal.office_outcome, appeal.board_outcome) if appeal else ("", "")
    closed = state == "closed"
    assert rules.status_after(case.route, case.outcome, office_outcome, board_outcome, closed=closed) == case.status
    assert rules.final_outcome(case.outcome, office_outcome, board_outcome) == case.final_outcome
    if appeal:
        assert appeal.appeals_body == rules.appeals_body(route)
        assert appeal.deadline == deadlines.appeal_deadline(deadlines.decision_letter_date(case))
    assert deadlines.compute(case) == (case.due_on, case.due_reason)


def test_advice_to_helfo_is_searched_by_its_text_as_every_decisions_grounds():
    case = make_case(route=Route.HELFO_ADVICE)
    decisions.case_give_advice(
        actor=OPERATOR, case=case, version=case.version, advice="Refusjon anbefales.", given_on=timezone.localdate()
    )
    case.refresh_from_db()
    assert "Refusjon anbefales." in case.search_text
    assert case.search_text == _search_text(case)


def test_a_reversal_makes_the_outcome_a_grant_whoever_reverses():
    assert rules.final_outcome(Outcome.REJECTED, "reversed") == Outcome.GRANTED
    assert rules.final_outcome(Outcome.PARTLY_GRANTED, "forwarded", "reversed") == Outcome.GRANTED
    assert rules.final_outcome(Outcome.REJECTED, "forwarded", "upheld") == Outcome.REJECTED
    assert rules.final_outcome(Outcome.WITHDRAWN) == Outcome.WITHDRAWN
    assert rules.status_after(Route.TREATMENT_ABROAD, "") == Status.RECEIVED
    assert rules.status_after(Route.TREATMENT_ABROAD, Outcome.PARTLY_GRANTED, "pending") == Status.FOLLOW_UP
    assert rules.status_after(Route.HELFO_ADVICE, Outcome.ADVICE_GIVEN) == Status.CLOSED


def test_due_dates_on_plain_values_are_the_saved_cases():
    """``deadlines.due`` without a case: what an unsaved case of each status gets, as ``compute`` gives it."""
    received = date(2024, 1, 10)
    for status in Status.values:
        unsaved = Case(status=status, route=Route.TREATMENT_ABROAD, received_date=received)
        assert deadlines.due(status, Route.TREATMENT_ABROAD, received) == deadlines.compute(unsaved), status
    assert deadlines.due(Status.REJECTED, Route.PARTICLE_THERAPY, received, letter_date=received) == (None, "")
    assert deadlines.due(Status.REJECTED, Route.PGD, received, letter_date=received) == (
        deadlines.appeal_deadline(received),
        "appeal_deadline",
    )
    assert deadlines.due(
        Status.FOLLOW_UP, Route.TREATMENT_ABROAD, received, appeal_received=received, appeal_office_outcome="forwarded"
    ) == (None, "appeals_body")
