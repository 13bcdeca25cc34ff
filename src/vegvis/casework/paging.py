"""Keyset paging: long lists (worklists, journals, the API's lists) page by the last row shown, not by an offset.

A page is the first ``limit`` rows after a position, in the order of one column and then the id; the next page's
cursor names the position of the last row. A page costs one index range scan however deep in the list it is, and
nothing is counted. The cursor is opaque to its users ("<value>_<id>", "-" for a row without a value); a cursor
that cannot be read gives the first page.

    WORKLIST = Keyset("due_on")                      # earliest first, rows without a date last
    rows, cursor = WORKLIST.page(queryset, after=request.GET.get("etter"), limit=50)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Model, Q, QuerySet

M = TypeVar("M", bound=Model)
Value = date | datetime | int
Position = tuple[Any, int]  # (the sort column's value or None, the row's id)

_READERS: dict[type, Callable[[str], Any]] = {
    date: date.fromisoformat,
    datetime: datetime.fromisoformat,
    int: int,
}
NO_VALUE = "-"
MAX_ID = 2**63 - 1  # the largest id a (big) integer column holds


@dataclass(frozen=True)
class Keyset(Generic[M]):
    """A list ordered by ``field`` (a column of the model; a date unless ``kind`` says otherwise) and then the id.

    ``descending`` lists the newest first. Rows whose ``field`` is empty (NULL) come after all others either way;
    for a column that cannot be empty the order is the plain one an index on (field, id) serves in both
    directions."""

    field: str
    descending: bool = False
    kind: type = date

    def __post_init__(self) -> None:
        if self.kind not in _READERS:
            raise ValueError(f"keyset paging by {self.kind.__name__} is not supported")

    # ------------------------------------------------------------ cursors

    def cursor(self, row: Model) -> str:
        value = getattr(row, self.field)
        return f"{NO_VALUE if value is None else _text(value)}_{row.pk}"

    def parse(self, text: str | None) -> Position | None:
        """The position a cursor names; None (the first page) for a missing or unreadable one."""
        if not text or "_" not in text:
            return None
        value_text, _sep, id_text = text.rpartition("_")
        try:
            value = None if value_text == NO_VALUE else _READERS[self.kind](value_text)
            row_id = int(id_text)
        except ValueError:
            return None
        if not 0 <= row_id <= MAX_ID or (isinstance(value, int) and not -MAX_ID <= value <= MAX_ID):
            return None  # no row has it, and the database would refuse the number (a 500, not a page)
        return value, row_id

    def next_cursor(self, rows: Sequence[Model], limit: int) -> str | None:
        """The cursor of the page after ``rows``, or None when they are the last page (fewer than ``limit``)."""
        return self.cursor(rows[-1]) if rows and len(rows) >= limit else None

    # ------------------------------------------------------------ queries

    def order(self, queryset: QuerySet[M]) -> QuerySet[M]:
        last_id = "-id" if self.descending else "id"
        if not self._nullable(queryset):
            return queryset.order_by(f"-{self.field}" if self.descending else self.field, last_id)
        column = F(self.field).desc(nulls_last=True) if self.descending else F(self.field).asc(nulls_last=True)
        return queryset.order_by(column, last_id)

    def after(self, queryset: QuerySet[M], position: Position | None) -> QuerySet[M]:
        """The rows after ``position`` in this order (all of them for None); not yet ordered."""
        if position is None:
            return queryset
        value, last_id = position
        beyond = "lt" if self.descending else "gt"
        if value is None:
            return queryset.filter(**{f"{self.field}__isnull": True, f"id__{beyond}": last_id})
        later = Q(**{f"{self.field}__{beyond}": value}) | Q(**{self.field: value, f"id__{beyond}": last_id})
        if self._nullable(queryset):
            later |= Q(**{f"{self.field}__isnull": True})
        return queryset.filter(later)

    def rows(self, queryset: QuerySet[M], position: Position | None, limit: int) -> list[M]:
        """The first ``limit`` rows after ``position``."""
        return list(self.order(self.after(queryset, position))[:limit])

    def page(self, queryset: QuerySet[M], *, after: str | None, limit: int) -> tuple[list[M], str | None]:
        """One page after the cursor ``after`` and the cursor of the next (None on the last page)."""
        rows = self.rows(queryset, self.parse(after), limit)
        return rows, self.next_cursor(rows, limit)

    def _nullable(self, queryset: QuerySet[M]) -> bool:
        try:
            return bool(queryset.model._meta.get_field(self.field).null)
        except FieldDoesNotExist:
            return True  # an annotation: assume it can be empty


def _text(value: Value) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)
