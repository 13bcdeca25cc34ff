"""Worklists: open cases, what is due first. For a case model that stores its next due date in ``due_on``
(recomputed by every service that changes the case, so the list sorts by an index instead of computing).

A system filters its cases (visibility, office, category) and hands the queryset here for the order and the
page; the cursor of the next page is ``DUE_FIRST.next_cursor(rows, limit)``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from vegvis.casework.paging import Keyset, Position

M = TypeVar("M", bound=Model)

# Earliest due date first, cases with nothing due last; the id breaks ties (and is the cursor's second half).
DUE_FIRST: Keyset[Any] = Keyset("due_on")


def due_first(queryset: QuerySet[M], *, after: Position | None, limit: int) -> list[M]:
    """The first ``limit`` cases after the position ``after`` (None: the first page), earliest due first."""
    return DUE_FIRST.rows(queryset, after, limit)


def due_within(queryset: QuerySet[M], *, today: date, days: int) -> QuerySet[M]:
    """The cases due within ``days`` of ``today``, or overdue."""
    return queryset.filter(due_on__lte=today + timedelta(days=days))
