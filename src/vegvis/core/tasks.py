"""Recurring background work through the Django task API (django-tasks, database backend by default).

Modules register daily tasks here; ``vegvis worker`` makes sure each has its next run queued when it starts,
and each run queues the next, so a fresh machine needs no cron and no extra service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


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


# -- workers that die mid-task
#
# django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker killed
# (OOM, kill -9, a lost machine) leaves it running for ever and its work undone. Each ``vegvis worker`` therefore
# beats (core.WorkerHeartbeat) while it lives; a running task whose worker has stopped beating is queued again,
# and after VEGVIS_TASK_MAX_ATTEMPTS tries it is failed with WorkerLost, which the system administrator's home
# panel shows. Tasks must be safe to run again (the reminder mail records what it sent: core.SentNotice).


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished, too many times."""


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def worker_beat(worker_id: str) -> None:
    """Record that the worker lives (on start and every VEGVIS_WORKER_HEARTBEAT_SECONDS)."""
    from vegvis.core.models import WorkerHeartbeat

    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now):
        WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=now, beat_at=now)


def worker_gone(worker_id: str) -> None:
    """A worker that stops cleanly takes its heartbeat with it; one that dies leaves it to go stale."""
    from vegvis.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover_stale_tasks(now: datetime | None = None) -> Recovery:
    """Queue again each running task whose worker stopped beating; fail it after the last allowed try."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from vegvis.core.models import WorkerHeartbeat

    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.VEGVIS_WORKER_STALE_SECONDS)
    recovery = Recovery()
    with transaction.atomic():
        alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=stale_before).values_list("worker_id", flat=True))
        # A claim is never older than its worker's last beat, so a task claimed within the window is left alone
        # even when its worker has not written its first beat yet.
        claims = DBTaskResult.objects.running().filter(started_at__lt=stale_before).select_for_update(skip_locked=True)
        for result in claims:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            if len(result.worker_ids) < settings.VEGVIS_TASK_MAX_ATTEMPTS:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                recovery.requeued.append(result.task_path)
                logger.warning("task %s (%s): its worker stopped; queued again", result.id, result.task_path)
                continue
            error = WorkerLost(
                f"The worker stopped before the task finished, {len(result.worker_ids)} times "
                f"(workers {', '.join(result.worker_ids)})."
            )
            result.status = TaskResultStatus.FAILED
            result.finished_at = now
            result.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            result.traceback = f"{result.exception_class_path}: {error}\n"
            result.return_value = None
            result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback", "return_value"])
            recovery.failed.append(result.task_path)
            logger.error("task %s (%s): %s Marked failed.", result.id, result.task_path, error)
    return recovery


def failed_tasks(days: int = 30) -> Any:
    """Background tasks that failed in the last ``days`` days, newest first (the system administrator's panel)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - timedelta(days=days)
    return (
        DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__gte=since)
        .order_by("-finished_at")
        .only("id", "task_path", "finished_at", "exception_class_path", "worker_ids")
    )
