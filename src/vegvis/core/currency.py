"""ISO 4217 currencies, from pycountry."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

NOK = "NOK"
# pycountry's own translations of the ISO 4217 names, by the interface's language ("Svenske kroner").
NAME_CATALOGUES = {"nb": "nb_NO"}


@cache
def codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def names(language: str) -> dict[str, str]:
    """Every currency's name in ``language``; English (ISO's own names) where pycountry has no translation."""
    english = {c.alpha_3: c.name for c in pycountry.currencies}
    catalogue = NAME_CATALOGUES.get(language)
    if catalogue is None:
        return english
    translated = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=[catalogue], fallback=True)
    return {code: translated.gettext(name) for code, name in english.items()}


@cache
def _choices(language: str) -> list[tuple[str, str]]:
    common = ["NOK", "EUR", "SEK", "DKK", "USD", "GBP", "CHF", "ISK"]
    rest = sorted(codes() - set(common))
    named = names(language)
    return [(code, f"{code} – {named[code]}") for code in common + rest]


def choices() -> list[tuple[str, str]]:
    """For a select, in the language of the page it is shown on (Django calls it when the field is rendered)."""
    return _choices(translation.get_language() or settings.LANGUAGE_CODE)


def validate_currency(value: str) -> None:
    if (value or "").upper() not in codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code."), params={"value": value}, code="currency"
        )
