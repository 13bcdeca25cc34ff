"""ISO 4217 currencies, from pycountry."""

from __future__ import annotations

from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NOK = "NOK"


@cache
def codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def choices() -> list[tuple[str, str]]:
    common = ["NOK", "EUR", "SEK", "DKK", "USD", "GBP", "CHF", "ISK"]
    rest = sorted(codes() - set(common))
    names = {c.alpha_3: c.name for c in pycountry.currencies}
    return [(code, f"{code} – {names[code]}") for code in common + rest]


def validate_currency(value: str) -> None:
    if (value or "").upper() not in codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code."), params={"value": value}, code="currency"
        )
