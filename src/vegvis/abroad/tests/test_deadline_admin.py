"""Issue 12: an administrator changes the appeal deadline in the administration pages; the next appeal's due date
follows it, and the change is in the audit trail. And the decision deadline, now a row of its own, gives every
case the due date it had."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad import deadlines
from vegvis.abroad.deadlines import decision_letter_date
from vegvis.abroad.models import Case, Document, Status
from vegvis.abroad.tests.support import make_case
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.core.models import LegalDeadline
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


def change_appeal_deadline(client: Client, **period: object) -> None:
    appeal = LegalDeadline.objects.get(key="appeal")
    form = {field: getattr(appeal, field) for field in ("name", "amount", "unit", "legal_reference")}
    response = client.post(reverse("vegvis_admin:core_legaldeadline_change", args=[appeal.pk]), {**form, **period})
    assert response.status_code == 302, response.content.decode()


def test_the_next_appeal_follows_the_appeal_deadline_an_administrator_sets(sysadmin, case_handler):
    """Four weeks from the decision letter, changed to six: an appeal received five and a half weeks after the
    letter was late, and is now in time; a case rejected after the change is due for it six weeks on."""
    before = make_case("rejected")  # its letter is dated 40 days ago
    letter = decision_letter_date(before)
    assert (before.due_on, before.due_reason) == (letter + timedelta(weeks=4), "appeal_deadline")

    change_appeal_deadline(log_in_verified(Client(), sysadmin), amount=6)

    handler = log_in_verified(Client(), case_handler)
    before.refresh_from_db()
    response = handler.post(
        reverse("abroad:case_action", args=[before.pk, "register_appeal"]),
        {"version": before.version, "received_date": timezone.localdate().strftime("%d.%m.%Y"), "grounds": "Uenig."},
    )
    assert response.status_code == 302, response.content.decode()  # no reason for a late appeal asked for
    appeal = before.appeals.get()
    assert (appeal.deadline, appeal.late) == (letter + timedelta(weeks=6), False)
    assert before.documents.filter(kind=Document.Kind.APPEAL, title="Klage").exists()
    page = handler.get(reverse("abroad:case", args=[before.pk])).content.decode()
    assert f"frist {appeal.deadline:%d.%m.%Y}" in page

    after = make_case("rejected")
    assert (after.due_on, after.due_reason) == (decision_letter_date(after) + timedelta(weeks=6), "appeal_deadline")

    entry = AuditEntry.objects.get(object_type="core.legaldeadline", action=AuditEntry.Action.UPDATE)
    assert entry.actor_username == sysadmin.username
    assert entry.detail["changes"] == {"amount": [4, 6], "period": ["4 weeks", "6 weeks"]}
    assert verify_chain().ok


def test_an_appeal_after_the_shortened_deadline_must_say_why_it_is_taken_up(sysadmin, case_handler):
    case = make_case("rejected")
    change_appeal_deadline(log_in_verified(Client(), sysadmin), amount=20, unit="days")

    handler = log_in_verified(Client(), case_handler)
    response = handler.post(
        reverse("abroad:case_action", args=[case.pk, "register_appeal"]),
        {"version": case.version, "received_date": timezone.localdate().strftime("%d.%m.%Y")},
    )

    deadline = decision_letter_date(case) + timedelta(days=20)
    assert response.status_code == 200
    assert f"Klagen kom etter fristen ({deadline:%d.%m.%Y})" in response.content.decode()
    assert not case.appeals.exists()


# ---------------------------------------------------------------- the decision deadline as its own row


def test_the_decision_deadline_is_three_months_counted_month_by_month():
    decision = LegalDeadline.objects.get(key="decision")
    assert (decision.amount, decision.unit) == (3, "months")
    assert "11 a" in decision.legal_reference


def test_every_day_of_receipt_keeps_the_decision_due_date_it_had():
    """Before, the decision was due three provisional-reply months after receipt; every day of 2000-2040."""
    month = LegalDeadline.objects.get(key="provisional_reply")
    day = date(2000, 1, 1)
    while day < date(2041, 1, 1):
        case = Case(status=Status.RECEIVED, received_date=day, provisional_reply_sent_on=day)
        assert deadlines.compute(case) == (month.after(month.after(month.after(day))), "decision"), day
        day += timedelta(days=1)
