"""The treatment-abroad case workflow as one table: each step once, with everything the pages, the API and the
services need to know about it (``vegvis.casework.steps`` derives the state machine, permissions, labels, buttons,
forms and the API's allowed steps from it). A test walks every allowed and every forbidden edge.

A rejection under appeal leaves follow-up's states: nothing is granted, so nothing is followed up. A partly granted
case stays in follow-up while its appeal runs: the granted part is the patient's whatever the appeal's outcome (it
can only widen the grant), so its treatment, travel and invoices go on. The appeal's own progress is then kept on
the appeal (Appeal.office_outcome, board_outcome), and the guards offer each follow-up appeal step only when the
appeal is at that step.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from vegvis.abroad import guards
from vegvis.abroad.models import UNDECIDED_STATUSES, Appeal, Route, Status
from vegvis.casework.steps import APART, NOT_OFFERED, Label, Step, StepTable

RECEIVED, INFO_REQUESTED, INFO_RECEIVED = Status.RECEIVED, Status.INFO_REQUESTED, Status.INFO_RECEIVED
ASSESSMENT_REQUESTED, ASSESSMENT_RECEIVED = Status.ASSESSMENT_REQUESTED, Status.ASSESSMENT_RECEIVED
REJECTED, APPEALED, AT_APPEALS_BODY = Status.REJECTED, Status.APPEALED, Status.AT_APPEALS_BODY
FOLLOW_UP, CLOSED = Status.FOLLOW_UP, Status.CLOSED

# The states a case is decided from, and the same with information still awaited (another body decides anyway).
DECIDABLE = (RECEIVED, INFO_RECEIVED, ASSESSMENT_RECEIVED)
DECIDED_ELSEWHERE_FROM = (RECEIVED, INFO_REQUESTED, INFO_RECEIVED, ASSESSMENT_RECEIVED)

HANDLE = ("abroad.handle_case",)
DECIDE = ("abroad.decide_case",)
# The office decides applications; other bodies decide PGD, particle therapy and Nordic protocols (the office
# records it); HELFO gets advice, not a decision.
OFFICE_DECIDES = frozenset({Route.TREATMENT_ABROAD})
DECIDED_ELSEWHERE = frozenset({Route.PGD, Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL})
ADVICE = frozenset({Route.HELFO_ADVICE})

SERVICES = "vegvis.abroad.services"
FORMS = "vegvis.abroad.forms"


def _from(sources: tuple[str, ...], target: str) -> dict[str, str]:
    return dict.fromkeys(sources, target)


def _appeal_step(
    event: str,
    label: Label,
    *,
    source: str,
    target: str,
    awaiting: str,
    form: str,
    service: str,
    permissions: tuple[str, ...] = HANDLE,
    kinds: frozenset[str] = guards.APPEAL_ROUTES,
    **more: Any,
) -> Step:
    """A step of a running appeal: from ``source`` to ``target`` along the main path, and in follow-up, where a partly
    granted case's appeal runs, only while the appeal waits for this step (its office outcome is ``awaiting``)."""
    return Step(
        event=event,
        label=label,
        edges={source: target, FOLLOW_UP: FOLLOW_UP},
        permissions=permissions,
        kinds=kinds,
        guards=(guards.in_follow_up_appeal(awaiting),),
        form=f"{FORMS}.{form}",
        service=f"{SERVICES}.appeals.{service}",
        **more,
    )


