"""The batch check of `shared/contracts/cooperation-check.md`: a JSON document in, the findings out.

`check_file_content()` reads the document, validates it against the contract and collects *every* problem with
its JSON path (``agreements[2].signed_on``) and a sentence saying what is wrong; only a valid document is judged,
by `rules.evaluate()`. Nothing here touches the database.

Decisions the contract leaves open (docs/modules/cooperation.md): fields it does not name are accepted and ignored;
a key given twice in one object is a problem; a UTF-8 byte-order mark is allowed; amounts may have any number of
decimals but no sign, exponent or spaces, and are never negative; a period may not end before it starts; an
agreement's `purpose` and a logo use's `purpose` and `manner` may be null or left out, which counts as blank; the
names and the role, which no rule reads, may be null or left out too (the contract describes an event by its
country and covers alone).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pycountry
from django.utils.translation import gettext as _

from vegvis.cooperation.register import (
    COVERS,
    KINDS,
    RULE_SET_NAMES,
    Agreement,
    Event,
    LogoUse,
    Organisation,
    Person,
    PositionOfTrust,
    Register,
    Supplier,
)
from vegvis.cooperation.rules import Findings, evaluate

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
YEAR = re.compile(r"[0-9]{4}")
COUNTRY = re.compile(r"[A-Z]{2}")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ROOT = "$"
LISTS = ("organisations", "suppliers", "people", "agreements")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}".translate(LINE_BREAKS)


class ContractViolation(Exception):
    """The document does not follow the contract; `problems` names every way it does not."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def key_path(path: str, key: str) -> str:
    if path == ROOT:
        return key if NAME.fullmatch(key) else f"{ROOT}[{_show(key)}]"
    return f"{path}.{key}" if NAME.fullmatch(key) else f"{path}[{_show(key)}]"


# Characters Python's str.splitlines() breaks at that JSON leaves unescaped: a problem must stay on its one line.
LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _show(value: Any, limit: int = 60) -> str:
    """A value as JSON on one line, cut short when long; a list or an object only by its brackets."""
    if isinstance(value, list | dict):
        return "[…]" if isinstance(value, list) else "{…}"
    text = json.dumps(value, ensure_ascii=False).translate(LINE_BREAKS)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inline(text: str, limit: int = 60) -> str:
    """A text from the file, to quote inside a message: on one line, cut short when long."""
    return _show(text, limit + 2)[1:-1] if len(text) <= limit else _show(text[:limit], limit + 2)[1:-1] + "…"


# ---------------------------------------------------------------- bytes to JSON


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object(pairs)
    if len(result) < len(pairs):
        counts: dict[str, int] = {}
        for key, _value in pairs:
            counts[key] = counts.get(key, 0) + 1
        result.repeated = tuple(key for key, count in counts.items() if count > 1)
    return result


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(name)


