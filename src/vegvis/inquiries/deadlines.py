"""The desk's periods (core.LegalDeadline rows seeded by migration 0003) and the case's next due date.

Months and years end on the same day of the month, or on the shorter month's last day (foreldelsesloven § 5:
29 February + 3 years is 28 February). A period that ends on a weekend or holiday is not moved here: the desk
acts before, never on, the last day."""

from __future__ import annotations

from datetime import date

from vegvis.core.models import LegalDeadline
from vegvis.inquiries.models import Case, Status

RECORD_REQUEST = "inquiries_record_request"
COMPLAINT = "inquiries_complaint"
RELATIVE_LIMITATION = "inquiries_npe_relative_limitation"
ABSOLUTE_LIMITATION = "inquiries_npe_absolute_limitation"
NPE_APPEAL = "inquiries_npe_appeal"

# The worklist warns of limitation dates this many months ahead.
LIMITATION_WARNING_MONTHS = 6


def records_due(sent_on: date) -> date:
    return LegalDeadline.get(RECORD_REQUEST).after(sent_on)


def complaint_deadline(decision_on: date) -> date:
    return LegalDeadline.get(COMPLAINT).after(decision_on)


def limitation_dates(*, knew_on: date, act_on: date) -> tuple[date, date]:
    """The claim's two limitation dates: 3 years from when the patient knew or should have known of the injury,
    and 20 years from the act that caused it, whichever comes first bars the claim."""
    return LegalDeadline.get(RELATIVE_LIMITATION).after(knew_on), LegalDeadline.get(ABSOLUTE_LIMITATION).after(act_on)


def appeal_deadline(decision_received_on: date) -> date:
    return LegalDeadline.get(NPE_APPEAL).after(decision_received_on)


def refresh(case: Case) -> None:
    """Set the case's next due date and what it is for, from its open record requests, unsent complaints,
    unsent claims (their limitation dates) and NPE decisions not yet appealed."""
    case.due_on, case.due_reason = None, ""
    if case.status == Status.CLOSED or case.pk is None:
        return
    candidates: list[tuple[date, str]] = []
    candidates += [
        (d, "records") for d in case.record_requests.filter(received_on__isnull=True).values_list("due_on", flat=True)
    ]
    candidates += [
        (d, "complaint") for d in case.complaints.filter(sent_on__isnull=True).values_list("deadline", flat=True)
    ]
    candidates += [
        (d, "assessment") for d in case.assessments.filter(answered_on__isnull=True).values_list("due_on", flat=True)
    ]
    for claim in case.claims.all():
        if claim.sent_on is None:
            candidates.append((claim.first_limit, "limitation"))
        elif claim.appeal_open and claim.appeal_deadline is not None:
            candidates.append((claim.appeal_deadline, "appeal"))
    if candidates:
        case.due_on, case.due_reason = min(candidates)
