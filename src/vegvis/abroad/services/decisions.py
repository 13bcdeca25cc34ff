"""Decisions, their letters and the other ways a case ends before an appeal."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.abroad import letters
from vegvis.abroad.models import (
    GRANT_OUTCOMES,
    Appeal,
    Case,
    Decision,
    Document,
    LetterTemplate,
    Method,
    Outcome,
    Route,
)
from vegvis.abroad.services.base import (
    _check,
    _check_edge,
    _deny,
    _register_document,
    _search_text,
    _transition,
    stored,
)
from vegvis.abroad.workflow import EVENT_PERMISSIONS
from vegvis.access.principal import Principal

# ---------------------------------------------------------------- decisions


@dataclass
class DecisionData:
    outcome: str
    decided_on: date
    grounds: str
    legal_basis: str = "pasient- og brukerrettighetsloven § 2-4 a, prioriteringsforskriften § 3"
    coverage: dict[str, Any] | None = None
    method_override_reason: str = ""
    # The decision letter's language when it differs from the case's; None: the case's (letters.letter_language).
    language: str | None = None


def method_consequence(case: Case) -> str | None:
    """What the Nye metoder register says about the case's method, for the case page and the guard."""
    method = case.method
    if method is None:
        return None
    if method.decision == Method.Decision.NOT_INTRODUCED:
        return _(
            "Beslutningsforum decided on %(date)s that “%(method)s” is not to be introduced. The patient then has "
            "no right to have it covered abroad (pasient- og brukerrettighetsloven § 2-4 a third paragraph); a grant "
            "needs a written reason for overriding."
        ) % {"date": method.decided_on.strftime("%d.%m.%Y") if method.decided_on else "?", "method": method.name}
    if method.decision == Method.Decision.INTRODUCED:
        return _(
            "“%(method)s” has been introduced in Norway (%(date)s): the patient can be offered it here, so the "
            "application may fall away."
        ) % {"method": method.name, "date": method.decided_on.strftime("%d.%m.%Y") if method.decided_on else "?"}
    return _("“%(method)s” is under assessment in Nye metoder.") % {"method": method.name}


DECISION_LETTERS = {
    Outcome.GRANTED: LetterTemplate.Kind.GRANTED,
    Outcome.PARTLY_GRANTED: LetterTemplate.Kind.PARTLY_GRANTED,
    Outcome.REJECTED: LetterTemplate.Kind.REJECTED,
}


def _apply_decision(c: Case, decision: DecisionData) -> None:
    """The decision's facts on the case (unsaved): what the letter shows and the case then holds."""
    c.outcome = decision.outcome
    c.final_outcome = decision.outcome
    c.decided_on = decision.decided_on
    c.decided_by = c.office.name
    c.legal_basis = decision.legal_basis
    c.grounds = decision.grounds
    c.coverage = decision.coverage or {}
    c.method_override_reason = decision.method_override_reason if decision.outcome in GRANT_OUTCOMES else ""


def _record_decision(
    c: Case,
    actor: Principal,
    kind: str,
    decided_on: date,
    letter: Document | None,
    *,
    grounds: str = "",
    decided_by: str = "",
    appeal: Appeal | None = None,
) -> Decision:
    """Add the decision to the case's history (rows are only added: earlier decisions keep their grounds)."""
    return Decision.objects.create(
        case=c,
        kind=kind,
        outcome=c.final_outcome,
        decided_on=decided_on,
        decided_by=decided_by or c.office.name,
        decided_by_user=actor.user,
        legal_basis=c.legal_basis if kind == Decision.Kind.ORIGINAL else "",
        grounds=grounds,
        coverage=c.coverage if kind == Decision.Kind.ORIGINAL else {},
        appeal=appeal,
        letter=letter,
    )


def _preview_copy(case: Case) -> Case:
    """A copy of the case to render a letter from, so a preview never changes the case the page holds."""
    preview = copy.copy(case)
    preview.__dict__ = dict(case.__dict__)
    return preview


def _check_preview(actor: Principal, case: Case, event: str) -> None:
    """A letter is previewed only by someone who may take the step, on a case where the step is possible now."""
    if not actor.has_any(*EVENT_PERMISSIONS[event]):
        _deny(actor, case, event)
    _check(actor, "decide", case)
    _check_edge(case, event)


def _check_decision(c: Case, decision: DecisionData) -> None:
    """What a decision must hold before its letter can be made (forvaltningsloven § 24, Nye metoder)."""
    if decision.outcome not in DECISION_LETTERS:
        raise ValidationError({"outcome": _("Choose granted, partly granted or rejected.")})
    if not decision.grounds.strip():
        raise ValidationError({"grounds": _("A decision must give its grounds (forvaltningsloven § 24).")})
    if decision.decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    if decision.decided_on < c.received_date:
        raise ValidationError({"decided_on": _("The decision cannot be dated before the application was received.")})
    overriding = decision.outcome in GRANT_OUTCOMES and c.method and c.method.decision == Method.Decision.NOT_INTRODUCED
    if overriding and not decision.method_override_reason.strip():
        raise ValidationError(
            {
                "method_override_reason": _(
                    "“%(method)s” is decided not introduced in Norway. A grant needs a written reason for "
                    "overriding that decision."
                )
                % {"method": c.method.name if c.method else ""}
            }
        )


