"""The public journal's paging and screening, over any system's documents."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from vegvis.records import journal
from vegvis.records.tests.dossier import Dossier, DossierDocument

pytestmark = pytest.mark.usefixtures("dossier_tables")

DAY = date(2026, 3, 2)


def make_documents(count: int, *, days: int = 3) -> list[DossierDocument]:
    """``count`` documents spread over ``days`` registration days, several on each day."""
    case = Dossier.objects.create(number="2026/0001")
    return [
        DossierDocument.objects.create(
            case=case,
            sequence=n,
            number=f"2026/0001-{n}",
            kind="letter",
            direction="I",
            title="Brev",
            public_title="Brev – ******",
            document_date=DAY,
            registered_on=DAY + timedelta(days=n % days),
            correspondent=f"Avsender {n}",
            correspondent_is_private=False,
        )
        for n in range(1, count + 1)
    ]


def no_names(row: DossierDocument) -> list[str]:
    return []


def test_the_pages_walk_the_whole_journal_newest_first_without_gaps_or_repeats():
    documents = make_documents(11)
    expected = sorted(documents, key=lambda d: (d.registered_on, d.pk), reverse=True)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        rows, cursor = journal.journal_page(
            DossierDocument.objects.all(), screened_names=no_names, after=cursor, limit=4
        )
        seen += [row.pk for row in rows]
        pages += 1
        if cursor is None:
            break
    assert seen == [d.pk for d in expected]
    assert pages == 3


def test_a_last_page_that_is_exactly_full_has_a_cursor_to_an_empty_page():
    make_documents(4)
    rows, cursor = journal.journal_page(DossierDocument.objects.all(), screened_names=no_names, limit=4)
    assert len(rows) == 4 and cursor is not None
    assert journal.journal_page(DossierDocument.objects.all(), screened_names=no_names, after=cursor) == ([], None)


@pytest.mark.parametrize("cursor", [None, "", "x", "2026-13-01_5", "2026-03-02_x", "_", "2026-03-02"])
def test_a_missing_or_malformed_cursor_gives_the_first_page(cursor):
    documents = make_documents(3)
    rows, _next = journal.journal_page(DossierDocument.objects.all(), screened_names=no_names, after=cursor)
    assert [row.pk for row in rows] == [
        d.pk for d in sorted(documents, key=lambda d: (d.registered_on, d.pk), reverse=True)
    ]


def test_the_cursor_names_the_last_row():
    document = make_documents(1)[0]
    assert journal.JOURNAL_ORDER.cursor(document) == f"{document.registered_on.isoformat()}_{document.pk}"
    assert journal.JOURNAL_ORDER.parse(journal.JOURNAL_ORDER.cursor(document)) == (document.registered_on, document.pk)


def test_a_correspondent_naming_someone_is_screened_on_the_page_and_never_saved():
    documents = make_documents(2)
    named = documents[0]
    named.correspondent = "NORDMANN, KARI"
    named.save()
    rows, _next = journal.journal_page(
        DossierDocument.objects.all(), screened_names=lambda row: ["Kari Nordmann"], limit=10
    )
    flags = {row.pk: row.correspondent_is_private for row in rows}
    assert flags == {named.pk: True, documents[1].pk: False}
    named.refresh_from_db()
    assert named.correspondent_is_private is False  # what was stored stays; the page screens
