"""Form rendering with Designsystemet: labels, descriptions and error messages tied to their fields."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from vegvis.core.amounts import AmountError, format_amount, parse_amount


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def widget_attrs(bound_field: forms.BoundField) -> dict[str, Any]:
    """Designsystemet classes and the ARIA links from a field to its description and its error."""
    attrs: dict[str, Any] = {"class": "ds-input"}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return attrs


class Select(forms.Select):
    """Django's select, with its options written in Python instead of one template render per option.

    For long lists and pages everybody opens many times a day (the worklist's filters, the 180 currencies): fifty
    hospitals through the templates took a third of the worklist's render time (docs/performance.md).
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html('<option value="{}"{}>{}</option>', str(o["value"]), flatatt(o["attrs"]), o["label"])
                for o in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


class AmountInput(forms.TextInput):
    """A text box for money: never ``type=number`` (whose browsers read "412345,50" as they please, issue 11).

    The phone shows its keyboard for decimals; a Decimal is shown the Norwegian way ("412 345,50"), and text the
    user typed is shown back exactly as typed.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_amount(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """Every money field in Vegvis: reads "412 345,50", "412345,50", "412345.50", "412.345,50" and "412 345".

    Ambiguous or English-style input is refused with a message next to the field (see vegvis.core.amounts).
    Values that are already numbers (a JSON number through the API) are taken as they are, never via a float's
    binary approximation.
    """

    widget = AmountInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("help_text", _("For example 412 345,50."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs say int
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise ValidationError(_("Write an amount, for example 412 345,50."), code="invalid")
        if isinstance(value, Decimal | int):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(repr(value))
        try:
            return parse_amount(str(value))
        except AmountError as error:
            raise ValidationError(str(error), code="invalid") from error


DATE_FORMAT = "%d.%m.%Y"
# dd.mm.åååå as people in Norway write it (also d.m.åååå); ISO 8601 for the API's JSON and old links.
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


DATE_HINT = _("Write it as dd.mm.yyyy.")


class DateInput(forms.DateInput):
    """A text box for dates, shown as dd.mm.åååå: never the browser's ``type=date``.

    A date box's typing order follows the browser's language, not the page's: in an English browser "03.02.2027"
    typed into one is 2 March (issue 11's number boxes, for dates). Text typed is shown back exactly as typed.
    """

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})}, format=DATE_FORMAT)


def validate_not_in_future(value: date | None) -> None:
    """A date something was received or happened cannot be after today."""
    today = timezone.localdate()
    if value is not None and value > today:
        raise ValidationError(
            _("The date cannot be in the future (today is %(today)s)."),
            code="future",
            params={"today": today.strftime("%d.%m.%Y")},
        )


class DateField(forms.DateField):
    """Every date field in Vegvis: reads "03.02.2027" and "3.2.2027" (and "2027-02-03" from the API).

    Anything else, or a day that does not exist, is refused with a message next to the field saying how to write
    it; the text typed stays in the box.
    """

    widget = DateInput
    default_error_messages = {
        "invalid": _("Write the date as dd.mm.yyyy, for example 03.02.2027."),
        "no_such_date": _("There is no such date: check the day and the month."),
    }

    def __init__(self, *, not_in_future: bool = False, **kwargs: Any) -> None:
        # The format is always said, also below a field's own help text.
        own = kwargs.get("help_text")
        kwargs["help_text"] = format_lazy("{} {}", own, DATE_HINT) if own else DATE_HINT
        if not_in_future:  # the day something was received or happened: the one rule that refuses dates after today
            kwargs["validators"] = [*kwargs.get("validators", []), validate_not_in_future]
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if match := _NORWEGIAN_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            code = "no_such_date"  # written the right way, but 31.02 or 12.13
        elif match := _ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
            code = "invalid"  # "2027-13-45": say how to write a date
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date(year, month, day)
        except ValueError as error:
            raise ValidationError(self.error_messages[code], code=code) from error


class WholeNumberInput(forms.TextInput):
    """A text box for a count (never ``type=number``), with the phone's digit keyboard."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})
