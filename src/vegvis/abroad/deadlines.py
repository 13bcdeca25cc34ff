"""What a case needs next and by when. Stored on the case (due_on, due_reason) so worklists sort by index."""

from __future__ import annotations

from datetime import date

from vegvis.abroad.models import UNDECIDED_STATUSES, Case, Document, Expense, Status
from vegvis.abroad.workflow import ROUTE_EVENTS
from vegvis.core.models import LegalDeadline


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


def compute(case: Case) -> tuple[date | None, str]:
    candidates: list[tuple[date, str]] = []
    saved = case.pk is not None
    if case.status in UNDECIDED_STATUSES:
        if case.provisional_reply_sent_on is None:
            candidates.append((LegalDeadline.get("provisional_reply").after(case.received_date), "provisional_reply"))
        else:
            months = LegalDeadline.get("provisional_reply")
            candidates.append((months.after(months.after(months.after(case.received_date))), "decision"))
        if saved:
            open_due = (
                case.assessments.filter(answered_on__isnull=True)
                .order_by("due_on")
                .values_list("due_on", flat=True)
                .first()
            )
            if open_due:
                candidates.append((open_due, "assessment"))
    elif case.status == Status.REJECTED and saved:
        if "register_appeal" not in ROUTE_EVENTS[case.route]:
            return None, ""  # no appeal on this route: nothing to wait for
        candidates.append((LegalDeadline.get("appeal").after(decision_letter_date(case)), "appeal_deadline"))
    elif case.status == Status.APPEALED and saved:
        received = (
            case.appeals.filter(board_outcome="")
            .order_by("-received_date")
            .values_list("received_date", flat=True)
            .first()
        )
        if received:
            candidates.append((LegalDeadline.get("appeal_reconsideration").after(received), "appeal_reconsideration"))
    elif case.status == Status.AT_APPEALS_BODY:
        return None, "appeals_body"
    elif case.status == Status.FOLLOW_UP:
        waiting_for_body = False
        if saved:
            # A partial grant under appeal: the office's reconsideration is due, or the appeals body decides.
            appeal = case.appeals.filter(board_outcome="").exclude(office_outcome="reversed").first()
            if appeal is not None and appeal.office_outcome == "pending":
                candidates.append(
                    (LegalDeadline.get("appeal_reconsideration").after(appeal.received_date), "appeal_reconsideration")
                )
            waiting_for_body = appeal is not None and appeal.office_outcome == "forwarded"
            oldest = (
                case.expenses.exclude(state=Expense.State.SETTLED)
                .order_by("invoice_date")
                .values_list("invoice_date", flat=True)
                .first()
            )
            if oldest:
                candidates.append((LegalDeadline.get("invoice_payment").after(oldest), "invoice"))
            note_due = (
                case.stay_notes.filter(resolved_on__isnull=True, follow_up_on__isnull=False)
                .order_by("follow_up_on")
                .values_list("follow_up_on", flat=True)
                .first()
            )
            if note_due:
                candidates.append((note_due, "stay_follow_up"))
        if not candidates:
            return None, "appeals_body" if waiting_for_body else "follow_up"
    if not candidates:
        return None, ""
    return min(candidates)


def refresh(case: Case) -> None:
    case.due_on, case.due_reason = compute(case)
