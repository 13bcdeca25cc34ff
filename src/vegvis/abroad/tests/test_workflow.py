"""Every edge of the case workflow, allowed and forbidden, from the table a case handler would write down."""

import itertools

import pytest

from vegvis.abroad.models import Route, Status
from vegvis.abroad.steps import TABLE

UNDECIDED = {"received", "info_received", "assessment_received"}

# The expected edges, written independently of the step table (steps.py): event → {from state: to state}.
EXPECTED = {
    "request_info": dict.fromkeys(UNDECIDED, "info_requested"),
    "register_info": {"info_requested": "info_received"},
    "request_assessment": dict.fromkeys(UNDECIDED, "assessment_requested"),
    "register_assessment": {"assessment_requested": "assessment_received"},
    # The same edge when the assigned medical adviser answers in Vegvis (not a step of the case page or the API).
    "answer_assessment": {"assessment_requested": "assessment_received"},
    "grant": dict.fromkeys(UNDECIDED, "follow_up"),
    "reject": dict.fromkeys(UNDECIDED, "rejected"),
    "withdraw": dict.fromkeys({*UNDECIDED, "info_requested", "assessment_requested"}, "closed"),
    "record_external_grant": dict.fromkeys({*UNDECIDED, "info_requested"}, "follow_up"),
    "record_external_rejection": dict.fromkeys({*UNDECIDED, "info_requested"}, "rejected"),
    "give_advice": dict.fromkeys(UNDECIDED, "closed"),
    # A partly granted case is appealed, reconsidered and decided on appeal without leaving follow-up (the
    # granted part goes on); the services offer each of these only at its step (test_workflow_guards below).
    "register_appeal": {"rejected": "appealed", "closed": "appealed", "follow_up": "follow_up"},
    "reverse_on_appeal": {"appealed": "follow_up", "follow_up": "follow_up"},
    "forward_appeal": {"appealed": "at_appeals_body", "follow_up": "follow_up"},
    "record_appeal_upheld": {"at_appeals_body": "closed", "follow_up": "follow_up"},
    "record_appeal_reversed": {"at_appeals_body": "follow_up", "follow_up": "follow_up"},
    "close": {"follow_up": "closed", "rejected": "closed"},
    # Before the decision, and only once (test_steps_page_api); the case stays where it is.
    "send_provisional_reply": {s: s for s in {*UNDECIDED, "info_requested", "assessment_requested"}},
}


class Holder:
    def __init__(self, status: str, route: str = Route.TREATMENT_ABROAD):
        self.status = status
        self.route = route


def test_the_table_covers_every_event_the_machine_knows():
    assert set(EXPECTED) == {event.id for event in TABLE.machine.events}
    assert set(EXPECTED) == set(TABLE.permissions) == set(TABLE.labels)


@pytest.mark.parametrize(("state", "event"), list(itertools.product([s.value for s in Status], EXPECTED)))
def test_every_edge_is_allowed_or_refused_exactly_as_expected(state, event):
    holder = Holder(state)
    machine = TABLE.machine_for(holder)
    expected_target = EXPECTED[event].get(state)
    if expected_target is None:
        assert event not in [e.id for e in machine.allowed_events]
        with pytest.raises(Exception, match="Can't"):
            machine.send(event)
        assert holder.status == state
    else:
        machine.send(event)
        assert holder.status == expected_target


def test_routes_decided_elsewhere_cannot_be_granted_by_the_office():
    for route in (Route.PGD, Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL):
        assert "grant" not in TABLE.kind_events[route]
        assert "record_external_grant" in TABLE.allowed_events(Holder("received", route))


def test_applications_are_decided_by_the_office_not_recorded():
    assert "record_external_grant" not in TABLE.kind_events[Route.TREATMENT_ABROAD]
    assert {"grant", "reject"} <= set(TABLE.allowed_events(Holder("assessment_received")))


def test_helfo_advice_is_advice_not_a_decision():
    events = TABLE.allowed_events(Holder("received", Route.HELFO_ADVICE))
    assert "give_advice" in events and "grant" not in events and "reject" not in events


def test_pgd_appeals_are_not_reconsidered_by_the_office():
    assert "reverse_on_appeal" not in TABLE.kind_events[Route.PGD]
    assert "forward_appeal" in TABLE.kind_events[Route.PGD]
