"""The public journal (offentleglova): a case file's registrations, newest first, with the screened parts hidden.

A system's selector narrows and loads its documents (only the public fields, and the names to screen with) and
hands them here; this pages them by a keyset cursor on (registered_on, id), so a page costs the same however long
the journal grows, and screens each correspondent again as the page is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from django.db.models import Q, QuerySet

from vegvis.records.models import CaseDocument
from vegvis.records.screening import names_someone

D = TypeVar("D", bound=CaseDocument)

PAGE_SIZE = 50


def cursor_for(document: CaseDocument) -> str:
    """The cursor that continues after ``document``: "<registered_on>_<id>"."""
    return f"{document.registered_on.isoformat()}_{document.pk}"


def parse_cursor(text: str | None) -> tuple[date, int] | None:
    """The (registered_on, id) a cursor names, or None for a missing or malformed one (the first page)."""
    if not text or "_" not in text:
        return None
    day_text, _sep, id_text = text.partition("_")
    try:
        return date.fromisoformat(day_text), int(id_text)
    except ValueError:
        return None


def journal_page(
    documents: QuerySet[D],
    *,
    screened_names: Callable[[D], Iterable[str]],
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[D], str | None]:
    """One page of the journal and the cursor of the next (None on the last page).

    A row whose correspondent names anyone ``screened_names(row)`` gives, in any case or word order, is shown as
    private whatever was stored (see screening.py); the flag is changed on the row for this page only, never saved.
    """
    position = parse_cursor(after)
    if position is not None:
        day, last_id = position
        documents = documents.filter(Q(registered_on__lt=day) | Q(registered_on=day, id__lt=last_id))
    rows = list(documents.order_by("-registered_on", "-id")[:limit])
    for row in rows:
        if not row.correspondent_is_private and names_someone(row.correspondent, screened_names(row)):
            row.correspondent_is_private = True
    return rows, (cursor_for(rows[-1]) if len(rows) == limit else None)
