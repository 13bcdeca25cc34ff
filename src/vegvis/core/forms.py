"""Form rendering with Designsystemet: labels, descriptions and error messages tied to their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


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
