"""ATC codes (WHO's Anatomical Therapeutic Chemical classification), checked by their form.

The rule: five levels, each adding to the one before — an anatomical main group (one of the fourteen letters
A B C D G H J L M N P R S V), a therapeutic subgroup (two digits), a pharmacological subgroup (a letter), a
chemical subgroup (a letter) and the substance (two digits): ``L01XC32``. A code may stop after any level, since a
drug without marketing authorisation often has only its group (``L01XX``) when it is registered. Spaces are
ignored and letters upper-cased. Whether the code exists is not checked: the WHO index is licensed, not shipped.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAIN_GROUPS = frozenset("ABCDGHJLMNPRSV")
_FORM = re.compile(r"^[A-Z](?:\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?)?$")


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def is_valid(value: str) -> bool:
    code = normalise(value)
    return bool(code) and code[0] in MAIN_GROUPS and bool(_FORM.match(code))


def validate_atc(value: str) -> None:
    """A model or form validator: the code's form (see the module's rule), or a Norwegian message."""
    if value and not is_valid(value):
        raise ValidationError(
            _(
                "Not an ATC code: a letter for the main group, then two digits, a letter, a letter and two digits "
                "(for example L01XC32); a code may stop after any level."
            ),
            code="atc",
        )
