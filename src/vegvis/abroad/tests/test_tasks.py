from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from vegvis.abroad.services import cases
from vegvis.abroad.tasks import send_deadline_reminders
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.core.tasks import next_run

pytestmark = pytest.mark.django_db


def test_each_handler_gets_one_mail_with_their_due_cases_and_no_names(case_handler, make_user):
    other = make_user("case_handler", office="ous", username="other.handler")
    overdue = make_case(received=timezone.localdate() - timedelta(days=45))
    cases.case_update(actor=OPERATOR, case=overdue, version=overdue.version, handler=case_handler)
    later = make_case(received=timezone.localdate())
    cases.case_update(actor=OPERATOR, case=later, version=later.version, handler=other)

    sent = send_deadline_reminders.call()

    assert sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [case_handler.email]
    assert overdue.number in message.body and later.number not in message.body
    assert overdue.patient.name not in message.body and overdue.diagnosis_icd10 not in message.body


def test_the_next_run_is_tomorrow_morning_when_this_mornings_has_passed():
    from datetime import time

    now = timezone.localtime().replace(hour=9, minute=0)
    assert next_run(time(6, 30), now).date() == (now + timedelta(days=1)).date()
    assert next_run(time(10, 0), now).date() == now.date()


def test_the_daily_reminder_is_queued_once_in_the_database_backend():
    from django_tasks_db.models import DBTaskResult

    from vegvis.core.tasks import schedule_daily_tasks

    assert send_deadline_reminders.module_path in schedule_daily_tasks()
    assert schedule_daily_tasks() == []  # already waiting: not queued twice
    queued = DBTaskResult.objects.get(task_path=send_deadline_reminders.module_path)
    assert queued.run_after > timezone.now()
