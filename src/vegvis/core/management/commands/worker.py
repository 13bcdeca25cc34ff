"""``vegvis worker``: run background tasks (deadline scans, reminders, mail, long exports).

A thin name for django-tasks-db's ``db_worker``, plus what it lacks: a heartbeat, and the recovery of tasks
whose worker died while running them (core/tasks.py). A larger installation may switch the backend in TASKS.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background task worker."
    access_permission = ""  # runs no user's request; the tasks it runs audit their own writes

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue-name", default="*", help="queue to take tasks from (default: all)")
        parser.add_argument("--batch", action="store_true", help="run the tasks that are due, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        from vegvis.core.tasks import recover_stale_tasks, schedule_daily_tasks, worker_beat, worker_gone

        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
        worker_beat(worker_id)
        recovery = recover_stale_tasks()
        for path in recovery.requeued:
            self.stdout.write(f"queued again (its worker stopped): {path}")
        for path in recovery.failed:
            self.stderr.write(f"failed (its worker stopped too many times): {path}")
        for path in schedule_daily_tasks():
            self.stdout.write(f"queued the next daily run of {path}")
        stop = threading.Event()
        beating = threading.Thread(target=_beat, args=(worker_id, stop), name="vegvis-worker-heartbeat", daemon=True)
        beating.start()
        arguments = ["--queue-name", options["queue_name"], "--interval", str(options["interval"])]
        if options["batch"]:
            arguments.append("--batch")
        try:
            call_command("db_worker", *arguments, "--worker-id", worker_id)
        finally:
            stop.set()
            beating.join(timeout=settings.VEGVIS_WORKER_HEARTBEAT_SECONDS + 5)
            worker_gone(worker_id)


def _beat(worker_id: str, stop: threading.Event) -> None:
    """Beat, and recover other workers' stale tasks, until the worker stops (its own database connection)."""
    from vegvis.core.tasks import recover_stale_tasks, worker_beat

    try:
        while not stop.wait(settings.VEGVIS_WORKER_HEARTBEAT_SECONDS):
            try:
                worker_beat(worker_id)
                recover_stale_tasks()
            except Exception:
                logger.exception("worker heartbeat failed; trying again")
                connections.close_all()
    finally:
        connections.close_all()
