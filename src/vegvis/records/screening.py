"""Screening of names in the public journal (offentleglova § 13, forvaltningsloven § 13): a correspondent that
names the patient or their representative is shown as ******.

The test is on words, not on the exact string: "SANDVIK, SIGRID", "sigrid sandvik", "Sandvik" alone and
"Sandviks advokat" all name Sigrid Sandvik. Every part of every name screens on its own, case- and
accent-insensitively, including the Norwegian genitive (-s). Screening too much is the safe error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Parts this short ("Ø", initials) would screen nearly every correspondent; they are not identifying alone.
MIN_PART = 2


def _fold(text: str) -> str:
    """Case-folded, with compatibility forms unified (ﬁ → fi, full-width letters → letters)."""
    return unicodedata.normalize("NFKC", text).casefold()


def name_parts(names: Iterable[str]) -> set[str]:
    parts: set[str] = set()
    for name in names:
        for word in _WORD.findall(_fold(name or "")):
            if len(word) >= MIN_PART:
                parts.add(word)
    return parts


def names_someone(text: str, names: Iterable[str]) -> bool:
    """True when ``text`` contains any part of any of ``names`` as a word (or its genitive)."""
    parts = name_parts(names)
    if not parts or not text:
        return False
    return any(word in parts or (word.endswith("s") and word[:-1] in parts) for word in _WORD.findall(_fold(text)))
