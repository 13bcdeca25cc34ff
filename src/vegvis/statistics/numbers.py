"""Numbers as Norwegian publications write them: a space between thousands, whole percentages rounded half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def nb_number(value: int | None, space: str = " ") -> str:
    """22623000 → "22 623 000": the thousands separator is a space (non-breaking in HTML: pass ``NBSP``)."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", space)


def percent(part: int | Decimal, whole: int | Decimal) -> int | None:
    """A whole percentage, rounded half up (77.5 → 78); None when there is nothing to divide by."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(part: int | None, whole: int | None) -> int | None:
    """``percent`` of figures that may be missing (None): no share without both."""
    if part is None or whole is None:
        return None
    return percent(part, whole)
