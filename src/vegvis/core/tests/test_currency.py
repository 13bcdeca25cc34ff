"""Currencies in the interface's language: a Norwegian case handler picks "SEK – Svenske kroner"."""

from __future__ import annotations

from django.utils import translation

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


def test_every_currency_offered_on_a_norwegian_page_has_a_norwegian_name_and_is_money_in_use():
    with translation.override("nb"):
        offered = dict(currency.choices())
    with translation.override("en"):
        english = dict(currency.choices())

    assert offered["AWG"] == "AWG – Arubiske floriner"
    untranslated = sorted(code for code in offered if offered[code] == english[code] and code not in {"EUR"})
    assert not untranslated, f"shown in English on Norwegian pages: {[offered[c] for c in untranslated]}"
    # Funds, units of account and metals are ISO 4217 codes, but nobody invoices in them.
    for code in ("CHE", "CHW", "XDR", "XAU", "XTS", "XXX", "BOV", "USN"):
        assert code not in offered
        currency.validate_currency(code)  # still a valid code, e.g. in imported history
