"""Property tests for deadlines: legal deadlines as data (days, weeks, months, years) and what a case is due for.

The deadlines themselves are rows an administrator edits, so these check the arithmetic for any length and
unit, and that the due date the worklists sort on is always the earliest of what the case is waiting for.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.abroad import deadlines
from vegvis.abroad.models import DUE_REASONS, UNDECIDED_STATUSES, Assessment, Case, Status
from vegvis.abroad.tests.support import expert_community, make_case
from vegvis.core.models import LegalDeadline

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
DB = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=40)


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@given(
    unit=st.sampled_from(LegalDeadline.Unit.values),
    amount=st.integers(min_value=1, max_value=120),
    start=DAYS,
    later_by=st.integers(min_value=0, max_value=400),
)
def test_a_deadline_ends_after_its_start_and_a_later_start_never_ends_earlier(unit, amount, start, later_by):
    deadline = LegalDeadline(key="probe", name="probe", amount=amount, unit=unit)
    end = deadline.after(start)

    assert end > start
    assert deadline.after(start + timedelta(days=later_by)) >= end
    if unit == "days":
        assert end == start + timedelta(days=amount)
    elif unit == "weeks":
        assert end == start + timedelta(weeks=amount)
    else:
        months = amount if unit == "months" else 12 * amount
        assert _months_between(start, end) == months
        # The same day of the month, or the month's last day when it is shorter (31 January + 1 month).
        assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])


UNDECIDED = [s.value for s in UNDECIDED_STATUSES]


@pytest.mark.django_db
@DB
@given(
    status=st.sampled_from([s.value for s in Status]),
    received=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    replied_after=st.none() | st.integers(min_value=0, max_value=60),
)
def test_a_new_case_is_due_for_exactly_what_its_state_waits_for(status, received, replied_after):
    case = Case(status=status, received_date=received)
    if replied_after is not None:
        case.provisional_reply_sent_on = received + timedelta(days=replied_after)
    month = LegalDeadline.get("provisional_reply")

    due, reason = deadlines.compute(case)

    assert reason in DUE_REASONS or reason == ""
    if status in UNDECIDED and replied_after is None:
        assert (due, reason) == (month.after(received), "provisional_reply")
    elif status in UNDECIDED:
        assert (due, reason) == (month.after(month.after(month.after(received))), "decision")
    elif status == Status.AT_APPEALS_BODY:
        assert (due, reason) == (None, "appeals_body")
    elif status == Status.FOLLOW_UP:
        assert (due, reason) == (None, "follow_up")
    else:
        assert due is None
    if due is not None:
        assert due > received


@pytest.mark.django_db
@DB
@given(answer_due=st.lists(st.integers(min_value=-30, max_value=90), min_size=1, max_size=4))
def test_an_open_assessment_due_before_the_reply_makes_the_case_due_for_it(answer_due):
    case = make_case()
    today = date.today()
    for offset in answer_due:
        Assessment.objects.create(
            case=case,
            expert_community=expert_community(),
            question="?",
            requested_on=today,
            due_on=today + timedelta(days=offset),
        )
    reply = LegalDeadline.get("provisional_reply").after(case.received_date)
    earliest = today + timedelta(days=min(answer_due))

    due, reason = deadlines.compute(case)

    assert due == min(reply, earliest)
    assert reason == ("assessment" if earliest <= reply else "provisional_reply")
