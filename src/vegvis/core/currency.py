"""ISO 4217 currencies: the codes from pycountry, the names and which are money in use from CLDR (Babel)."""

from __future__ import annotations

from datetime import date
from functools import cache

import pycountry
from babel import Locale
from babel.core import get_global
from babel.numbers import get_territory_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

NOK = "NOK"
# The interface's languages as CLDR names them.
CLDR_LOCALES = {"nb": "nb", "nn": "nn", "en": "en"}


@cache
def codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def in_use(on: date) -> frozenset[str]:
    """The currencies that are legal tender somewhere on ``on`` (CLDR): what an invoice can be in. ISO 4217 also
    lists funds (CHE "WIR Euro"), units of account (XDR) and metals (XAU), which no hospital invoices in."""
    tender: set[str] = set()
    for territory in get_global("territory_currencies"):
        tender.update(get_territory_currencies(territory, on, tender=True, non_tender=False))
    return frozenset(tender & codes())


@cache
def names(language: str) -> dict[str, str]:
    """Every currency's name in ``language`` (CLDR: "Svenske kroner"); ISO's English name where CLDR has none."""
    english = {c.alpha_3: c.name for c in pycountry.currencies}
    cldr = Locale.parse(CLDR_LOCALES.get(language, "en")).currencies
    return {code: _capitalised(cldr.get(code) or name) for code, name in english.items()}


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


@cache
def _choices(language: str, on: date) -> list[tuple[str, str]]:
    common = ["NOK", "EUR", "SEK", "DKK", "USD", "GBP", "CHF", "ISK"]
    rest = sorted(in_use(on) - set(common))
    named = names(language)
    return [(code, f"{code} – {named[code]}") for code in common + rest]


def choices() -> list[tuple[str, str]]:
    """For a select, in the language of the page it is shown on (Django calls it when the field is rendered)."""
    return _choices(translation.get_language() or settings.LANGUAGE_CODE, timezone.localdate())


def validate_currency(value: str) -> None:
    if (value or "").upper() not in codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code."), params={"value": value}, code="currency"
        )