def load_document(content: bytes) -> Any:
    """The JSON value of a file's bytes (UTF-8, an optional byte-order mark); ContractViolation when it is none."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContractViolation(
            [Problem(ROOT, _("the file is not UTF-8 text (byte %(position)s)") % {"position": error.start + 1})]
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        document = json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        message = _("the file is not valid JSON: %(error)s at line %(line)s, column %(column)s") % {
            "error": error.msg,
            "line": error.lineno,
            "column": error.colno,
        }
        raise ContractViolation([Problem(ROOT, message)]) from None
    except _NotJson as error:  # NaN, Infinity, -Infinity: Python reads them, JSON has no such values
        message = _("the file is not valid JSON: %(value)s is not a JSON value") % {"value": error}
        raise ContractViolation([Problem(ROOT, message)]) from None
    except ValueError:  # an integer of thousands of digits; the contract has no place for a number anyway
        message = _("the file holds a number too long to read; write amounts as text in quotes")
        raise ContractViolation([Problem(ROOT, message)]) from None
    except RecursionError:
        raise ContractViolation([Problem(ROOT, _("the file is nested too deeply to be read"))]) from None
    return document


def _repeated_keys(document: Any) -> Iterator[Problem]:
    stack: list[tuple[str, Any]] = [(ROOT, document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Object):
            for key in value.repeated:
                yield Problem(key_path(path, key), _("the key is given more than once in the same object"))
            stack.extend((key_path(path, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value))))


# ---------------------------------------------------------------- JSON to the register


class _Absent:
    pass


ABSENT = _Absent()


class _Fields:
    """Reads the fields of one JSON object, recording a problem for each that breaks the contract."""

    def __init__(self, problems: list[Problem], value: dict[str, Any], path: str):
        self.problems = problems
        self.value = value
        self.path = path
        self.ok = True

    def fail(self, key: str, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(key_path(self.path, key), message))

    def _get(self, key: str, *, nullable: bool, absent_ok: bool = False) -> Any:
        """The value, ABSENT when missing or null (a problem unless allowed), so callers check only the type."""
        if key not in self.value:
            if not absent_ok:
                self.fail(key, _("is missing"))
            return ABSENT
        value = self.value[key]
        if value is None:
            if not nullable:
                self.fail(key, _("may not be null"))
            return ABSENT
        return value

    def text(self, key: str, *, nullable: bool = False, absent_ok: bool = False) -> str | None:
        value = self._get(key, nullable=nullable, absent_ok=absent_ok)
        if value is ABSENT:
            return None
        if not isinstance(value, str):
            self.fail(key, _("must be text in quotes"))
            return None
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key, nullable=False)
        if value is not ABSENT and not isinstance(value, bool):
            self.fail(key, _("must be true or false"))
        return value is True

    def day(self, key: str, *, nullable: bool = False) -> date | None:
        value = self._get(key, nullable=nullable)
        if value is ABSENT:
            return None
        return self._parse_day(key, value)

    def _parse_day(self, key: str, value: Any) -> date | None:
        if not isinstance(value, str) or not DATE.fullmatch(value):
            self.fail(
                key, _("must be a date written YYYY-MM-DD, e.g. 2025-01-31, not %(value)s") % {"value": _show(value)}
            )
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(key, _("“%(value)s” is not a date that exists") % {"value": value})
            return None

    def amount(self, key: str, *, nullable: bool = False) -> Decimal | None:
        value = self._get(key, nullable=nullable)
        if value is ABSENT:
            return None
        return self._parse_amount(key, value)

    def _parse_amount(self, key: str, value: Any) -> Decimal | None:
        if not isinstance(value, str):
            self.fail(
                key,
                _('must be an amount written as text in quotes, e.g. "12500.00", not %(value)s')
                % {"value": _show(value)},
            )
            return None
        if value.startswith("-") and AMOUNT.fullmatch(value[1:]):
            self.fail(key, _("an amount may not be negative: %(value)s") % {"value": _show(value)})
            return None
        if not AMOUNT.fullmatch(value):
            self.fail(
                key,
                _('%(value)s is not an amount: write digits, and a point and decimals if any, e.g. "12500.00"')
                % {"value": _show(value)},
            )
            return None
        return Decimal(value)

    def choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(key)
        if value is not None and value not in choices:
            self.fail(key, _choice_message(value, choices))
            return None
        return value

    def country(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and not is_country(value):
            self.fail(key, _country_message(value))
            return None
        return value

    def items(self, key: str) -> list[tuple[str, Any]] | None:
        value = self._get(key, nullable=False)
        if value is ABSENT:
            return None
        if not isinstance(value, list):
            self.fail(key, _("must be a list in square brackets"))
            return None
        path = key_path(self.path, key)
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]

    def mapping(self, key: str, *, nullable: bool = False) -> dict[str, Any] | None:
        value = self._get(key, nullable=nullable)
        if value is ABSENT:
            return None
        if not isinstance(value, dict):
            self.fail(key, _("must be an object in curly brackets"))
            return None
        return value


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code as the standard writes it: two capital letters, an assigned country."""
    return bool(COUNTRY.fullmatch(code)) and pycountry.countries.get(alpha_2=code) is not None


def _choice_message(value: str, choices: tuple[str, ...]) -> str:
    return _("“%(value)s” is not allowed; write one of: %(choices)s") % {
        "value": _inline(value),
        "choices": ", ".join(choices),
    }


