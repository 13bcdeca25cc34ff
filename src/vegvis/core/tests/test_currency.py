"""Currencies in the interface's language: a Norwegian case handler picks "SEK – Svenske kroner"."""

from __future__ import annotations

from django.utils import translation

from vegvis.abroad.forms import ExpenseForm
from vegvis.core import currency


def test_currency_names_follow_the_interface_language():
    with translation.override("nb"):
        norwegian = dict(currency.choices())
    with translation.override("en"):
        english = dict(currency.choices())

    assert norwegian["SEK"] == "SEK – Svenske kroner"
    assert norwegian["NOK"] == "NOK – Norske kroner"
    assert english["SEK"] == "SEK – Swedish Krona"
    assert list(norwegian) == list(english)  # the same codes in the same order, NOK first
    assert next(iter(norwegian)) == "NOK"


def test_the_invoice_form_shows_norwegian_currency_names_on_a_norwegian_page():
    with translation.override("nb"):
        html = str(ExpenseForm()["currency"])

    assert '<option value="DKK">DKK – Danske kroner</option>' in html
    assert "Danish Krone" not in html
