"""The worklist's select renders its options in Python: it must say exactly what Django's own select says."""

from __future__ import annotations

import re

from django import forms

from vegvis.core.forms import Select

CHOICES = [("", "All"), ("a", "Bergen & Oslo"), ("b", '<script>alert("x")</script>'), ("c", "Ålesund")]


def _options(html: str) -> list[tuple[str, bool, str]]:
    found = re.findall(r'<option value="([^"]*)"( selected)?>(.*?)</option>', html)
    return [(value, bool(selected), label) for value, selected, label in found]


def test_the_python_select_says_what_djangos_select_says():
    ours = Select(choices=CHOICES).render("route", "b", attrs={"id": "id_route", "class": "ds-input"})
    django = forms.Select(choices=CHOICES).render("route", "b", attrs={"id": "id_route", "class": "ds-input"})

    assert _options(ours) == _options(django)
    assert ours.startswith('<select name="route" class="ds-input" id="id_route">')
    assert ("b", True, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") in _options(ours)
    assert "<script>" not in ours


def test_optgroups_are_kept():
    grouped = [("Norden", [("se", "Sverige"), ("dk", "Danmark")]), ("Europa", [("de", "Tyskland")])]
    html = Select(choices=grouped).render("country", "dk")

    assert html.count("<optgroup") == 2
    assert '<optgroup label="Norden">' in html
    assert ("dk", True, "Danmark") in _options(html)
