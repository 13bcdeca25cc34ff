"""The desk's periods: limitation dates of an NPE claim (3 years from knowledge, 20 years from the act), the record
request's month, the complaint's four weeks and the appeal's three weeks; leap days and month ends; an
administrator's change counts from the next computation."""

from __future__ import annotations

from datetime import date

import pytest

from vegvis.core.models import LegalDeadline
from vegvis.inquiries import deadlines

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("knew_on", "act_on", "relative", "absolute"),
    [
        (date(2025, 3, 10), date(2024, 11, 2), date(2028, 3, 10), date(2044, 11, 2)),
        # Known on a leap day: three years later February has 28 days, so the last day of February.
        (date(2024, 2, 29), date(2024, 2, 29), date(2027, 2, 28), date(2044, 2, 29)),
        # An act on a leap day twenty years before a leap year ends on the leap day itself.
        (date(2023, 1, 1), date(2004, 2, 29), date(2026, 1, 1), date(2024, 2, 29)),
        (date(2026, 12, 31), date(2026, 1, 31), date(2029, 12, 31), date(2046, 1, 31)),
    ],
)
def test_the_two_limitation_dates(knew_on, act_on, relative, absolute):
    assert deadlines.limitation_dates(knew_on=knew_on, act_on=act_on) == (relative, absolute)


@pytest.mark.parametrize(
    ("sent_on", "due_on"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # a shorter month: its last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year's February
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_records_are_due_one_month_after_the_request(sent_on, due_on):
    assert deadlines.records_due(sent_on) == due_on


def test_complaint_four_weeks_and_appeal_three_weeks():
    assert deadlines.complaint_deadline(date(2027, 2, 3)) == date(2027, 3, 3)
    assert deadlines.complaint_deadline(date(2028, 2, 10)) == date(2028, 3, 9)  # across a leap day
    assert deadlines.appeal_deadline(date(2026, 12, 31)) == date(2027, 1, 21)


def test_every_period_is_a_row_with_its_legal_reference():
    # The retention periods (retention.py) are rows too, but no legal period of the casework.
    rows = {
        row.key: row
        for row in LegalDeadline.objects.filter(key__startswith="inquiries_").exclude(
            key__startswith="inquiries_retention_"
        )
    }
    assert set(rows) == {
        deadlines.RECORD_REQUEST,
        deadlines.COMPLAINT,
        deadlines.RELATIVE_LIMITATION,
        deadlines.ABSOLUTE_LIMITATION,
        deadlines.NPE_APPEAL,
    }
    assert "§ 7-5" in rows[deadlines.COMPLAINT].legal_reference
    assert "foreldelsesloven § 9" in rows[deadlines.RELATIVE_LIMITATION].legal_reference
    assert all(row.legal_reference for row in rows.values())


def test_an_administrators_change_of_a_period_is_used_next_time():
    row = LegalDeadline.objects.get(key=deadlines.COMPLAINT)
    row.amount, row.unit = 6, "weeks"
    row.save()
    assert deadlines.complaint_deadline(date(2027, 2, 3)) == date(2027, 3, 17)
