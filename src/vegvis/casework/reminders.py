"""Reminder mail: each case handler's cases that are due soon, mailed once however often the task runs.

A system's daily task picks its open cases and writes the mail (what it may say: case numbers, what is due and
links, never names or health information); this groups the cases per handler and sends each mail once, recorded
by a key (``core.SentNotice``) so a run repeated after its worker died sends only what was not sent yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Model, QuerySet

from vegvis.casework.worklists import due_within
from vegvis.core.models import SentNotice

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Handler:
    pk: int
    email: str


@dataclass(frozen=True)
class Reminder:
    """One mail to send once: ``key`` names what it is (e.g. a day's reminder to one handler)."""

    key: str
    to: str
    subject: str
    body: str


def due_per_handler(queryset: QuerySet[M], *, today: date, days: int) -> Iterator[tuple[Handler, list[M]]]:
    """Each active handler with an e-mail address and their cases of ``queryset`` due within ``days`` or
    overdue, earliest first. The cases need ``handler`` (a user) and ``due_on``; read in chunks."""
    due = (
        due_within(queryset, today=today, days=days)
        .filter(handler__isnull=False, handler__is_active=True)
        .exclude(handler__email="")
        .select_related("handler")
        .order_by("handler_id", "due_on", "id")
    )
    per_handler: dict[Handler, list[M]] = defaultdict(list)
    for case in due.iterator(chunk_size=2000):
        handler: Any = case.handler  # type: ignore[attr-defined]
        per_handler[Handler(handler.pk, handler.email)].append(case)
    yield from per_handler.items()


def send_once(reminders: Iterable[Reminder]) -> int:
    """Send each reminder whose key was not sent before; returns how many were sent.

    The record and the mail go together: a mail that fails takes its record back, so the next run tries it
    again. Only a worker dying between the mail server's acceptance and the commit can send one twice."""
    sent = 0
    with get_connection() as mailer:
        for reminder in reminders:
            with transaction.atomic():
                _notice, new = SentNotice.objects.get_or_create(key=reminder.key)
                if new:
                    EmailMessage(
                        reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, [reminder.to], connection=mailer
                    ).send()
                    sent += 1
    return sent
