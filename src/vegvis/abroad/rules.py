"""Rules of a treatment-abroad case that hold however the case is made, each one function on plain values.

The services apply them to the case in hand; the import and the bulk demo, which write thousands of cases without
saving one first, call the same functions with the values they have. A test checks that a case made through the
services and the same case imported get the same status, due date, number and search text
(abroad/tests/test_rules.py). The due date and the appeal deadline are in ``abroad.deadlines``; case numbers in
``abroad.numbering``.
"""

from __future__ import annotations

import functools

from vegvis.abroad.models import Appeal, Outcome, Route, Status
from vegvis.abroad.steps import TABLE
from vegvis.core import icd10

# The workflow event that records each decision: the office's own, or a decision made elsewhere that the office
# records (the routes without ``grant``/``reject``, see the step table, ``abroad.steps``).
_DECISION_EVENTS = {
    Outcome.GRANTED: "grant",
    Outcome.PARTLY_GRANTED: "grant",
    Outcome.REJECTED: "reject",
    Outcome.WITHDRAWN: "withdraw",
    Outcome.ADVICE_GIVEN: "give_advice",
}
_RECORDED_EVENTS = {"grant": "record_external_grant", "reject": "record_external_rejection"}


def final_outcome(outcome: str, office_outcome: str = "", board_outcome: str = "") -> str:
    """The outcome after the case's appeal: a reversal by the office or by the appeals body makes it a grant."""
    if office_outcome == Appeal.OfficeOutcome.REVERSED or board_outcome == Appeal.BoardOutcome.REVERSED:
        return Outcome.GRANTED
    return outcome


def appeals_body(route: str) -> Appeal.Body:
    """Who decides an appeal the office forwards: Statsforvalteren for PGD, Klagenemnda for the others."""
    return Appeal.Body.STATSFORVALTEREN if route == Route.PGD else Appeal.Body.KLAGENEMNDA


def status_after(
    route: str, outcome: str, office_outcome: str = "", board_outcome: str = "", *, closed: bool = False
) -> str:
    """The workflow state of a case that was decided (``outcome``) and maybe appealed (``office_outcome``: pending,
    reversed or forwarded; ``board_outcome``: the appeals body's), and maybe ``closed`` after it (its follow-up
    done, or the appeal deadline of a rejection run out). Found by walking the workflow's own edges
    (``abroad.steps``), so it is the state the services' steps lead to; an undecided case is ``received``."""
    return _walk(route, outcome, office_outcome, board_outcome, closed)


@functools.cache
def _walk(route: str, outcome: str, office_outcome: str, board_outcome: str, closed: bool) -> str:
    case = _Walker()
    machine = TABLE.machine_for(case)
    for event in _events(route, outcome, office_outcome, board_outcome):
        machine.send(event)
    if closed and case.status in (Status.FOLLOW_UP, Status.REJECTED):
        machine.send("close")
    return case.status


def _events(route: str, outcome: str, office_outcome: str, board_outcome: str) -> list[str]:
    if not outcome:
        return []
    decision = _DECISION_EVENTS[Outcome(outcome)]
    if not TABLE.applies_to(decision, route):
        decision = _RECORDED_EVENTS[decision]
    events = [decision]
    if office_outcome:
        events.append("register_appeal")
        if office_outcome == Appeal.OfficeOutcome.REVERSED:
            events.append("reverse_on_appeal")
        elif office_outcome == Appeal.OfficeOutcome.FORWARDED:
            events.append("forward_appeal")
            if board_outcome:
                reversed_ = board_outcome == Appeal.BoardOutcome.REVERSED
                events.append("record_appeal_reversed" if reversed_ else "record_appeal_upheld")
    return events


class _Walker:
    """What the state machine needs of a case: its status."""

    def __init__(self) -> None:
        self.status: str = Status.RECEIVED


def search_text(
    *, requested_treatment: str, grounds: str, diagnosis_icd10: str, hospital: str = "", method: str = ""
) -> str:
    """What the case search matches besides numbers and names: the treatment asked for, the grounds, the diagnosis
    (code and description), the hospital and the method (``hospital``: the organisation as it reads, ``str()``)."""
    parts = [requested_treatment, grounds, diagnosis_icd10, icd10.description(diagnosis_icd10), hospital, method]
    return " ".join(p for p in parts if p)
