"""Finding identities in what Vegvis sends out: national ids and persons' names in pages, JSON and exports.

Used by the personal-data walks (every person a page shows must be audited; public pages, exports and
statistics must show none). A national id is any 11-digit number that validates as one (synthetic test
numbers included), also written with a space after the date part.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponseBase

from vegvis.core.national_id import NationalIdError, parse

NATIONAL_ID_CANDIDATE = re.compile(r"(?<![\w])(\d{6})[ \u00a0]?(\d{5})(?![\w])")
CSRF_INPUT = re.compile(r'<input[^>]*name="csrfmiddlewaretoken"[^>]*>')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_TYPES = ("text/", "application/json", "application/xml", "image/svg+xml", "application/problem+json")


def national_ids_in(text: str) -> list[str]:
    """Every national id in the text, synthetic ones included."""
    found = []
    for match in NATIONAL_ID_CANDIDATE.finditer(text):
        number = match.group(1) + match.group(2)
        try:
            parse(number, allow_synthetic=True)
        except NationalIdError:
            continue
        found.append(number)
    return found


def body_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        # Read to the end: the test client then closes the response itself, without closing the test's database
        # connection as response.close() would (request_finished).
        return b"".join(response.streaming_content)
    return response.content


def readable_text(content: bytes, content_type: str) -> str | None:
    """The text a reader sees in the content, or None for formats that cannot be read here (PDF, images).

    JSON is re-dumped without \\u escapes and HTML is unescaped, so a name is found however it was encoded;
    a spreadsheet's or a Word document's XML parts are read from its zip. CSRF tokens are left out (random
    digits in them are no id).
    """
    kind = content_type.split(";")[0].strip().lower()
    if kind in (XLSX, DOCX) or (kind == "application/octet-stream" and content[:2] == b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts = [book.read(name).decode("utf-8", "replace") for name in book.namelist() if name.endswith(".xml")]
        return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))
    if not kind.startswith(TEXT_TYPES) and not kind.endswith("+json"):
        return None
    text = content.decode("utf-8", "replace")
    if "json" in kind:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(CSRF_INPUT.sub("", text))


def response_text(response: HttpResponseBase) -> str | None:
    return readable_text(body_of(response), response.get("Content-Type", ""))


@dataclass(frozen=True)
class Identity:
    person_id: int
    name: str
    national_id: str

    def found_in(self, text: str) -> str | None:
        """What of this person the text shows (the name or the national id), or None."""
        if self.name and self.name in text:
            return "name"
        if self.national_id in text or f"{self.national_id[:6]} {self.national_id[6:]}" in text:
            return "national id"
        return None


def identities(persons: Iterable[Any]) -> list[Identity]:
    return [Identity(person_id=p.pk, name=p.name, national_id=p.national_id) for p in persons]


def leaks(text: str, known: Iterable[Identity]) -> list[str]:
    """Descriptions of every identity in the text: a known person's name or number, or any national id."""
    problems = [f"{what} of person {who.person_id}" for who in known if (what := who.found_in(text))]
    problems += [f"a national id ({number[:6]} …)" for number in sorted(set(national_ids_in(text)))]
    return problems
