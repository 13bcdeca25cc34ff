"""Recurring background work through the Django task API (django-tasks, database backend by default).

Modules register daily tasks here; ``vegvis worker`` makes sure each has its next run queued when it starts,
and each run queues the next, so a fresh machine needs no cron and no extra service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Daily:
    task: Any  # a django_tasks Task
    at: time


_daily: list[Daily] = []


def register_daily(task: Any, at: time) -> None:
    if all(d.task.module_path != task.module_path for d in _daily):
        _daily.append(Daily(task, at))


def next_run(at: time, now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def queue_next(task: Any, at: time) -> bool:
    """Queue the task's next daily run unless one is already waiting. Returns whether one was queued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists()
    if waiting:
        return False
    task.using(run_after=next_run(at)).enqueue()
    return True


def schedule_daily_tasks() -> list[str]:
    """Called when the worker starts: every registered daily task has its next run queued."""
    return [d.task.module_path for d in _daily if queue_next(d.task, d.at)]
