"""Keyset paging: page after page gives every row once, in the list's order, for any data and page size."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.casework.paging import Keyset
from vegvis.core.models import ExchangeRate, PowerOfAttorney
from vegvis.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
DB = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=25)
START = date(2024, 1, 31)
CURRENCIES = ["EUR", "USD", "SEK", "DKK"]

VALID_UNTIL: Keyset[PowerOfAttorney] = Keyset("valid_until")  # may be empty: rows without a date come last
NEWEST_RATE: Keyset[ExchangeRate] = Keyset("date", descending=True)  # never empty


def walk(keyset: Keyset, queryset, limit: int) -> list[int]:
    """The ids of every page, following each page's cursor to the end."""
    seen: list[int] = []
    cursor = None
    for _page in range(1000):
        rows, cursor = keyset.page(queryset, after=cursor, limit=limit)
        seen.extend(row.pk for row in rows)
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


@DB
@given(days=st.lists(st.none() | st.integers(min_value=0, max_value=5), max_size=14), limit=st.integers(1, 5))
def test_ascending_pages_give_every_row_once_earliest_first_and_empty_ones_last(days, limit):
    PowerOfAttorney.objects.all().delete()
    person = PersonFactory()
    for offset in days:
        PowerOfAttorney.objects.create(
            person=person,
            representative_name="R",
            scope="Alt",
            signed_on=START,
            valid_until=None if offset is None else START + timedelta(days=offset),
        )
    rows = PowerOfAttorney.objects.all()

    expected = [p.pk for p in sorted(rows, key=lambda p: (p.valid_until is None, p.valid_until or START, p.pk))]
    assert walk(VALID_UNTIL, rows, limit) == expected


@DB
@given(rates=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(CURRENCIES)), max_size=14), limit=st.integers(1, 5))
def test_descending_pages_give_every_row_once_newest_first(rates, limit):
    ExchangeRate.objects.all().delete()
    for offset, currency in set(rates):
        ExchangeRate.objects.create(currency=currency, date=START + timedelta(days=offset), nok_per_unit=Decimal(10))
    rows = ExchangeRate.objects.all()

    expected = [r.pk for r in sorted(rows, key=lambda r: (r.date, r.pk), reverse=True)]
    assert walk(NEWEST_RATE, rows, limit) == expected


def test_a_column_that_cannot_be_empty_is_ordered_as_its_index_serves_it():
    sql = str(NEWEST_RATE.order(NEWEST_RATE.after(ExchangeRate.objects.all(), (START, 7))).query)
    assert "NULLS" not in sql.upper() and "IS NULL" not in sql.upper()
    assert "NULLS LAST" in str(VALID_UNTIL.order(PowerOfAttorney.objects.all()).query).upper()


def test_the_cursor_names_the_last_row_by_its_value_and_id():
    rate = ExchangeRate(pk=17, currency="EUR", date=START, nok_per_unit=Decimal(10))
    open_ended = PowerOfAttorney(pk=5, valid_until=None)

    assert NEWEST_RATE.cursor(rate) == "2024-01-31_17"
    assert VALID_UNTIL.cursor(open_ended) == "-_5"
    assert NEWEST_RATE.parse("2024-01-31_17") == (START, 17)
    assert VALID_UNTIL.parse("-_5") == (None, 5)


@pytest.mark.parametrize("text", [None, "", "x", "_", "2024-13-01_4", "2024-01-31_x", "2024-01-31", "-_", "<script>_1"])
def test_a_cursor_that_cannot_be_read_gives_the_first_page(text):
    assert NEWEST_RATE.parse(text) is None


def test_only_dates_times_and_numbers_can_order_a_page():
    with pytest.raises(ValueError, match="not supported"):
        Keyset("name", kind=str)
    assert Keyset("version", kind=int).parse("12_3") == (12, 3)
