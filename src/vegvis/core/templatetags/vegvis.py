"""Template helpers for the Vegvis UI kit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from vegvis.core.amounts import format_amount
from vegvis.core.forms import widget_attrs

register = template.Library()


@register.simple_tag
def ds_widget(bound_field: BoundField) -> SafeString:
    return bound_field.as_widget(attrs=widget_attrs(bound_field))


@register.filter
def is_checkbox(bound_field: BoundField) -> bool:
    return getattr(bound_field.field.widget, "input_type", "") == "checkbox"


@register.filter
def nok(value: Any) -> str:
    """Whole kroner with a space as thousands separator, as in the annual report: 22 623 000."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal(1))
    return f"{amount:,.0f}".replace(",", "\u00a0")


@register.filter
def money(value: Any) -> str:
    """Two decimals, space as thousands separator and comma as decimal sign: 104 370,00."""
    return format_amount(value)
