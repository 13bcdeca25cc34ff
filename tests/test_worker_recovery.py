"""A worker killed in the middle of the reminder run: the next worker finds the task, runs it, mails go once.

Real processes on the real PostgreSQL test database: ``vegvis worker`` in a subprocess, made to stop inside the
task by a row this test holds locked, killed with SIGKILL, then a second worker started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from email import message_from_string
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from vegvis.abroad.services import cases
from vegvis.abroad.tasks import reminder_key, send_deadline_reminders
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.core.models import SentNotice

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The worker as ``vegvis worker`` runs it, on this test's database, with mail written to files this test reads.
WORKER = """
import sys
import django
from django.conf import settings

settings.DATABASES["default"]["NAME"] = sys.argv[1]
settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = sys.argv[2]
django.setup()
from django.core.management import call_command

call_command("worker", "--interval", "0.1", *sys.argv[3:])
"""


def _start_worker(tmp_path: Path, name: str, *arguments: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vegvis.test_settings",
        "VEGVIS_WORKER_HEARTBEAT_SECONDS": "0.2",
        "VEGVIS_WORKER_STALE_SECONDS": "1",
    }
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER, connection.settings_dict["NAME"], str(tmp_path / "mail"), *arguments],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for(condition: Callable[[], bool], what: str, worker: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _mails_to(directory: Path) -> list[str]:
    recipients = []
    for file in sorted(directory.glob("*.log")):
        for chunk in file.read_text().split("-" * 79):
            if chunk.strip():
                recipients.append(message_from_string(chunk.strip())["To"])
    return recipients


def test_a_reminder_run_whose_worker_is_killed_is_finished_by_the_next_worker_and_mails_once(make_user, tmp_path):
    first = make_user("case_handler", office="ous", username="first.handler", email="first@example.org")
    second = make_user("case_handler", office="ous", username="second.handler", email="second@example.org")
    assert first.pk < second.pk  # the run mails handlers in this order
    for handler in (first, second):
        case = make_case(received=timezone.localdate() - timedelta(days=45))
        cases.case_update(actor=OPERATOR, case=case, version=case.version, handler=handler)
    result = send_deadline_reminders.enqueue()

    # Hold the second handler's "sent" record uncommitted: the run mails the first handler, then waits on it.
    settings_dict = connection.settings_dict
    blocker = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or None,
    )
    blocker.execute(
        "INSERT INTO core_sentnotice (key, sent_at) VALUES (%s, now())",
        [reminder_key(timezone.localdate(), second.pk)],
    )
    doomed = _start_worker(tmp_path, "first-worker")
    try:
        _wait_for(
            lambda: SentNotice.objects.filter(key=reminder_key(timezone.localdate(), first.pk)).exists(),
            "the first mail",
            doomed,
        )

        def waits_on_the_blocker() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                    " AND query LIKE %s",
                    [settings_dict["NAME"], "%core_sentnotice%"],
                )
                return cursor.fetchone()[0] == 1

        _wait_for(waits_on_the_blocker, "the run to wait on the second handler's record", doomed)
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
        blocker.rollback()
        blocker.close()

    assert _mails_to(tmp_path / "mail") == ["first@example.org"]
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == TaskResultStatus.RUNNING  # what django-tasks-db alone leaves behind for ever

    time.sleep(1.5)  # the dead worker's heartbeat goes stale (VEGVIS_WORKER_STALE_SECONDS=1 here)
    successor = _start_worker(tmp_path, "second-worker", "--batch")
    assert successor.wait(timeout=180) == 0, (tmp_path / "second-worker.log").read_text()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL, task.traceback
    assert len(task.worker_ids) == 2 and task.worker_ids[0] != task.worker_ids[1]
    assert task.return_value == 1  # the second run sent only the mail the first had not
    assert sorted(_mails_to(tmp_path / "mail")) == ["first@example.org", "second@example.org"]
    assert set(SentNotice.objects.values_list("key", flat=True)) == {
        reminder_key(timezone.localdate(), user.pk) for user in (first, second)
    }
