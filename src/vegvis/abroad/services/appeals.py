"""Appeals: registration, reversal by the office, forwarding, and the appeals body's decision."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.abroad import deadlines, letters, rules
from vegvis.abroad.models import Appeal, Case, Decision, Document, LetterTemplate, Route, Status
from vegvis.abroad.services.base import _register_document, _transition, stored
from vegvis.abroad.services.decisions import _check_reversal, _record_decision
from vegvis.access.principal import Principal
from vegvis.casework.steps import TransitionRefused

# ---------------------------------------------------------------- appeals


def case_register_appeal(
    *, actor: Principal, case: Case, version: int, received_date: date, grounds: str = "", late_reason: str = ""
) -> Case:
    """Register an appeal against a rejection or a partial grant. A late appeal is flagged, not refused (fvl § 31).

    A partly granted case stays in follow-up while the appeal runs (see abroad/steps.py)."""
    if received_date > timezone.localdate():
        raise ValidationError({"received_date": _("The date received cannot be in the future.")})

    def apply(c: Case) -> dict[str, Any]:
        if c.appeals.filter(
            board_outcome="", office_outcome__in=[Appeal.OfficeOutcome.PENDING, Appeal.OfficeOutcome.FORWARDED]
        ).exists():
            raise TransitionRefused(_("The case already has an appeal under way."))
        deadline = deadlines.appeal_deadline(deadlines.decision_letter_date(c))
        late = received_date > deadline
        if late and not late_reason.strip():
            raise ValidationError(
                {
                    "late_reason": _("The appeal came after the deadline (%(deadline)s). Write why it is taken up.")
                    % {"deadline": deadline.strftime("%d.%m.%Y")}
                }
            )
        appeal = Appeal.objects.create(
            case=c,
            received_date=received_date,
            deadline=deadline,
            late=late,
            late_reason=late_reason,
            grounds=grounds,
            appeals_body=rules.appeals_body(c.route),
        )
        c.closed_on = None
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.APPEAL,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Appeal (late)") if late else gettext_noop("Appeal")),
            document_date=received_date,
            correspondent=c.patient_display_name,
            body=grounds,
        )
        return {"appeal": appeal.pk, "late": late}

    _transition(actor, case, "register_appeal", version, apply)
    if case.route == Route.PGD:
        # PGD decisions are not the office's: the appeal goes straight on to Statsforvalteren.
        case_forward_appeal(actor=actor, case=case, version=case.version, forwarded_on=received_date)
    return case


def _open_appeal(case: Case) -> Appeal:
    appeal = case.appeals.select_for_update().filter(board_outcome="").order_by("-received_date", "-id").first()
    if appeal is None:
        raise TransitionRefused(_("The case has no appeal under way."))
    return appeal


def case_reverse_on_appeal(*, actor: Principal, case: Case, version: int, decided_on: date, grounds: str) -> Case:
    """The office reconsiders and reverses its decision: the case becomes (fully) granted.

    The original decision and its grounds stay in the history; the reversal is added with its own grounds."""
    _check_reversal(grounds)

    def apply(c: Case) -> dict[str, Any]:
        appeal = _open_appeal(c)
        appeal.office_outcome = Appeal.OfficeOutcome.REVERSED
        appeal.office_date = decided_on
        appeal.save(update_fields=["office_outcome", "office_date"])
        c.final_outcome = rules.final_outcome(c.outcome, appeal.office_outcome)
        pdf = letters.render_pdf(LetterTemplate.Kind.APPEAL_REVERSED, c, extra={"grounds": grounds})
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.APPEAL_DECISION,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Decision reversed after appeal")),
            document_date=decided_on,
            correspondent=letters.recipients_line(c),
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        _record_decision(c, actor, Decision.Kind.OFFICE_REVERSAL, decided_on, letter, grounds=grounds, appeal=appeal)
        return {"appeal": appeal.pk}

    return _transition(actor, case, "reverse_on_appeal", version, apply)


def case_forward_appeal(*, actor: Principal, case: Case, version: int, forwarded_on: date, comments: str = "") -> Case:
    """The office keeps its decision and sends the appeal to the appeals body."""

    def apply(c: Case) -> dict[str, Any]:
        appeal = _open_appeal(c)
        appeal.office_outcome = Appeal.OfficeOutcome.FORWARDED
        appeal.office_date = forwarded_on
        appeal.save(update_fields=["office_outcome", "office_date"])
        pdf = letters.render_pdf(
            LetterTemplate.Kind.APPEAL_FORWARDED, c, extra={"appeals_body": appeal.get_appeals_body_display()}
        )
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.APPEAL_FORWARDED,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Appeal forwarded to %(body)s"), body=appeal.get_appeals_body_display()),
            document_date=forwarded_on,
            correspondent=appeal.get_appeals_body_display(),
            correspondent_is_private=False,
            body=comments,
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        return {"appeal": appeal.pk, "appeals_body": appeal.appeals_body}

    return _transition(actor, case, "forward_appeal", version, apply)


def case_record_appeal_decision(
    *, actor: Principal, case: Case, version: int, reversed_: bool, received_on: date, note: str = ""
) -> Case:
    """Register the appeals body's decision when it arrives: reversed (granted), or upheld — a rejection is then
    closed, a partial grant stands and its follow-up goes on."""

    def apply(c: Case) -> dict[str, Any]:
        appeal = _open_appeal(c)
        appeal.board_outcome = Appeal.BoardOutcome.REVERSED if reversed_ else Appeal.BoardOutcome.UPHELD
        appeal.board_date = received_on
        appeal.save(update_fields=["board_outcome", "board_date"])
        if reversed_:
            c.final_outcome = rules.final_outcome(c.outcome, appeal.office_outcome, appeal.board_outcome)
        elif c.status != Status.FOLLOW_UP:
            c.closed_on = received_on
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.BOARD_DECISION,
            direction=Document.Direction.INCOMING,
            title=stored(
                gettext_noop("Decision of %(body)s: %(outcome)s"),
                body=appeal.get_appeals_body_display(),
                outcome=appeal.get_board_outcome_display(),
            ),
            document_date=received_on,
            correspondent=appeal.get_appeals_body_display(),
            correspondent_is_private=False,
            body=note,
        )
        _record_decision(
            c,
            actor,
            Decision.Kind.APPEALS_BODY,
            received_on,
            letter,
            grounds=note,
            decided_by=appeal.get_appeals_body_display(),
            appeal=appeal,
        )
        return {"appeal": appeal.pk, "board_outcome": appeal.board_outcome}

    return _transition(actor, case, "record_appeal_reversed" if reversed_ else "record_appeal_upheld", version, apply)
