"""Template helpers for the annual report and the statistics page."""

from __future__ import annotations

from typing import Any

from django import template

from vegvis.statistics.numbers import NBSP, nb_number
from vegvis.statistics.tables import HIDDEN, format_cell

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def nb(value: Any) -> str:
    """A whole number with a (non-breaking) space between thousands: 22 623 000."""
    if value is None or value == "":
        return "–"
    return nb_number(int(value), NBSP)


@register.filter
def stat_cell(cell: Any) -> str:
    """A statistics cell: the number, «skjult» when suppressed, «–» when there is no figure."""
    if cell is None:
        return "–"
    return format_cell(HIDDEN if cell.hidden else cell.value, cell.kind)