def _country_message(value: str) -> str:
    return _("“%(value)s” is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. NO)") % {
        "value": _inline(value)
    }


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, str]] = {name: {} for name in LISTS}  # list -> id -> path of its first use
        self.references: list[tuple[str, str, str]] = []  # (path, list it points into, id)

    def fields(self, value: Any, path: str) -> _Fields | None:
        if not isinstance(value, dict):
            self.problems.append(Problem(path, _("must be an object in curly brackets")))
            return None
        return _Fields(self.problems, value, path)

    def identifier(self, fields: _Fields, list_name: str) -> str | None:
        value = fields.text("id")
        if value is None:
            return None
        first = self.ids[list_name].get(value)
        if first is not None:
            fields.fail(
                "id", _("the id “%(value)s” is already used by %(path)s") % {"value": _inline(value), "path": first}
            )
            return None
        self.ids[list_name][value] = fields.path
        return value

    def reference(self, fields: _Fields, key: str, list_name: str) -> str | None:
        value = fields.text(key)
        if value is not None:
            self.references.append((key_path(fields.path, key), list_name, value))
        return value

    def entries(self, document: _Fields, list_name: str, read: Callable[[_Fields], Any]) -> list[Any]:
        result = []
        for path, item in document.items(list_name) or []:
            fields = self.fields(item, path)
            if fields is not None:
                entry = read(fields)
                if fields.ok:
                    result.append(entry)
        return result

    def organisation(self, fields: _Fields) -> Organisation:
        organisation_id = self.identifier(fields, "organisations") or ""
        name = fields.text("name", nullable=True, absent_ok=True) or ""
        home_country = fields.country("home_country") or ""
        budgets: dict[str, Decimal] = {}
        given = fields.mapping("budgets") or {}
        budget = _Fields(self.problems, given, key_path(fields.path, "budgets"))
        for year in given:
            if not YEAR.fullmatch(year) or year == "0000":
                budget.fail(year, _('is not a year: write the year with four digits, e.g. "2025"'))
                continue
            value = budget.amount(year)
            if value is not None:
                budgets[year] = value
        if not budget.ok:
            fields.ok = False
        return Organisation(id=organisation_id, name=name, home_country=home_country, budgets=budgets)

    def supplier(self, fields: _Fields) -> Supplier:
        rule_sets: set[str] = set()
        items = fields.items("rule_sets")
        if items == []:
            fields.fail(
                "rule_sets", _("must name at least one rule set: %(choices)s") % {"choices": ", ".join(RULE_SET_NAMES)}
            )
        for path, name in items or []:
            if not isinstance(name, str):
                fields.ok = False
                self.problems.append(Problem(path, _("must be text in quotes")))
            elif name not in RULE_SET_NAMES:
                fields.ok = False
                self.problems.append(Problem(path, _choice_message(name, RULE_SET_NAMES)))
            else:
                rule_sets.add(name)
        return Supplier(
            id=self.identifier(fields, "suppliers") or "",
            name=fields.text("name", nullable=True, absent_ok=True) or "",
            rule_sets=frozenset(rule_sets),
        )

    def person(self, fields: _Fields) -> Person:
        person_id = self.identifier(fields, "people") or ""
        employer = self.reference(fields, "employer", "suppliers") or ""
        positions = []
        for path, item in fields.items("positions_of_trust") or []:
            position = self.fields(item, path)
            if position is None:
                fields.ok = False
                continue
            organisation = self.reference(position, "organisation", "organisations")
            role = position.text("role", nullable=True, absent_ok=True) or ""
            starts_on = position.day("from")
            ends_on = position.day("to", nullable=True)
            self._ends_after_start(position, "to", starts_on, ends_on)
            if not position.ok:
                fields.ok = False
            elif organisation is not None and starts_on is not None:
                positions.append(PositionOfTrust(organisation, role, starts_on, ends_on))
        return Person(id=person_id, employer=employer, positions_of_trust=tuple(positions))

    def agreement(self, fields: _Fields) -> Agreement:
        # Read in the contract's order, so that the problems are listed in the order a reader meets the fields.
        agreement_id = self.identifier(fields, "agreements") or ""
        supplier = self.reference(fields, "supplier", "suppliers") or ""
        organisation = self.reference(fields, "organisation", "organisations") or ""
        third_party = fields.text("third_party", nullable=True)
        kind = fields.choice("kind", KINDS) or ""
        written = fields.boolean("written")
        signed_on = fields.day("signed_on", nullable=True)
        starts_on = fields.day("starts_on")
        ends_on = fields.day("ends_on", nullable=True)
        self._ends_after_start(fields, "ends_on", starts_on, ends_on)
        return Agreement(
            id=agreement_id,
            supplier=supplier,
            organisation=organisation,
            third_party=third_party,
            kind=kind,
            written=written,
            signed_on=signed_on,
            starts_on=starts_on or date.min,
            ends_on=ends_on,
            amount_nok=fields.amount("amount_nok", nullable=True),
            in_kind_value_nok=fields.amount("in_kind_value_nok", nullable=True),
            purpose=fields.text("purpose", nullable=True, absent_ok=True),
            exclusive=fields.boolean("exclusive"),
            transparency_clause=fields.boolean("transparency_clause"),
            market_value_stated=fields.boolean("market_value_stated"),
            event=self.event(fields),
            logo_uses=self.logo_uses(fields),
        )

    def event(self, agreement: _Fields) -> Event | None:
        given = agreement.mapping("event", nullable=True)
        if given is None:
            return None
        fields = _Fields(self.problems, given, key_path(agreement.path, "event"))
        name = fields.text("name", nullable=True, absent_ok=True) or ""
        country = fields.country("country") or ""
        covers = []
        for path, item in fields.items("covers") or []:
            if not isinstance(item, str):
                fields.ok = False
                self.problems.append(Problem(path, _("must be text in quotes")))
            elif item not in COVERS:
                fields.ok = False
                self.problems.append(Problem(path, _choice_message(item, COVERS)))
            else:
                covers.append(item)
        if not fields.ok:
            agreement.ok = False
        return Event(name=name, country=country, covers=tuple(covers))

    def logo_uses(self, agreement: _Fields) -> tuple[LogoUse, ...]:
        uses = []
        for path, item in agreement.items("logo_uses") or []:
            fields = self.fields(item, path)
            if fields is None:
                agreement.ok = False
                continue
            uses.append(
                LogoUse(
                    approved_on=fields.day("approved_on", nullable=True),
                    purpose=fields.text("purpose", nullable=True, absent_ok=True),
                    manner=fields.text("manner", nullable=True, absent_ok=True),
                )
            )
            if not fields.ok:
                agreement.ok = False
        return tuple(uses)

    def _ends_after_start(self, fields: _Fields, key: str, starts_on: date | None, ends_on: date | None) -> None:
        if starts_on is not None and ends_on is not None and ends_on < starts_on:
            fields.fail(
                key,
                _("%(end)s is before the start of the period, %(start)s")
                % {"end": ends_on.isoformat(), "start": starts_on.isoformat()},
            )

    def check_references(self) -> None:
        for path, list_name, value in self.references:
            if value not in self.ids[list_name]:
                self.problems.append(
                    Problem(
                        path,
                        _("“%(value)s” is not the id of any entry in %(list)s")
                        % {"value": _inline(value), "list": list_name},
                    )
                )


