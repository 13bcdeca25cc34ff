"""Money as people in Norway type it (issue 11): "412345,50" once became 41 234 550 SEK in a type=number field.

Property tests: every amount shown the Norwegian way reads back as itself, whichever of the usual ways it is
typed; text that could mean two amounts is refused with a message, never guessed. And every money field of every
form in Vegvis is the one shared field, so no page can bring the number box back.
"""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vegvis.core.amounts import AmountError, format_amount, parse_amount
from vegvis.core.forms import AmountField, AmountInput

AMOUNTS = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("999999999999.99"), places=2)
SPACES = st.sampled_from([" ", "\u00a0", "\u202f"])


def group(whole: str, separator: str) -> str:
    head = len(whole) % 3 or 3
    return separator.join([whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))])


@given(AMOUNTS)
def test_an_amount_shown_the_norwegian_way_reads_back_as_itself(amount):
    shown = format_amount(amount)
    assert "." not in shown and shown.endswith("," + f"{amount:.2f}"[-2:])
    assert parse_amount(shown) == amount


@given(AMOUNTS, SPACES, st.sampled_from([",", "."]), st.booleans())
def test_every_usual_way_of_typing_an_amount_means_the_same(amount, space, decimal_sign, grouped):
    whole, decimals = f"{amount:.2f}".split(".")
    typed = f"{group(whole, space) if grouped else whole}{decimal_sign}{decimals}"
    assert parse_amount(typed) == amount
    assert parse_amount(f"{group(whole, '.')},{decimals}") == amount  # 412.345,50
    assert parse_amount(f"  {typed} kr ") == amount


@given(AMOUNTS)
def test_whole_kroner_may_be_typed_without_decimals(amount):
    whole = f"{amount:.2f}".split(".")[0]
    assert parse_amount(group(whole, " ")) == Decimal(whole)
    assert parse_amount(f"{group(whole, ' ')},-") == Decimal(whole)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("412 345,50", "412345.50"),
        ("412345,50", "412345.50"),
        ("412345.50", "412345.50"),
        ("412\u00a0345,50", "412345.50"),
        ("412\u202f345,50", "412345.50"),
        ("412.345,50", "412345.50"),
        ("412 345", "412345"),
        ("1.234.567", "1234567"),
        ("412345,5", "412345.50"),
        ("kr 850 000", "850000"),
        ("850 000 NOK", "850000"),
        ("0,50", "0.50"),
    ],
)
def test_the_ways_the_issue_names_are_read_as_a_norwegian_reader_means_them(typed, meant):
    assert parse_amount(typed) == Decimal(meant)


@pytest.mark.parametrize(
    ("typed", "because"),
    [
        ("1,234,567", "comma only as the decimal sign"),
        ("412,345.50", "comma only as the decimal sign"),
        ("412.345", "could mean two amounts"),
        ("412,345", "at most two decimals"),
        ("41 23 45", "groups of three"),
        ("4123 456", "groups of three"),
        ("1 234.567,00", "not both"),
        ("12a", "Use only digits"),
        ("1e5", "Use only digits"),
        ("\u0661\u0662\u0663", "Use only digits"),  # Arabic-Indic digits: Decimal() would take them
        ("", "Write an amount"),
        ("kr", "Write an amount"),
        (",50", "Use only digits"),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused_with_what_to_type_instead(typed, because):
    with translation.override("en"), pytest.raises(AmountError, match=because):
        parse_amount(typed)


def test_the_refusal_is_in_norwegian_for_norwegian_users():
    with translation.override("nb"), pytest.raises(AmountError, match="desimalkomma"):
        parse_amount("1,234,567")


class Probe(forms.Form):
    amount = AmountField(label="Amount", min_value=0)


def test_the_field_is_a_text_box_with_a_decimal_keyboard_never_a_number_box():
    html = str(Probe(initial={"amount": Decimal("412345.50")})["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and "number" not in html
    assert 'value="412\u00a0345,50"' in html


def test_what_was_typed_is_kept_next_to_the_message():
    form = Probe({"amount": "412.345"})
    assert not form.is_valid()
    assert 'value="412.345"' in str(form["amount"])
    assert "could mean two amounts" in form.errors["amount"][0] or "to beløp" in form.errors["amount"][0]


@pytest.mark.parametrize(
    ("value", "meant"),
    [(412345.5, "412345.5"), (412345, "412345"), ("412345.50", "412345.50"), (Decimal("0.1"), "0.1")],
)
def test_json_numbers_and_point_decimal_strings_are_taken_as_they_are(value, meant):
    form = Probe({"amount": value})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(meant)


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "-5", 10**13])
def test_no_boolean_non_number_negative_or_too_long_amount_gets_through(value):
    assert not Probe({"amount": value}).is_valid()


def test_every_money_field_of_every_form_is_the_shared_amount_field():
    """A DecimalField or a number box anywhere in Vegvis's forms would bring issue 11 back."""
    for config in apps.get_app_configs():
        if config.name.startswith("vegvis."):
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError:
                continue
    offenders = []
    seen: set[type] = set()
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    for form_class in seen:
        if not form_class.__module__.startswith("vegvis."):
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.DecimalField) and not (
                isinstance(field, AmountField) and isinstance(field.widget, AmountInput)
            ):
                offenders.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert len(seen) > 20
    assert offenders == []
