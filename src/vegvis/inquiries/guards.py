"""The desk workflow's guards on a case's data (``steps.TABLE`` names them per step): each gives the reason a
step is refused, for the user, or None. The case page and the API offer a step only when its guards pass; the
services refuse it otherwise."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.inquiries.models import Case, Scope


def power_of_attorney(scope: str) -> Callable[[Case], str | None]:
    """The association acts for the person only under a valid, signed power of attorney covering the step."""

    def guard(case: Case) -> str | None:
        today = timezone.localdate()
        if any(p.covers(scope) and p.is_valid_on(today) for p in case.powers_of_attorney.all()):
            return None
        return _(
            "The association cannot act before the case has a valid power of attorney covering “%(scope)s”. "
            "Register the signed power of attorney first."
        ) % {"scope": Scope(scope).label}

    guard.__name__ = f"power_of_attorney_{scope}"
    return guard


def open_record_request(case: Case) -> str | None:
    if not case.record_requests.filter(received_on__isnull=True).exists():
        return _("The case has no record request waiting for an answer.")
    return None


def overdue_record_request(case: Case) -> str | None:
    """A reminder goes to a provider only when its answer is past due and the records have not come."""
    if not case.record_requests.filter(received_on__isnull=True, due_on__lt=timezone.localdate()).exists():
        return _("The case has no record request whose answer is past due.")
    return None


def unsent_complaint(case: Case) -> str | None:
    if not case.complaints.filter(sent_on__isnull=True).exists():
        return _("The case has no complaint waiting to be sent.")
    return None


def no_claim_yet(case: Case) -> str | None:
    if case.claims.filter(board_decided_on__isnull=True, decision="").exists():
        return _("The case already has a compensation claim under way.")
    return None


def prepared_claim(case: Case) -> str | None:
    if not case.claims.filter(sent_on__isnull=True).exists():
        return _("Register the compensation claim with its dates before sending it.")
    return None


def unanswered_expert_assessment(case: Case) -> str | None:
    if not case.assessments.filter(assessor="expert", answered_on__isnull=True).exists():
        return _("The case has no external expert's assessment waiting for an answer.")
    return None


def unanswered_adviser_assessment(case: Case) -> str | None:
    """The assigned medical adviser has an assessment to give (one asked of an adviser no longer assigned waits
    for them to be assigned again)."""
    if not case.assessments.filter(
        assessor="adviser", adviser_id=case.medical_adviser_id, answered_on__isnull=True
    ).exists():
        return _("The case has no assessment waiting for its medical adviser.")
    return None


def meeting_without_notes(case: Case) -> str | None:
    if not case.meetings.filter(notes="").exists():
        return _("The case has no meeting waiting for its notes.")
    return None