def read_register(document: Any) -> Register:
    """The register a parsed JSON document describes; ContractViolation naming every problem when it breaks the
    contract."""
    reader = _Reader()
    reader.problems.extend(_repeated_keys(document))
    root = reader.fields(document, ROOT)
    if root is None:
        raise ContractViolation(reader.problems)
    organisations = reader.entries(root, "organisations", reader.organisation)
    suppliers = reader.entries(root, "suppliers", reader.supplier)
    people = reader.entries(root, "people", reader.person)
    agreements = reader.entries(root, "agreements", reader.agreement)
    reader.check_references()
    if reader.problems:
        raise ContractViolation(reader.problems)
    return Register(
        organisations={organisation.id: organisation for organisation in organisations},
        suppliers={supplier.id: supplier for supplier in suppliers},
        people=tuple(people),
        agreements=tuple(agreements),
    )


def findings_document(findings: Findings) -> dict[str, Any]:
    """The contract's output: every agreement with its sorted rule ids; organisations only with breaking years."""
    return {"agreements": findings.agreements, "organisations": findings.organisations}


def check_file_content(content: bytes) -> dict[str, Any]:
    """The contract's output for a file's bytes; ContractViolation when the file breaks the contract."""
    return findings_document(evaluate(read_register(load_document(content))))
