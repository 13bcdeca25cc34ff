"""The workflow's guards on a case's data: what the state alone does not say (``steps.TABLE`` names them per step).

Each guard gives the reason a step is refused, for the user, or None. The case page and the API offer a step only
when its guards pass, and the services refuse it otherwise, so the two can never disagree. This module reads
models only: the step table imports it, and the services import the table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.abroad.deadlines import APPEAL_ROUTES, appeal_deadline, decision_letter_date
from vegvis.abroad.models import Appeal, Case, Expense, Outcome, Status


def appeal_at(case: Case, office_outcome: str) -> bool:
    """Whether the case's appeal under way is at this step of the office's handling (and not yet decided)."""
    return case.appeals.filter(board_outcome="", office_outcome=office_outcome).exists()


def appealable(case: Case) -> str | None:
    if case.final_outcome == Outcome.PARTLY_GRANTED:
        # A partial grant can be appealed once: the appeal's outcome (reversed, or upheld by the appeals body)
        # is final for the office.
        if case.appeals.exists():
            return _("The partial grant has already been appealed.")
        return None
    if case.final_outcome != Outcome.REJECTED or case.status == Status.FOLLOW_UP:
        return _("Only a rejection or a partial grant can be appealed.")
    return None


def in_follow_up_appeal(office_outcome: str) -> Callable[[Case], str | None]:
    """A partly granted case's appeal runs in follow-up: each appeal step there waits for the appeal's step."""

    def guard(case: Case) -> str | None:
        if case.status == Status.FOLLOW_UP and not appeal_at(case, office_outcome):
            return _("The case has no appeal at this step.")
        return None

    return guard


def appeal_deadline_running(case: Case, on: date) -> str | None:
    if case.status != Status.REJECTED or case.route not in APPEAL_ROUTES:
        return None
    deadline = appeal_deadline(decision_letter_date(case))
    if on <= deadline:
        return _("The appeal deadline runs until %(deadline)s; close the case after that.") % {
            "deadline": deadline.strftime("%d.%m.%Y")
        }
    return None


def closable(case: Case) -> str | None:
    if case.status == Status.REJECTED:
        return appeal_deadline_running(case, timezone.localdate())
    if case.status != Status.FOLLOW_UP:
        return None
    if case.appeals.filter(board_outcome="").exclude(office_outcome=Appeal.OfficeOutcome.REVERSED).exists():
        return _("The case has an appeal under way; close it when the appeal is decided.")
    unsettled = case.expenses.exclude(state=Expense.State.SETTLED).count()
    if unsettled:
        return _("%(count)s invoice(s) are not settled yet. A case is closed when every invoice is settled.") % {
            "count": unsettled
        }
    return None


def assessment_by_letter_open(case: Case) -> str | None:
    """An assessment is registered from a letter only for a request no medical adviser answers in Vegvis."""
    if not case.assessments.filter(answered_on__isnull=True, adviser__isnull=True).exists():
        return _("The case has no open request for an assessment by letter; a medical adviser answers in Vegvis.")
    return None


def no_provisional_reply_yet(case: Case) -> str | None:
    """One provisional reply per case (forvaltningsloven § 11 a); the decision follows it."""
    if case.provisional_reply_sent_on is not None:
        return _("A provisional reply has already been sent (%(date)s).") % {
            "date": case.provisional_reply_sent_on.strftime("%d.%m.%Y")
        }
    return None
