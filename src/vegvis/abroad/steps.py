"""Workflow steps shared by the pages and the API: the form that validates a step and the service that takes it.

Each step's form has exactly the fields its service takes, so a step is its service plus any fixed arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from vegvis.abroad.forms import ACTION_FORMS, AssessmentLetterForm, DecisionForm
from vegvis.abroad.models import Case
from vegvis.abroad.services import appeals, cases, decisions, followup


def _decision(form: DecisionForm) -> decisions.DecisionData:
    data = form.cleaned_data
    return decisions.DecisionData(
        outcome=form.chosen_outcome,
        decided_on=data["decided_on"],
        grounds=data["grounds"],
        legal_basis=data["legal_basis"],
        coverage=form.coverage() if "cover_treatment" in form.fields else {},
        method_override_reason=data.get("method_override_reason", ""),
        language=data["language"],
    )


# Each step's form has the fields its service takes, so a step is its service plus any fixed arguments.
ACTIONS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "request_info": (cases.case_request_info, {}),
    "register_info": (cases.case_register_info, {}),
    "request_assessment": (cases.case_request_assessment, {}),
    "withdraw": (decisions.case_withdraw, {}),
    "record_external_grant": (decisions.case_record_external_decision, {"granted": True}),
    "record_external_rejection": (decisions.case_record_external_decision, {"granted": False}),
    "give_advice": (decisions.case_give_advice, {}),
    "register_appeal": (appeals.case_register_appeal, {}),
    "reverse_on_appeal": (appeals.case_reverse_on_appeal, {}),
    "forward_appeal": (appeals.case_forward_appeal, {}),
    "record_appeal_upheld": (appeals.case_record_appeal_decision, {"reversed_": False}),
    "record_appeal_reversed": (appeals.case_record_appeal_decision, {"reversed_": True}),
    "close": (followup.case_close, {}),
    "grant": (decisions.case_decide, {}),
    "reject": (decisions.case_decide, {}),
    "register_assessment": (cases.assessment_answer, {"by_letter": True}),
}


def run_action(event: str, who: Any, case: Case, form: forms.Form) -> Any:
    """Take a workflow step with a validated form (the pages and the API both come here)."""
    service, fixed = ACTIONS[event]
    data = dict(form.cleaned_data)
    if isinstance(form, DecisionForm):
        return service(actor=who, case=case, version=data["version"], decision=_decision(form))
    if isinstance(form, AssessmentLetterForm):
        return service(actor=who, **data, **fixed)  # the assessment names its case
    return service(actor=who, case=case, **data, **fixed)


# The steps that send an irreversible letter: the page shows the letter before the case handler confirms.
LETTER_STEPS = frozenset({"grant", "reject", "reverse_on_appeal", "forward_appeal"})


def preview_letter(event: str, who: Any, case: Case, form: forms.Form) -> dict[str, Any]:
    """The letter the step will send, as the same data its PDF is drawn from (``letters.letter``); nothing saved."""
    data = form.cleaned_data
    if isinstance(form, DecisionForm):
        return decisions.decision_letter_preview(actor=who, case=case, decision=_decision(form))
    if event == "reverse_on_appeal":
        return decisions.reversal_letter_preview(
            actor=who, case=case, decided_on=data["decided_on"], grounds=data["grounds"]
        )
    if event == "forward_appeal":
        return decisions.forward_letter_preview(actor=who, case=case)
    raise ValueError(f"{event} sends no letter")


def action_form(event: str, case: Case, data: Any = None) -> forms.Form:
    form_class = ACTION_FORMS[event]
    initial: dict[str, Any] = {"version": case.version}
    if event == "request_info":
        initial["recipient"] = case.applicant_name or case.patient_display_name
    if form_class is DecisionForm:
        return DecisionForm(data, initial=initial, granting=event == "grant", case=case)
    if form_class is AssessmentLetterForm:
        return AssessmentLetterForm(data, initial=initial, case=case)
    return form_class(data, initial=initial)
