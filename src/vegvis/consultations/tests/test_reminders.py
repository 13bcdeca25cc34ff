"""The daily reminder to invited bodies that have not sent input: read back from the mail outbox, sent once
however often the task runs, never to a body that answered, never before the reminder day (the
``consultation_reminder`` row, 7 days before the internal deadline by default, which an administrator edits)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from vegvis.consultations.tasks import REMINDER_TIME, send_input_reminders
from vegvis.consultations.tests.support import OTHER_BODY, body_user, make_consultation, send_input
from vegvis.core.models import LegalDeadline

pytestmark = pytest.mark.django_db


def _round(days_left: int, title: str = "Nasjonal veileder for utprøvende behandling"):
    """An open consultation whose internal deadline is ``days_left`` days away; the first body has answered."""
    today = timezone.localdate()
    consultation = make_consultation("open", internal_deadline=today + timedelta(days=days_left), title=title)
    send_input(consultation)
    return consultation


def test_the_bodies_that_have_not_answered_get_one_mail_on_the_day():
    answered = body_user(username="onkolog")
    waiting, also_waiting = body_user(OTHER_BODY, "barnelege"), body_user(OTHER_BODY, "barnelege.to")
    consultation = _round(7)

    assert send_input_reminders.call() == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting.email, also_waiting.email])
    assert answered.email not in [m.to[0] for m in mail.outbox]
    message = mail.outbox[0]
    assert message.subject == "Påminnelse: innspill til høring"
    assert message.body == (
        "Nasjonal veileder for utprøvende behandling\n"
        f"Intern frist for innspill: {consultation.internal_deadline:%d.%m.%Y}\n"
        f"{_base_url()}/horinger/mine/{consultation.pk}/"
    )

    # Run again (tomorrow's run, or a run repeated after its worker died): nothing more.
    assert send_input_reminders.call() == 0
    assert len(mail.outbox) == 2


def test_no_mail_before_the_day_and_the_administrators_row_sets_the_day():
    body_user(OTHER_BODY, "barnelege")
    _round(8, title="Åtte dager igjen")
    assert send_input_reminders.call() == 0 and mail.outbox == []

    row = LegalDeadline.objects.get(key="consultation_reminder")
    row.amount = 8
    row.save()
    assert send_input_reminders.call() == 1
    assert mail.outbox[0].body.startswith("Åtte dager igjen\n")


def test_no_mail_once_the_body_has_answered_or_the_round_is_closed_or_past():
    from vegvis.consultations.models import MemberBody
    from vegvis.consultations.tests.support import step

    body_user(OTHER_BODY, "barnelege")
    answered = _round(3, title="Besvart")
    send_input(answered, MemberBody.objects.get(organisation__name=OTHER_BODY))
    closed = _round(3, title="Lukket")
    step(closed, "close_for_input")
    _round(-1, title="Fristen er ute")

    assert send_input_reminders.call() == 0 and mail.outbox == []


def test_the_daily_run_queues_tomorrows():
    from django_tasks_db.models import DBTaskResult

    from vegvis.core.tasks import next_run, schedule_daily_tasks

    assert send_input_reminders.module_path in schedule_daily_tasks()
    queued = DBTaskResult.objects.get(task_path=send_input_reminders.module_path)
    assert queued.run_after == next_run(REMINDER_TIME, queued.enqueued_at)


def _base_url() -> str:
    from django.conf import settings

    return settings.VEGVIS_BASE_URL.rstrip("/")
