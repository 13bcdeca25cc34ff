import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vegvis.core.national_id import (
    IdKind,
    NationalIdError,
    check_digits_for,
    mask,
    parse,
    synthetic_number,
)

# Published example numbers (python-stdnum's documentation and Skatteetaten's 2032 examples).
CLASSIC = "15108695088"
NEW_2032_REMAINDER_0 = "02013299997"  # born 2 January 2032, classic remainder
NEW_2032_REMAINDER_1 = "30108299939"  # born 1982, number issued under the 2032 rule with remainder 1


def test_classic_fodselsnummer_gives_birth_date_and_no_sex():
    parsed = parse(CLASSIC, allow_synthetic=False)
    assert parsed.kind == IdKind.FODSELSNUMMER
    assert parsed.birth_date == date(1986, 10, 15)
    assert not hasattr(parsed, "sex") and not hasattr(parsed, "gender")


def test_separators_and_spaces_are_ignored():
    assert parse("151086 95088", allow_synthetic=False).value == CLASSIC


def test_d_number_is_day_plus_40():
    nine = "550586" + "123"
    number = nine + check_digits_for(nine)
    parsed = parse(number, allow_synthetic=False)
    assert parsed.kind == IdKind.D_NUMBER
    assert parsed.birth_date == date(1986, 5, 15)


def test_wrong_check_digit_is_refused_with_a_message():
    with pytest.raises(NationalIdError, match="check digits"):
        parse("15108695077", allow_synthetic=False)


def test_wrong_length_is_refused():
    with pytest.raises(NationalIdError, match="11 digits"):
        parse("1510869508", allow_synthetic=False)


def test_2032_rule_accepts_remainders_one_to_three_and_gives_no_birth_date():
    parsed = parse(NEW_2032_REMAINDER_1, allow_synthetic=False)
    assert parsed.issued_from_2032
    assert parsed.birth_date is None


def test_2032_example_with_remainder_zero_validates():
    assert parse(NEW_2032_REMAINDER_0, allow_synthetic=False).value == NEW_2032_REMAINDER_0


def test_synthetic_tenor_number_needs_the_setting():
    number = synthetic_number(date(1990, 3, 4), 123)
    assert number is not None and number[2:4] == "83"
    with pytest.raises(NationalIdError, match="synthetic"):
        parse(number, allow_synthetic=False)
    parsed = parse(number, allow_synthetic=True)
    assert parsed.kind == IdKind.SYNTHETIC
    assert parsed.birth_date == date(1990, 3, 4)


def test_month_plus_40_is_synthetic_unless_declared_an_h_number():
    nine = "154586" + "123"  # month 05 + 40
    number = nine + check_digits_for(nine)
    with pytest.raises(NationalIdError, match="H-number"):
        parse(number, allow_synthetic=False)
    parsed = parse(number, allow_synthetic=False, kind=IdKind.H_NUMBER)
    assert parsed.kind == IdKind.H_NUMBER
    assert parsed.birth_date == date(1986, 5, 15)


def test_declaring_h_number_for_an_ordinary_number_is_refused():
    with pytest.raises(NationalIdError, match="not an H-number"):
        parse(CLASSIC, allow_synthetic=True, kind=IdKind.H_NUMBER)


def test_mask_shows_only_the_date_part():
    assert mask(CLASSIC) == "151086 *****"


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2031, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_every_generated_synthetic_number_validates_with_its_birth_date(birth, serial):
    number = synthetic_number(birth, serial)
    if number is None:  # a serial whose check digit would be 10 is never issued
        return
    parsed = parse(number, allow_synthetic=True)
    assert parsed.birth_date == birth
    assert parsed.kind == IdKind.SYNTHETIC


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(NationalIdError):
        parse(text, allow_synthetic=True)


@given(
    birth=st.dates(min_value=date(1940, 1, 1), max_value=date(2031, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=10),
    delta=st.integers(min_value=1, max_value=9),
)
def test_a_single_wrong_digit_is_caught(birth, serial, position, delta):
    number = synthetic_number(birth, serial)
    if number is None:
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    altered = "".join(digits)
    try:
        parsed = parse(altered, allow_synthetic=True)
    except NationalIdError:
        return
    # Under the 2032 rule a changed first check digit may still be valid; it must then be a 2032 number.
    assert parsed.issued_from_2032 or parsed.value == number