TABLE = StepTable(
    "CaseWorkflow",
    states={status.value: status.label for status in Status},
    initial=RECEIVED,
    kind_field="route",
    kinds=Route.values,
    steps=[
        Step(
            event="request_info",
            label=_("Request information"),
            edges=_from(DECIDABLE, INFO_REQUESTED),
            permissions=HANDLE,
            form=f"{FORMS}.RequestInfoForm",
            service=f"{SERVICES}.cases.case_request_info",
        ),
        Step(
            event="register_info",
            label=_("Register received information"),
            edges={INFO_REQUESTED: INFO_RECEIVED},
            permissions=HANDLE,
            form=f"{FORMS}.RegisterInfoForm",
            service=f"{SERVICES}.cases.case_register_info",
        ),
        Step(
            event="request_assessment",
            label=_("Request medical assessment"),
            edges=_from(DECIDABLE, ASSESSMENT_REQUESTED),
            permissions=HANDLE,
            form=f"{FORMS}.RequestAssessmentForm",
            service=f"{SERVICES}.cases.case_request_assessment",
        ),
        Step(
            event="register_assessment",
            label=_("Register medical assessment"),
            button_label=_("Register assessment received by letter"),
            edges={ASSESSMENT_REQUESTED: ASSESSMENT_RECEIVED},
            permissions=HANDLE,
            guards=(guards.assessment_by_letter_open,),
            form=f"{FORMS}.AssessmentLetterForm",
            service=f"{SERVICES}.cases.assessment_answer",
            fixed={"by_letter": True},
        ),
        # The assigned medical adviser answers on the adviser's own page (views.assessment_answer), never from the
        # case page or the API; the same edge as the answer registered from a letter.
        Step(
            event="answer_assessment",
            label=_("Register medical assessment"),
            edges={ASSESSMENT_REQUESTED: ASSESSMENT_RECEIVED},
            permissions=("abroad.assess_case",),
            policy_action="assess",
            offered=NOT_OFFERED,
        ),
        Step(
            event="grant",
            label=_("Grant"),
            edges=_from(DECIDABLE, FOLLOW_UP),
            permissions=DECIDE,
            policy_action="decide",
            kinds=OFFICE_DECIDES,
            form=f"{FORMS}.DecisionForm",
            service=f"{SERVICES}.decisions.case_decide",
            preview=f"{SERVICES}.decisions.decision_letter_preview",
        ),
        Step(
            event="reject",
            label=_("Reject"),
            edges=_from(DECIDABLE, REJECTED),
            permissions=DECIDE,
            policy_action="decide",
            kinds=OFFICE_DECIDES,
            form=f"{FORMS}.DecisionForm",
            service=f"{SERVICES}.decisions.case_decide",
            preview=f"{SERVICES}.decisions.decision_letter_preview",
        ),
        Step(
            event="withdraw",
            label=_("Register withdrawal"),
            edges=_from(tuple(UNDECIDED_STATUSES), CLOSED),
            permissions=HANDLE,
            form=f"{FORMS}.WithdrawForm",
            service=f"{SERVICES}.decisions.case_withdraw",
        ),
        Step(
            event="record_external_grant",
            label=_("Record approval by the deciding body"),
            edges=_from(DECIDED_ELSEWHERE_FROM, FOLLOW_UP),
            permissions=HANDLE,
            kinds=DECIDED_ELSEWHERE,
            form=f"{FORMS}.ExternalDecisionForm",
            service=f"{SERVICES}.decisions.case_record_external_decision",
            fixed={"granted": True},
        ),
        Step(
            event="record_external_rejection",
            label=_("Record rejection by the deciding body"),
            edges=_from(DECIDED_ELSEWHERE_FROM, REJECTED),
            permissions=HANDLE,
            kinds=DECIDED_ELSEWHERE,
            form=f"{FORMS}.ExternalDecisionForm",
            service=f"{SERVICES}.decisions.case_record_external_decision",
            fixed={"granted": False},
        ),
        Step(
            event="give_advice",
            label=_("Give advice to HELFO"),
            edges=_from(DECIDABLE, CLOSED),
            permissions=DECIDE,
            policy_action="decide",
            kinds=ADVICE,
            form=f"{FORMS}.AdviceForm",
            service=f"{SERVICES}.decisions.case_give_advice",
        ),
        Step(
            event="register_appeal",
            label=_("Register appeal"),
            edges={REJECTED: APPEALED, CLOSED: APPEALED, FOLLOW_UP: FOLLOW_UP},
            permissions=HANDLE,
            kinds=guards.APPEAL_ROUTES,
            guards=(guards.appealable,),
            form=f"{FORMS}.AppealForm",
            service=f"{SERVICES}.appeals.case_register_appeal",
        ),
        _appeal_step(
            "reverse_on_appeal",
            _("Reverse the decision (appeal upheld by the office)"),
            source=APPEALED,
            target=FOLLOW_UP,
            awaiting=Appeal.OfficeOutcome.PENDING,
            permissions=DECIDE,
            policy_action="decide",
            kinds=OFFICE_DECIDES,  # PGD's appeals go to the appeals body; the office does not reconsider them
            form="ReverseForm",
            service="case_reverse_on_appeal",
            preview=f"{SERVICES}.decisions.reversal_letter_preview",
        ),
        _appeal_step(
            "forward_appeal",
            _("Keep the decision and forward the appeal"),
            source=APPEALED,
            target=AT_APPEALS_BODY,
            awaiting=Appeal.OfficeOutcome.PENDING,
            permissions=DECIDE,
            policy_action="decide",
            form="ForwardForm",
            service="case_forward_appeal",
            preview=f"{SERVICES}.decisions.forward_letter_preview",
        ),
        _appeal_step(
            "record_appeal_upheld",
            _("Record: the appeals body upheld the decision"),
            source=AT_APPEALS_BODY,
            target=CLOSED,
            awaiting=Appeal.OfficeOutcome.FORWARDED,
            form="BoardDecisionForm",
            service="case_record_appeal_decision",
            fixed={"reversed_": False},
        ),
        _appeal_step(
            "record_appeal_reversed",
            _("Record: the appeals body reversed the decision"),
            source=AT_APPEALS_BODY,
            target=FOLLOW_UP,
            awaiting=Appeal.OfficeOutcome.FORWARDED,
            form="BoardDecisionForm",
            service="case_record_appeal_decision",
            fixed={"reversed_": True},
        ),
        Step(
            event="close",
            label=_("Close the case"),
            edges={FOLLOW_UP: CLOSED, REJECTED: CLOSED},
            permissions=HANDLE,
            guards=(guards.closable,),
            form=f"{FORMS}.CloseForm",
            service=f"{SERVICES}.followup.case_close",
        ),
        # Due when no decision can be made within a month (forvaltningsloven § 11 a); the case page offers it in a
        # panel of its own. It changes no state.
        Step(
            event="send_provisional_reply",
            label=_("Send provisional reply"),
            edges={status: status for status in UNDECIDED_STATUSES},
            permissions=HANDLE,
            guards=(guards.no_provisional_reply_yet,),
            form=f"{FORMS}.ProvisionalReplyForm",
            service=f"{SERVICES}.cases.case_send_provisional_reply",
            offered=APART,
        ),
    ],
)
