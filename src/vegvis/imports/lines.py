"""Reading a JSON Lines file and checking each line's fields, naming every problem in words a case handler reads.

An importer reads the file with ``json_lines`` (one JSON object per line; UTF-8, a byte-order mark allowed,
blank lines ignored), checks each object with a ``LineCheck`` (which collects every problem of the line instead
of stopping at the first) and, while any line is bad, writes nothing: it raises ``ImportRefused`` with every
``LineError``. The command prints them in Norwegian (``LineError.__str__``), ``MAX_ERRORS_SHOWN`` at most.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT_PATTERN = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
# The command and the web page show this many problems of a bad file, then how many more there are.
MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class LineError:
    line: int  # 0 for a problem with the whole file
    field: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if not self.field:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return _("Line %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class ImportRefused(Exception):
    """The file has problems; nothing was imported. ``errors`` names every one; a problem given as a message
    (from a file that is not read line by line) becomes a ``LineError`` of line 0. ``problems`` gives them as the
    text the command prints."""

    def __init__(self, errors: Sequence[LineError | str]):
        self.errors = [e if isinstance(e, LineError) else LineError(0, "", e) for e in errors]
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def problems(self) -> list[str]:
        return [str(e) for e in self.errors]


def json_lines(content: bytes) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each non-blank line; text is None when the line is not UTF-8."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for number, raw in enumerate(content.split(b"\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            yield number, stripped.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None


class LineCheck:
    """Checks one line's object; collects every problem instead of stopping at the first. ``ok`` is False once
    any problem was found."""

    def __init__(self, number: int, errors: list[LineError]):
        self.number = number
        self.errors = errors
        self.ok = True

    def error(self, field_name: str, message: str) -> None:
        self.ok = False
        self.errors.append(LineError(self.number, field_name, message))

    def read(self, text: str | None, *, not_an_object: str = "", too_deep: str = "") -> dict[str, Any] | None:
        """The line's JSON object, or None with the problem recorded: not UTF-8, not JSON, not an object, nested
        too deep for the parser, or an amount written as a bare decimal number (amounts are decimal strings, never
        floats). ``not_an_object`` and ``too_deep`` are the importer's words for the two (what a line holds, and
        how deep its objects go)."""
        if text is None:
            self.error("", _("the line is not UTF-8 text; save the file as UTF-8"))
            return None
        too_deep = too_deep or _("the line has brackets nested too deep to read")
        try:
            data = json.loads(text, parse_float=_refuse_float)
        except _FloatRefused:
            # A bare decimal number comes first, but the line may be broken further on ("[0.0", "0.0]"): read it
            # again without refusing numbers, to name every bare amount or where the line stops being JSON.
            try:
                self._report_floats(json.loads(text))
            except json.JSONDecodeError as error:
                self.error("", _not_json(error))
            except RecursionError:
                self.error("", too_deep)
            return None
        except json.JSONDecodeError as error:
            self.error("", _not_json(error))
            return None
        except RecursionError:  # brackets nested thousands deep: the parser gives up before reading the line
            self.error("", too_deep)
            return None
        if not isinstance(data, dict):
            self.error("", not_an_object or _("the line must be a JSON object in braces {…}"))
            return None
        return data

    def _report_floats(self, data: Any, path: str = "") -> None:
        """Amounts must be decimal strings: name every field written as a bare decimal number."""
        if isinstance(data, dict):
            for key, value in data.items():
                self._report_floats(value, f"{path}.{key}" if path else key)
        elif isinstance(data, list):
            for index, value in enumerate(data, start=1):
                self._report_floats(value, f"{path}[{index}]")
        elif isinstance(data, float):
            self.error(path, _('write amounts as text in quotes, for example "12500.00", never as a bare number'))

    def unknown_fields(self, obj: dict[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
        for key in obj:
            if key not in allowed:
                self.error(f"{prefix}{key}", _("unknown field; check the spelling against the import guide"))

    def text(self, obj: dict[str, Any], key: str, *, label: str, required: bool = False, max_length: int = 0) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(label, _("is missing"))
            return ""
        if not isinstance(value, str):
            self.error(label, _("must be text in quotes"))
            return ""
        value = value.strip()
        if required and not value:
            self.error(label, _("is empty"))
        elif max_length and len(value) > max_length:
            self.error(label, _("is too long (at most %(max)s characters)") % {"max": max_length})
            return ""
        return value

    def choice(self, obj: dict[str, Any], key: str, choices: Iterable[str], *, label: str, required: bool) -> str:
        options = list(choices)
        value = self.text(obj, key, label=label, required=required)
        if value and value not in options:
            self.error(
                label,
                _("“%(value)s” is not allowed; write one of: %(choices)s")
                % {"value": value, "choices": ", ".join(options)},
            )
            return ""
        return value

    def date(self, obj: dict[str, Any], key: str, *, label: str, required: bool, today: date) -> date | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(label, _("is missing"))
            return None
        if not isinstance(value, str) or not DATE_PATTERN.match(value):
            self.error(label, _("must be a date written YYYY-MM-DD, for example 2020-02-03"))
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.error(label, _("“%(value)s” is not a date that exists") % {"value": value})
            return None
        if day > today:
            self.error(label, _("%(date)s is in the future") % {"date": value})
            return None
        return day

    def amount(self, obj: dict[str, Any], key: str, *, label: str, required: bool) -> Decimal | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(label, _("is missing"))
            return None
        if isinstance(value, bool) or not isinstance(value, str):
            self.error(label, _('must be an amount written as text in quotes, for example "12500.00"'))
            return None
        if not AMOUNT_PATTERN.match(value.strip()):
            self.error(
                label,
                _("“%(value)s” is not an amount: use digits and at most two decimals after a point, e.g. 12500.00")
                % {"value": value},
            )
            return None
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:  # the pattern makes this unreachable; kept for safety
            self.error(label, _("“%(value)s” is not an amount") % {"value": value})
            return None
        if amount <= 0:
            self.error(label, _("the amount must be above zero"))
            return None
        return amount

    def obj(self, value: Any, *, label: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(label, _("must be an object in braces {…}"))
            return None
        return value


class _FloatRefused(ValueError):
    pass


def _not_json(error: json.JSONDecodeError) -> str:
    return _("the line is not valid JSON (the error is at character %(pos)s)") % {"pos": error.pos + 1}


def _refuse_float(text: str) -> Decimal:
    raise _FloatRefused(text)
