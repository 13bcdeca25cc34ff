"""``vegvis worker``: run background tasks (deadline scans, reminders, mail, long exports).

A thin name for django-tasks-db's ``db_worker``; a larger installation may switch the backend in TASKS.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker."
    access_permission = ""  # runs no user's request; the tasks it runs audit their own writes

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue-name", default="*", help="queue to take tasks from (default: all)")
        parser.add_argument("--batch", action="store_true", help="run the tasks that are due, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        from vegvis.core.tasks import schedule_daily_tasks

        for path in schedule_daily_tasks():
            self.stdout.write(f"queued the next daily run of {path}")
        arguments = ["--queue-name", options["queue_name"], "--interval", str(options["interval"])]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
