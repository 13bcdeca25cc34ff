"""Property tests for money: conversion to NOK, Norges Bank's numbers and CSV files, and the rate of a day.

Money is Decimal throughout; these check the rules for every amount and rate hypothesis can think of, and that
a rate file of any content is either imported whole or refused whole, with the problem named, never a crash.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vegvis.core import rates
from vegvis.core.models import ExchangeRate

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
RATES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("999.99999999"), places=8)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
DB = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=60)

HEADER = "BASE_CUR;QUOTE_CUR;UNIT_MULT;TIME_PERIOD;OBS_VALUE"


@given(AMOUNTS, RATES)
def test_conversion_is_whole_ore_and_within_half_an_ore_of_the_exact_product(amount, rate):
    converted = rates.to_nok(amount, rate)

    assert converted.as_tuple().exponent == -2
    assert abs(converted - amount * rate) <= Decimal("0.005")


@given(AMOUNTS, AMOUNTS, RATES)
def test_conversion_keeps_order_and_splits_add_up_to_the_ore(a, b, rate):
    low, high = sorted((a, b))
    assert rates.to_nok(low, rate) <= rates.to_nok(high, rate)
    assert abs(rates.to_nok(a + b, rate) - (rates.to_nok(a, rate) + rates.to_nok(b, rate))) <= Decimal("0.01")


@given(AMOUNTS)
def test_nok_converts_to_itself(amount):
    assert rates.to_nok(amount, Decimal(1)) == amount


def _english(value: Decimal) -> str:
    return f"{value:,}"


def _norwegian(value: Decimal, separator: str) -> str:
    whole, _dot, fraction = f"{value:,}".partition(".")
    return whole.replace(",", separator) + "," + fraction


@given(
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999999.9999"), places=4),
    st.sampled_from(["plain", "english", "norwegian space", "norwegian nbsp"]),
)
def test_norges_banks_numbers_read_the_same_in_english_and_norwegian(value, style):
    text = {
        "plain": str(value),
        "english": _english(value),
        "norwegian space": _norwegian(value, " "),
        "norwegian nbsp": _norwegian(value, "\u00a0"),
    }[style]

    assert rates.parse_decimal(f" {text} ") == value


def _line(currency: str, multiplier: int, day: date, value: str) -> str:
    return f"{currency};NOK;{multiplier};{day.isoformat()};{value}"


@pytest.mark.django_db
@DB
@given(st.text(max_size=400))
def test_any_text_as_a_rate_file_is_imported_whole_or_refused_with_a_reason(text):
    before = ExchangeRate.objects.count()
    try:
        result = rates.rates_import(text)
    except rates.RateFileError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        assert ExchangeRate.objects.count() == before
    else:
        assert ExchangeRate.objects.count() == before + result.created


ODD_FIELDS = st.one_of(
    st.text(alphabet='0123456789.,-+eE abcNaInfty\u00a0;"', max_size=14),
    st.sampled_from(["NaN", "Infinity", "-1", "0", "1E+400", "1e-30", "99999999999999999", "-2", "40", "999999"]),
)
GOOD_LINES = st.lists(
    st.tuples(
        st.sampled_from(["EUR", "SEK", "USD", "DKK", "JPY"]),
        st.sampled_from([0, 2]),
        DAYS,
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999.9999"), places=4),
    ),
    max_size=6,
    unique_by=lambda row: (row[0], row[2]),
)


@pytest.mark.django_db
@DB
@given(good=GOOD_LINES, odd=st.lists(st.tuples(st.integers(0, 4), ODD_FIELDS), max_size=2))
def test_a_file_is_imported_whole_with_every_rate_positive_and_finite_or_refused_whole(good, odd):
    """Good lines, and lines with one odd field (a rate of NaN, Infinity, zero, a unit multiplier of 999999…)."""
    lines = [_line(c, m, d, str(v)) for c, m, d, v in good]
    for position, value in odd:
        fields = _line("EUR", 0, date(2020, 1, 2), "10.5").split(";")
        fields[position] = value
        lines.append(";".join(fields))
    before = set(ExchangeRate.objects.values_list("currency", "date", "nok_per_unit"))

    try:
        rates.rates_import("\n".join([HEADER, *lines]))
    except rates.RateFileError as error:
        assert error.problems
        assert set(ExchangeRate.objects.values_list("currency", "date", "nok_per_unit")) == before
        return
    stored = {(c, d): v for c, d, v in ExchangeRate.objects.values_list("currency", "date", "nok_per_unit")}
    for currency, multiplier, day, value in good:
        if (currency, day) != ("EUR", date(2020, 1, 2)):
            assert stored[(currency, day)] == value / 10**multiplier
    assert all(v.is_finite() and Decimal(0) < v < Decimal(10) ** 10 for v in stored.values())


@pytest.mark.django_db
@DB
@given(
    value=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999.9999"), places=4),
    day=DAYS,
    asked_after=st.integers(min_value=0, max_value=rates.MAX_RATE_AGE_DAYS + 3),
    amount=AMOUNTS,
)
def test_a_rate_quoted_per_hundred_converts_per_unit_on_its_day_and_a_week_after(value, day, asked_after, amount):
    ExchangeRate.objects.filter(currency="SEK").delete()
    rates.rates_import(f"{HEADER}\n{_line('SEK', 2, day, str(value))}")
    asked = day + timedelta(days=asked_after)

    if asked_after > rates.MAX_RATE_AGE_DAYS:
        with pytest.raises(rates.RateMissing):
            rates.rate_on("SEK", asked)
        return
    rate = rates.rate_on("sek", asked)
    assert rate == value / 100
    assert rates.to_nok(amount, rate) == (amount * value / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.django_db
@DB
@given(day=DAYS, older=st.integers(min_value=1, max_value=rates.MAX_RATE_AGE_DAYS))
def test_the_closest_earlier_rate_is_used(day, older):
    assume(day - timedelta(days=older) >= date(2000, 1, 1))
    ExchangeRate.objects.filter(currency="EUR").delete()
    ExchangeRate.objects.create(currency="EUR", date=day - timedelta(days=older), nok_per_unit=Decimal("11"))
    ExchangeRate.objects.create(currency="EUR", date=day + timedelta(days=1), nok_per_unit=Decimal("12"))

    assert rates.rate_on("EUR", day) == Decimal("11")
