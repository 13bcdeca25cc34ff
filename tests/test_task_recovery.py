"""Tasks claimed by a worker that died: queued again while tries are left, then failed and shown to the system
administrator. The reminder run, repeated the same day, mails nobody twice. (The kill -9 of a real worker process
is in test_worker_recovery.py, on PostgreSQL.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from vegvis.abroad.services import cases
from vegvis.abroad.tasks import send_deadline_reminders
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.audit.tasks import verify_audit_chain
from vegvis.core.models import WorkerHeartbeat
from vegvis.core.tasks import recover_stale_tasks, worker_beat

pytestmark = pytest.mark.django_db


def _claimed(task, *workers: str, minutes_ago: int = 10) -> DBTaskResult:
    """A task as django-tasks-db leaves it when a worker claims it: RUNNING, with the claiming workers' ids."""
    result = DBTaskResult.objects.get(pk=task.enqueue().id)
    result.status = TaskResultStatus.RUNNING
    result.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    result.worker_ids = list(workers)
    result.save()
    return result


def test_a_task_whose_worker_stopped_beating_is_queued_again(settings):
    settings.VEGVIS_WORKER_STALE_SECONDS = 120
    dead = _claimed(send_deadline_reminders, "dead-worker")
    WorkerHeartbeat.objects.create(
        worker_id="dead-worker",
        started_at=timezone.now() - timedelta(hours=1),
        beat_at=timezone.now() - timedelta(minutes=5),
    )
    alive = _claimed(verify_audit_chain, "live-worker")
    worker_beat("live-worker")

    recovery = recover_stale_tasks()

    assert recovery.requeued == [send_deadline_reminders.module_path] and recovery.failed == []
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()  # the next worker takes it
    assert alive.status == TaskResultStatus.RUNNING  # its worker lives: left alone


def test_a_task_just_claimed_is_left_alone_before_its_workers_first_beat():
    fresh = _claimed(send_deadline_reminders, "starting-worker", minutes_ago=0)

    assert recover_stale_tasks().requeued == []
    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING


def test_after_the_last_try_the_task_fails_and_the_system_administrator_is_shown_it(
    settings, sysadmin, login, norwegian_catalogue
):
    settings.VEGVIS_TASK_MAX_ATTEMPTS = 3
    lost = _claimed(send_deadline_reminders, "w1", "w2", "w3")

    recovery = recover_stale_tasks()

    assert recovery.failed == [send_deadline_reminders.module_path]
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path == "vegvis.core.tasks.WorkerLost"
    page = login(sysadmin).get(reverse("core:home")).content.decode()
    assert "Disse bakgrunnsjobbene feilet de siste 30 dagene:" in page
    assert "send_deadline_reminders feilet" in page and "WorkerLost (forsøk: 3)" in page


def test_the_system_administrator_is_told_when_no_task_failed(sysadmin, login, norwegian_catalogue):
    page = login(sysadmin).get(reverse("core:home")).content.decode()
    assert "Ingen bakgrunnsjobber har feilet de siste 30 dagene." in page


def test_the_reminder_run_repeated_the_same_day_mails_nobody_twice(case_handler, make_user):
    other = make_user("case_handler", office="ous", username="other.handler", email="other@example.org")
    for handler in (case_handler, other):
        case = make_case(received=timezone.localdate() - timedelta(days=45))
        cases.case_update(actor=OPERATOR, case=case, version=case.version, handler=handler)

    assert send_deadline_reminders.call() == 2
    assert send_deadline_reminders.call() == 0  # the same day again: a worker died after the run had begun

    assert sorted(m.to[0] for m in mail.outbox) == sorted([case_handler.email, "other@example.org"])
