"""The invoice form offers currencies in the interface's language (core.currency): "DKK – Danske kroner"."""

from __future__ import annotations

from django.utils import translation

from vegvis.abroad.forms import ExpenseForm


def test_the_invoice_form_shows_norwegian_currency_names_on_a_norwegian_page():
    with translation.override("nb"):
        html = str(ExpenseForm()["currency"])

    assert '<option value="DKK">DKK – Danske kroner</option>' in html
    assert "Danish Krone" not in html
