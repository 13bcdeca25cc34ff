"""Two case handlers at once: one wins, the other is told; numbers stay gap-free. Real PostgreSQL row locks."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from vegvis.abroad.models import Case, Outcome, Route
from vegvis.abroad.services import base, cases, decisions
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.testing.concurrency import run_together
from vegvis.testing.factories import PersonFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_conflicting_decisions_on_one_case_have_exactly_one_winner():
    assert connection.vendor == "postgresql"
    case = make_case("assessment_received")

    def decide(outcome: str) -> Callable[[], Any]:
        def job() -> Any:
            mine = Case.objects.get(pk=case.pk)
            return decisions.case_decide(
                actor=OPERATOR,
                case=mine,
                version=case.version,
                decision=decisions.DecisionData(outcome=outcome, decided_on=date.today(), grounds=f"{outcome} grounds"),
            )

        return job

    results = run_together(
        decide(Outcome.GRANTED), decide(Outcome.REJECTED), decide(Outcome.REJECTED), decide(Outcome.GRANTED)
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, base.CaseChanged)]
    assert len(winners) == 1 and len(losers) == 3, results
    case.refresh_from_db()
    assert case.outcome == winners[0].outcome
    assert case.documents.filter(kind="decision").count() == 1


def test_decision_during_withdrawal_one_wins_and_the_other_is_told():
    case = make_case("assessment_received")

    def withdraw() -> Any:
        return decisions.case_withdraw(
            actor=OPERATOR, case=Case.objects.get(pk=case.pk), version=case.version, withdrawn_on=date.today()
        )

    def reject() -> Any:
        return decisions.case_decide(
            actor=OPERATOR,
            case=Case.objects.get(pk=case.pk),
            version=case.version,
            decision=decisions.DecisionData(outcome=Outcome.REJECTED, decided_on=date.today(), grounds="x"),
        )

    results = run_together(withdraw, reject)
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, base.CaseChanged) for r in results) == 1


def test_parallel_applications_get_unique_gap_free_numbers():
    people = [PersonFactory() for _ in range(8)]

    def create(person: Any) -> Callable[[], Any]:
        return lambda: cases.case_create(
            actor=OPERATOR,
            data=cases.ApplicationData(
                patient=person, route=Route.TREATMENT_ABROAD, received_date=date(2026, 3, 1), diagnosis_icd10="G40.2"
            ),
        )

    results = run_together(*(create(p) for p in people))
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(Case.objects.filter(year=2026).values_list("serial", flat=True))
    assert numbers == list(range(1, 9))


def test_parallel_document_registrations_on_one_case_get_unique_numbers():
    case = make_case("follow_up")

    def note(i: int) -> Callable[[], Any]:
        return lambda: cases.document_register_incoming(
            actor=OPERATOR,
            case=Case.objects.get(pk=case.pk),
            version=None,
            title=f"Brev {i}",
            document_date=date.today(),
            correspondent="Sykehus",
            correspondent_is_private=False,
            content=None,
            filename="",
            content_type="",
        )

    results = run_together(*(note(i) for i in range(6)))
    assert not [r for r in results if isinstance(r, Exception)], results
    sequences = list(case.documents.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
