"""The case workflow as a table: states, the events between them, and who may trigger each event.

python-statemachine enforces the edges; ``abroad.services`` checks the guards (route, permission, data) with
messages for the user, then sends the event. A test walks every allowed and every forbidden edge.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from statemachine import State, StateMachine

from vegvis.abroad.models import Route, Status


class CaseWorkflow(StateMachine):
    received = State("Received", value=Status.RECEIVED.value, initial=True)
    info_requested = State("Information requested", value=Status.INFO_REQUESTED.value)
    info_received = State("Information received", value=Status.INFO_RECEIVED.value)
    assessment_requested = State("Medical assessment requested", value=Status.ASSESSMENT_REQUESTED.value)
    assessment_received = State("Medical assessment received", value=Status.ASSESSMENT_RECEIVED.value)
    rejected = State("Rejected", value=Status.REJECTED.value)
    appealed = State("Appeal under reconsideration", value=Status.APPEALED.value)
    at_appeals_body = State("Appeal with the appeals body", value=Status.AT_APPEALS_BODY.value)
    follow_up = State("Follow-up", value=Status.FOLLOW_UP.value)
    closed = State("Closed", value=Status.CLOSED.value)

    request_info = info_requested.from_(received, info_received, assessment_received)
    register_info = info_requested.to(info_received)
    request_assessment = assessment_requested.from_(received, info_received, assessment_received)
    register_assessment = assessment_requested.to(assessment_received)
    grant = follow_up.from_(received, info_received, assessment_received)
    reject = rejected.from_(received, info_received, assessment_received)
    withdraw = closed.from_(received, info_requested, info_received, assessment_requested, assessment_received)
    record_external_grant = follow_up.from_(received, info_requested, info_received, assessment_received)
    record_external_rejection = rejected.from_(received, info_requested, info_received, assessment_received)
    give_advice = closed.from_(received, info_received, assessment_received)
    # A rejection under appeal leaves follow-up's states: nothing is granted, so nothing is followed up.
    # A partly granted case stays in follow-up while its appeal runs: the granted part is the patient's whatever
    # the appeal's outcome (it can only widen the grant), so its treatment, travel and invoices go on. The
    # appeal's own progress is then kept on the appeal (Appeal.office_outcome, board_outcome), and the services
    # offer each of these follow-up edges only when the appeal is at that step (services.EVENT_CONDITIONS).
    register_appeal = appealed.from_(rejected, closed) | follow_up.to.itself()
    reverse_on_appeal = appealed.to(follow_up) | follow_up.to.itself()
    forward_appeal = appealed.to(at_appeals_body) | follow_up.to.itself()
    record_appeal_upheld = at_appeals_body.to(closed) | follow_up.to.itself()
    record_appeal_reversed = at_appeals_body.to(follow_up) | follow_up.to.itself()
    close = closed.from_(follow_up, rejected)


# Who may trigger each event (any one of the permissions; the case policy checks the office).
EVENT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "request_info": ("abroad.handle_case",),
    "register_info": ("abroad.handle_case",),
    "request_assessment": ("abroad.handle_case",),
    "register_assessment": ("abroad.handle_case", "abroad.assess_case"),
    "grant": ("abroad.decide_case",),
    "reject": ("abroad.decide_case",),
    "withdraw": ("abroad.handle_case",),
    "record_external_grant": ("abroad.handle_case",),
    "record_external_rejection": ("abroad.handle_case",),
    "give_advice": ("abroad.decide_case",),
    "register_appeal": ("abroad.handle_case",),
    "reverse_on_appeal": ("abroad.decide_case",),
    "forward_appeal": ("abroad.decide_case",),
    "record_appeal_upheld": ("abroad.handle_case",),
    "record_appeal_reversed": ("abroad.handle_case",),
    "close": ("abroad.handle_case",),
}

_COMMON = {"request_info", "register_info", "request_assessment", "register_assessment", "withdraw", "close"}
_APPEALS = {"register_appeal", "reverse_on_appeal", "forward_appeal", "record_appeal_upheld", "record_appeal_reversed"}
_EXTERNAL = {"record_external_grant", "record_external_rejection"}

# Which events each route allows: the office decides applications; other bodies decide PGD, particle
# therapy and Nordic protocols (the office records it); HELFO gets advice, not a decision.
ROUTE_EVENTS: dict[str, frozenset[str]] = {
    Route.TREATMENT_ABROAD: frozenset(_COMMON | _APPEALS | {"grant", "reject"}),
    Route.PGD: frozenset(
        _COMMON | _EXTERNAL | {"register_appeal", "forward_appeal", "record_appeal_upheld", "record_appeal_reversed"}
    ),
    Route.PARTICLE_THERAPY: frozenset(_COMMON | _EXTERNAL),
    Route.NORDIC_DRUG_PROTOCOL: frozenset(_COMMON | _EXTERNAL),
    Route.HELFO_ADVICE: frozenset(_COMMON | {"give_advice"}),
}

EVENT_LABELS = {
    "request_info": _("Request information"),
    "register_info": _("Register received information"),
    "request_assessment": _("Request medical assessment"),
    "register_assessment": _("Register medical assessment"),
    "grant": _("Grant"),
    "reject": _("Reject"),
    "withdraw": _("Register withdrawal"),
    "record_external_grant": _("Record approval by the deciding body"),
    "record_external_rejection": _("Record rejection by the deciding body"),
    "give_advice": _("Give advice to HELFO"),
    "register_appeal": _("Register appeal"),
    "reverse_on_appeal": _("Reverse the decision (appeal upheld by the office)"),
    "forward_appeal": _("Keep the decision and forward the appeal"),
    "record_appeal_upheld": _("Record: the appeals body upheld the decision"),
    "record_appeal_reversed": _("Record: the appeals body reversed the decision"),
    "close": _("Close the case"),
}


def machine_for(case: object) -> CaseWorkflow:
    return CaseWorkflow(case, state_field="status")


def allowed_events(case: object) -> list[str]:
    """Events the workflow allows from the case's state and route (permissions are checked separately)."""
    route_events = ROUTE_EVENTS[getattr(case, "route")]  # noqa: B009
    return [e.id for e in machine_for(case).allowed_events if e.id in route_events]
