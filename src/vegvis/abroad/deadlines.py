"""What a case needs next and by when. Stored on the case (due_on, due_reason) so worklists sort by index.

``due`` is the rule, on plain values: the services call it through ``compute`` (which reads what it needs of a
saved case), the import and the bulk demo call it with the values they hold for cases not yet written. The periods
are data (``LegalDeadline``); ``periods`` lets a bulk caller pass the rows it read once instead of the cached
look-up (``LegalDeadline.get``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from vegvis.abroad.models import UNDECIDED_STATUSES, Case, Document, Expense, Status
from vegvis.abroad.workflow import ROUTE_EVENTS
from vegvis.core.models import LegalDeadline

Periods = Callable[[str], LegalDeadline]  # deadline key → its row


def decision_letter_date(case: Case) -> date:
    """The date of the letter an appeal runs from: the case's last decision letter (the office's, or the deciding
    body's), or the decision's date, or the day received."""
    letter = (
        case.documents.filter(kind__in=[Document.Kind.DECISION, Document.Kind.EXTERNAL_DECISION])
        .order_by("-sequence")
        .first()
    )
    if letter is not None:
        return letter.document_date
    return case.decided_on or case.received_date


def appeal_deadline(letter_date: date, *, periods: Periods = LegalDeadline.get) -> date:
    """The last day an appeal against a decision dated ``letter_date`` is in time (fvl § 29)."""
    return periods("appeal").after(letter_date)


def assessment_due(requested_on: date, *, periods: Periods = LegalDeadline.get) -> date:
    """When a medical assessment asked for on ``requested_on`` is due, unless the request names its own date."""
    return periods("expert_assessment").after(requested_on)


def due(
    status: str,
    route: str,
    received_date: date,
    *,
    provisional_reply_sent_on: date | None = None,
    assessment_due: date | None = None,
    letter_date: date | None = None,
    appeal_received: date | None = None,
    appeal_office_outcome: str = "",
    oldest_open_invoice: date | None = None,
    stay_note_due: date | None = None,
    periods: Periods = LegalDeadline.get,
) -> tuple[date | None, str]:
    """(due date, reason) of a case in ``status``, from what is known of it:

    - ``assessment_due``: the earliest due date of a medical assessment not yet answered;
    - ``letter_date``: for a rejection, the date of its decision letter (``decision_letter_date``);
    - ``appeal_received``, ``appeal_office_outcome``: the appeal under way (the appeals body has not decided it);
    - ``oldest_open_invoice``: the invoice date of the oldest expense not settled;
    - ``stay_note_due``: the earliest follow-up date of an open note on the stay.

    A value not given is not known, and adds no deadline (as for a case not saved yet).
    """
    candidates: list[tuple[date, str]] = []
    if status in UNDECIDED_STATUSES:
        months = periods("provisional_reply")
        if provisional_reply_sent_on is None:
            candidates.append((months.after(received_date), "provisional_reply"))
        else:
            candidates.append((months.after(months.after(months.after(received_date))), "decision"))
        if assessment_due:
            candidates.append((assessment_due, "assessment"))
    elif status == Status.REJECTED:
        if "register_appeal" not in ROUTE_EVENTS.get(route, ()):
            return None, ""  # no appeal on this route: nothing to wait for
        if letter_date:
            candidates.append((appeal_deadline(letter_date, periods=periods), "appeal_deadline"))
    elif status == Status.APPEALED:
        if appeal_received:
            candidates.append((periods("appeal_reconsideration").after(appeal_received), "appeal_reconsideration"))
    elif status == Status.AT_APPEALS_BODY:
        return None, "appeals_body"
    elif status == Status.FOLLOW_UP:
        # A partial grant under appeal: the office's reconsideration is due, or the appeals body decides.
        if appeal_received and appeal_office_outcome == "pending":
            candidates.append((periods("appeal_reconsideration").after(appeal_received), "appeal_reconsideration"))
        if oldest_open_invoice:
            candidates.append((periods("invoice_payment").after(oldest_open_invoice), "invoice"))
        if stay_note_due:
            candidates.append((stay_note_due, "stay_follow_up"))
        if not candidates:
            return None, "appeals_body" if appeal_office_outcome == "forwarded" else "follow_up"
    if not candidates:
        return None, ""
    return min(candidates)


def compute(case: Case) -> tuple[date | None, str]:
    """``due`` for a case, reading from the database only what its status needs (nothing for a case not saved)."""
    assessment_due = letter_date = appeal_received = oldest_open_invoice = stay_note_due = None
    appeal_office_outcome = ""
    saved = case.pk is not None
    if case.status in UNDECIDED_STATUSES and saved:
        assessment_due = (
            case.assessments.filter(answered_on__isnull=True)
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
    elif case.status == Status.REJECTED and saved and "register_appeal" in ROUTE_EVENTS[case.route]:
        letter_date = decision_letter_date(case)
    elif case.status == Status.APPEALED and saved:
        appeal_received = (
            case.appeals.filter(board_outcome="")
            .order_by("-received_date")
            .values_list("received_date", flat=True)
            .first()
        )
    elif case.status == Status.FOLLOW_UP and saved:
        appeal = case.appeals.filter(board_outcome="").exclude(office_outcome="reversed").first()
        if appeal is not None:
            appeal_received, appeal_office_outcome = appeal.received_date, appeal.office_outcome
        oldest_open_invoice = (
            case.expenses.exclude(state=Expense.State.SETTLED)
            .order_by("invoice_date")
            .values_list("invoice_date", flat=True)
            .first()
        )
        stay_note_due = (
            case.stay_notes.filter(resolved_on__isnull=True, follow_up_on__isnull=False)
            .order_by("follow_up_on")
            .values_list("follow_up_on", flat=True)
            .first()
        )
    return due(
        case.status,
        case.route,
        case.received_date,
        provisional_reply_sent_on=case.provisional_reply_sent_on,
        assessment_due=assessment_due,
        letter_date=letter_date,
        appeal_received=appeal_received,
        appeal_office_outcome=appeal_office_outcome,
        oldest_open_invoice=oldest_open_invoice,
        stay_note_due=stay_note_due,
    )


def refresh(case: Case) -> None:
    case.due_on, case.due_reason = compute(case)
