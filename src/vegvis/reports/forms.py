from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vegvis.reports.services import NARRATIVE_MAX_LENGTH


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 22, "class": "vv-textarea-tall"}),
    )


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (JSON Lines, .jsonl)"),
        help_text=_("UTF-8, one case per line, as in the import guide."),
    )
