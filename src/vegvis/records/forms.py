"""The letter-template editor's form, the same for every system (its own checks are the system's services')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LetterTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "vv-textarea-tall"}),
        help_text=_(
            "Plain text. A blank line starts a new paragraph. A short line with text right below it becomes a "
            "heading; a part whose placeholders are empty for the case (no assessment yet) is left out, heading "
            "and all."
        ),
    )