def decision_letter_preview(*, actor: Principal, case: Case, decision: DecisionData) -> dict[str, Any]:
    """The decision letter exactly as case_decide will make it (what the PDF draws, ``letters.letter``); nothing
    is saved: the decision is put on a copy of the case."""
    _check_preview(actor, case, "grant" if decision.outcome in GRANT_OUTCOMES else "reject")
    _check_decision(case, decision)
    preview = _preview_copy(case)
    _apply_decision(preview, decision)
    return letters.letter(DECISION_LETTERS[Outcome(decision.outcome)], preview, language=decision.language)


def _check_reversal(grounds: str) -> None:
    if not grounds.strip():
        raise ValidationError({"grounds": _("Give the grounds for reversing the decision.")})


def reversal_letter_preview(*, actor: Principal, case: Case, decided_on: date, grounds: str) -> dict[str, Any]:
    """The letter case_reverse_on_appeal will send; nothing saved."""
    _check_preview(actor, case, "reverse_on_appeal")
    _check_reversal(grounds)
    preview = _preview_copy(case)
    preview.final_outcome = Outcome.GRANTED
    return letters.letter(LetterTemplate.Kind.APPEAL_REVERSED, preview, extra={"grounds": grounds})


def forward_letter_preview(*, actor: Principal, case: Case) -> dict[str, Any]:
    """The letter case_forward_appeal will send; nothing saved."""
    _check_preview(actor, case, "forward_appeal")
    return letters.letter(
        LetterTemplate.Kind.APPEAL_FORWARDED,
        _preview_copy(case),
        extra={"appeals_body": _appeals_body(case).label},
    )


def _appeals_body(case: Case) -> Appeal.Body:
    return Appeal.Body.STATSFORVALTEREN if case.route == Route.PGD else Appeal.Body.KLAGENEMNDA


def case_decide(*, actor: Principal, case: Case, version: int, decision: DecisionData) -> Case:
    """Grant, partly grant or reject, and send the decision letter (PDF, stored in the case file, immutable)."""
    if decision.outcome not in DECISION_LETTERS:
        raise ValidationError({"outcome": _("Choose granted, partly granted or rejected.")})
    event = "grant" if decision.outcome in GRANT_OUTCOMES else "reject"

    def apply(c: Case) -> dict[str, Any]:
        _check_decision(c, decision)
        _apply_decision(c, decision)
        c.search_text = _search_text(c)
        pdf = letters.render_pdf(DECISION_LETTERS[Outcome(decision.outcome)], c, language=decision.language)
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.DECISION,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Decision: %(outcome)s"), outcome=Outcome(decision.outcome).label),
            document_date=decision.decided_on,
            correspondent=letters.recipients_line(c, decision.language),
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        _record_decision(c, actor, Decision.Kind.ORIGINAL, decision.decided_on, letter, grounds=decision.grounds)
        return {"outcome": decision.outcome, "letter": letter.number, "override": bool(c.method_override_reason)}

    return _transition(actor, case, event, version, apply, action="decide")


def case_withdraw(*, actor: Principal, case: Case, version: int, withdrawn_on: date, note: str = "") -> Case:
    def apply(c: Case) -> dict[str, Any]:
        c.outcome = c.final_outcome = Outcome.WITHDRAWN
        c.decided_on = withdrawn_on
        c.closed_on = withdrawn_on
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.OTHER,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Application withdrawn")),
            document_date=withdrawn_on,
            correspondent=c.patient_display_name,
            body=note,
        )
        return {}

    return _transition(actor, case, "withdraw", version, apply)


def case_record_external_decision(
    *, actor: Principal, case: Case, version: int, granted: bool, decided_on: date, decided_by: str, note: str = ""
) -> Case:
    """PGD, particle therapy and Nordic protocols are decided by another body; the office records it."""
    if not decided_by.strip():
        raise ValidationError({"decided_by": _("Name the body that made the decision.")})

    def apply(c: Case) -> dict[str, Any]:
        if decided_on < c.received_date:
            raise ValidationError({"decided_on": _("The decision cannot be dated before the case was received.")})
        c.outcome = c.final_outcome = Outcome.GRANTED if granted else Outcome.REJECTED
        c.decided_on = decided_on
        c.decided_by = decided_by
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.EXTERNAL_DECISION,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Decision by %(body)s"), body=decided_by),
            document_date=decided_on,
            correspondent=decided_by,
            correspondent_is_private=False,
            body=note,
        )
        _record_decision(c, actor, Decision.Kind.ORIGINAL, decided_on, letter, grounds=note, decided_by=decided_by)
        return {"decided_by": decided_by, "granted": granted}

    return _transition(actor, case, "record_external_grant" if granted else "record_external_rejection", version, apply)


def case_give_advice(*, actor: Principal, case: Case, version: int, advice: str, given_on: date) -> Case:
    if not advice.strip():
        raise ValidationError({"advice": _("Write the advice to HELFO.")})

    def apply(c: Case) -> dict[str, Any]:
        c.outcome = c.final_outcome = Outcome.ADVICE_GIVEN
        c.decided_on = c.closed_on = given_on
        c.grounds = advice
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.OTHER,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Advice to HELFO")),
            document_date=given_on,
            correspondent="HELFO",
            correspondent_is_private=False,
            body=advice,
            sent=True,
        )
        return {}

    return _transition(actor, case, "give_advice", version, apply, action="decide")
