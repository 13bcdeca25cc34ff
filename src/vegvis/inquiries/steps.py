"""The desk case's workflow as one table (``vegvis.casework.steps``): the state machine, permissions, buttons,
forms and services all come from it.

Triage is not a step here: it is what makes the case out of an inquiry (``services.inquiries.inquiry_triage``).
An information case is advice in one or two conversations and has one step, closing it with what was advised.
An assistance case acts for the person: every step that acts on their behalf needs a valid power of attorney
covering it (``guards.power_of_attorney``). A compensation claim moves the case through NPE and, on appeal,
Pasientskadenemnda; record requests and complaints run alongside, in any open state.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vegvis.casework.steps import Step, StepTable
from vegvis.inquiries import guards
from vegvis.inquiries.models import Kind, Status

OPEN, AT_NPE, NPE_DECIDED, AT_BOARD, CLOSED = (
    Status.OPEN,
    Status.AT_NPE,
    Status.NPE_DECIDED,
    Status.AT_BOARD,
    Status.CLOSED,
)
ACTIVE = (OPEN, AT_NPE, NPE_DECIDED, AT_BOARD)
HANDLE = ("inquiries.handle_case",)
ASSISTANCE = frozenset({Kind.ASSISTANCE})
SERVICES = "vegvis.inquiries.services.cases"
ASSESSMENTS = "vegvis.inquiries.services.assessments"
FORMS = "vegvis.inquiries.forms"
LETTERS = "vegvis.inquiries.letters"


def _stay(states: tuple[str, ...]) -> dict[str, str]:
    return {state: state for state in states}


TABLE = StepTable(
    "InquiryCaseWorkflow",
    states={status.value: status.label for status in Status},
    initial=OPEN,
    kind_field="kind",
    kinds=Kind.values,
    steps=[
        Step(
            event="register_power_of_attorney",
            label=_("Register power of attorney"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            form=f"{FORMS}.PowerOfAttorneyForm",
            service=f"{SERVICES}.power_of_attorney_register",
        ),
        Step(
            event="request_records",
            label=_("Request medical records"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.power_of_attorney("records"),),
            form=f"{FORMS}.RecordRequestForm",
            service=f"{SERVICES}.records_request",
            preview=f"{LETTERS}.record_request",
        ),
        Step(
            event="register_records",
            label=_("Register records received"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.open_record_request,),
            form=f"{FORMS}.RecordsReceivedForm",
            service=f"{SERVICES}.records_receive",
        ),
        # The reminder ("purring") to a provider whose answer is past due: a letter, sealed in the case file.
        Step(
            event="remind_record_request",
            label=_("Send a reminder to the provider"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.overdue_record_request, guards.power_of_attorney("records")),
            form=f"{FORMS}.RecordReminderForm",
            service=f"{SERVICES}.records_remind",
            preview=f"{LETTERS}.record_request_reminder",
        ),
        Step(
            event="register_complaint",
            label=_("Register complaint"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.power_of_attorney("complaints"),),
            form=f"{FORMS}.ComplaintForm",
            service=f"{SERVICES}.complaint_register",
        ),
        Step(
            event="send_complaint",
            label=_("Register complaint sent"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.unsent_complaint, guards.power_of_attorney("complaints")),
            form=f"{FORMS}.ComplaintSentForm",
            service=f"{SERVICES}.complaint_send",
            preview=f"{LETTERS}.complaint_cover",
        ),
        Step(
            event="prepare_npe_claim",
            label=_("Register compensation claim (NPE)"),
            edges={OPEN: OPEN},
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.no_claim_yet, guards.power_of_attorney("compensation")),
            form=f"{FORMS}.ClaimForm",
            service=f"{SERVICES}.claim_prepare",
        ),
        Step(
            event="send_npe_claim",
            label=_("Send the claim to NPE"),
            edges={OPEN: AT_NPE},
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.prepared_claim, guards.power_of_attorney("compensation")),
            form=f"{FORMS}.ClaimSentForm",
            service=f"{SERVICES}.claim_send",
            preview=f"{LETTERS}.npe_claim_cover",
        ),
        Step(
            event="register_npe_decision",
            label=_("Register NPE's decision"),
            edges={AT_NPE: NPE_DECIDED},
            permissions=HANDLE,
            kinds=ASSISTANCE,
            form=f"{FORMS}.DecisionForm",
            service=f"{SERVICES}.claim_decide",
        ),
        Step(
            event="appeal_npe_decision",
            label=_("Appeal to Pasientskadenemnda"),
            edges={NPE_DECIDED: AT_BOARD},
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.power_of_attorney("compensation"),),
            form=f"{FORMS}.AppealForm",
            service=f"{SERVICES}.claim_appeal",
        ),
        Step(
            event="register_board_decision",
            label=_("Register Pasientskadenemnda's decision"),
            edges={AT_BOARD: OPEN},
            permissions=HANDLE,
            kinds=ASSISTANCE,
            form=f"{FORMS}.BoardDecisionForm",
            service=f"{SERVICES}.claim_board_decide",
        ),
        Step(
            event="request_assessment",
            label=_("Request an assessment"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            form=f"{FORMS}.AssessmentRequestForm",
            service=f"{ASSESSMENTS}.assessment_request",
        ),
        Step(
            event="register_assessment",
            label=_("Register the expert's assessment"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.unanswered_expert_assessment,),
            form=f"{FORMS}.ExpertAssessmentForm",
            service=f"{ASSESSMENTS}.assessment_register",
        ),
        # The medical adviser's own step: the case policy's "assess" lets only the adviser assigned to the case.
        Step(
            event="give_assessment",
            label=_("Give your assessment"),
            edges=_stay(ACTIVE),
            permissions=("inquiries.assess_case",),
            policy_action="assess",
            kinds=ASSISTANCE,
            guards=(guards.unanswered_adviser_assessment,),
            form=f"{FORMS}.AdviserAssessmentForm",
            service=f"{ASSESSMENTS}.assessment_give",
        ),
        Step(
            event="register_meeting",
            label=_("Register a meeting with the provider"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.power_of_attorney("meetings"),),
            form=f"{FORMS}.MeetingForm",
            service=f"{ASSESSMENTS}.meeting_register",
        ),
        Step(
            event="write_meeting_notes",
            label=_("Write the meeting's notes"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            guards=(guards.meeting_without_notes,),
            form=f"{FORMS}.MeetingNotesForm",
            service=f"{ASSESSMENTS}.meeting_notes",
        ),
        Step(
            event="close",
            label=_("Close the case"),
            edges={OPEN: CLOSED, NPE_DECIDED: CLOSED},
            permissions=HANDLE,
            form=f"{FORMS}.CloseForm",
            service=f"{SERVICES}.case_close",
        ),
        # The person comes back to a closed case (a new decision, the injury worse than thought): the desk lead
        # reopens it, and its outcome is set again when it closes.
        Step(
            event="reopen",
            label=_("Reopen the case"),
            edges={CLOSED: OPEN},
            permissions=("inquiries.lead_desk",),
            form=f"{FORMS}.ReopenForm",
            service=f"{SERVICES}.case_reopen",
        ),
        # The form the person signs to give the association power of attorney: a letter, checked before it is sent
        # and sealed in the case file; registering the signed form is ``register_power_of_attorney``.
        Step(
            event="send_power_of_attorney_form",
            label=_("Send a power-of-attorney form to sign"),
            edges=_stay(ACTIVE),
            permissions=HANDLE,
            kinds=ASSISTANCE,
            form=f"{FORMS}.PowerOfAttorneyLetterForm",
            service="vegvis.inquiries.services.letters.power_of_attorney_form_send",
            preview=f"{LETTERS}.power_of_attorney_form",
        ),
    ],
)
