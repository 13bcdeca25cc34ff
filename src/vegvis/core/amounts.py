"""Money as people in Norway type it, and as the pages show it.

"412 345,50", "412345,50", "412345.50", "412.345,50" and "412 345" all mean what a Norwegian reader means by
them. Input that could mean two things ("412.345": four hundred thousand, or four hundred with three decimals?),
or that is written the English way ("1,234,567"), is refused with a message that says what to type instead,
never guessed: a guess is how "412345,50" once became 41 234 550 (issue 11).

Shown the Norwegian way: "412 345,50", with a non-breaking space between groups of three digits.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Spaces people (and copied text) put between groups of three digits: space, no-break space, narrow no-break
# space (what Norwegian number formatting in browsers and Excel produces), thin space, figure space.
GROUP_SPACES = " \u00a0\u202f\u2009\u2007"
NBSP = "\u00a0"
MINUS_SIGNS = "-\u2212\u2013"
CURRENCY_WORDS = re.compile(r"^(?:kr\.?|nok)\s*|\s*(?:kr\.?|nok|,-|\.-)$", re.IGNORECASE)
DIGITS = re.compile(r"[0-9]+")


class AmountError(ValueError):
    """The text is not an amount; the message (already translated) says why and what to type."""


def _groups_of_three(whole: str, separator: str) -> str:
    """``whole`` split at ``separator`` must be 1–3 digits followed by groups of exactly three."""
    groups = whole.split(separator)
    if not all(DIGITS.fullmatch(g) for g in groups) or not (1 <= len(groups[0]) <= 3):
        raise AmountError(_("Separate thousands in groups of three digits, for example 412 345,50."))
    if any(len(g) != 3 for g in groups[1:]):
        raise AmountError(_("Separate thousands in groups of three digits, for example 412 345,50."))
    return "".join(groups)


def parse_amount(text: str) -> Decimal:
    """The amount the text means, read the Norwegian way; :class:`AmountError` when it is not clear."""
    value = text.strip().strip(GROUP_SPACES)
    value = CURRENCY_WORDS.sub("", value).strip(GROUP_SPACES)
    if not value:
        raise AmountError(_("Write an amount, for example 412 345,50."))
    negative = value[0] in MINUS_SIGNS
    if negative:
        value = value[1:].lstrip(GROUP_SPACES)
    if not re.fullmatch(r"[0-9" + GROUP_SPACES + r".,]+", value):
        raise AmountError(_("Use only digits, spaces and a decimal comma, for example 412 345,50."))
    commas, points = value.count(","), value.count(".")
    if commas > 1 or (commas and points and value.rfind(".") > value.rfind(",")):
        raise AmountError(
            _("Use a comma only as the decimal sign and spaces between thousands, for example 412 345,50.")
        )
    if commas == 1:
        whole, decimals = value.split(",")
        thousands = "." if points else None
    elif points == 1 and not any(s in value for s in GROUP_SPACES) and len(value.split(".")[1]) == 3:
        raise AmountError(
            _(
                "“%(value)s” could mean two amounts. Write thousands with spaces (412 345) and decimals after a "
                "comma (412,35)."
            )
            % {"value": text.strip()}
        )
    elif points == 1:
        whole, decimals = value.split(".")
        thousands = None
    else:
        whole, decimals = value, ""
        thousands = "." if points else None
    if thousands is None:
        spaced = [s for s in GROUP_SPACES if s in whole]
        if len(spaced) > 1:
            raise AmountError(_("Separate thousands in groups of three digits, for example 412 345,50."))
        digits = _groups_of_three(whole, spaced[0]) if spaced else whole
    else:
        if any(s in whole for s in GROUP_SPACES):
            raise AmountError(_("Separate thousands either with spaces or with points, not both."))
        digits = _groups_of_three(whole, thousands)
    if not DIGITS.fullmatch(digits) or (decimals and not DIGITS.fullmatch(decimals)):
        raise AmountError(_("Use only digits, spaces and a decimal comma, for example 412 345,50."))
    if len(decimals) > 2:
        raise AmountError(_("An amount has at most two decimals (øre), for example 412 345,50."))
    try:
        amount = Decimal(f"{digits}.{decimals or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the checks above leave only digits
        raise AmountError(_("Write an amount, for example 412 345,50.")) from error
    return -amount if negative else amount


def format_amount(value: Decimal | int | str | None) -> str:
    """Two decimals, a non-breaking space between thousands and a decimal comma: 412 345,50."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", NBSP).replace(".", ",")
