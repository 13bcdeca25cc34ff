"""The public journal (offentleglova): a case file's registrations, newest first, with the screened parts hidden.

A system's selector narrows and loads its documents (only the public fields, and the names to screen with) and
hands them here; this pages them by a keyset cursor on (registered_on, id), so a page costs the same however long
the journal grows, and screens each correspondent again as the page is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import QuerySet

from vegvis.casework.paging import Keyset
from vegvis.records.models import CaseDocument
from vegvis.records.screening import names_someone

D = TypeVar("D", bound=CaseDocument)

PAGE_SIZE = 50

# Newest first; the cursor is "<registered_on>_<id>" (casework.paging, the one keyset paging of the code base).
JOURNAL_ORDER: Keyset[Any] = Keyset("registered_on", descending=True)


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
    rows, cursor = JOURNAL_ORDER.page(documents, after=after, limit=limit)
    for row in rows:
        if not row.correspondent_is_private and names_someone(row.correspondent, screened_names(row)):
            row.correspondent_is_private = True
    return rows, cursor
