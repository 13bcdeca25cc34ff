"""Importing treatment-abroad cases from JSON Lines, exactly per the case-import contract.

Two phases. ``parse`` reads and validates every line and names every bad one (line, field, what is wrong, in
words for a case handler); nothing is written while any line is bad. ``CaseImport`` then compares the file with
the database (cases matched on ``external_id``, persons on the keyed hash of the national id) and writes the
difference in one transaction with bulk operations, an audit entry for every case and person it creates or
changes, and one for the whole file. A line whose case already holds exactly what the line says is left
untouched, so importing the same file twice changes nothing.

What a user may write is decided by ``abroad.policies.import_office_ids``: an office lead writes only the cases of
their offices and only the patients of those cases. ``external_id``s and persons are shared by the whole country,
so a line naming another office's case or another office's patient is refused like any bad line — with one
neutral message for both, naming neither the office nor what is stored — and the attempt is audited.

The file is the truth for the fields it can carry: importing a corrected line replaces the case's decision,
appeal and expenses with the line's, and an optional field left out is cleared. The case keeps its office and
number. See docs/modules/import.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from vegvis.abroad import deadlines, policies
from vegvis.abroad.models import (
    Appeal,
    Case,
    CaseCounter,
    Expense,
    Method,
    Outcome,
    Route,
    Status,
)
from vegvis.abroad.services import base
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, AuditItem, audit_record, audit_record_many, audited_atomic
from vegvis.core import crypto, icd10
from vegvis.core.currency import NOK, codes
from vegvis.core.models import LegalDeadline, Office, Organisation, Person, Region
from vegvis.core.national_id import NationalId, NationalIdError, parse

ROUTES = (Route.TREATMENT_ABROAD, Route.PGD, Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL)
REFERRAL_ROUTES = frozenset({Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL})
DECISION_OUTCOMES = (Outcome.GRANTED, Outcome.REJECTED, Outcome.WITHDRAWN)
CASE_FIELDS = frozenset(
    {
        "external_id",
        "route",
        "national_id",
        "patient_name",
        "birth_date",
        "home_region",
        "received_date",
        "diagnosis_icd10",
        "requested_treatment",
        "method",
        "hospital",
        "decision",
        "appeal",
        "expenses",
    }
)
HOSPITAL_FIELDS = frozenset({"name", "city", "country"})
DECISION_FIELDS = frozenset({"outcome", "date", "legal_basis", "grounds"})
APPEAL_FIELDS = frozenset({"received_date", "office_outcome", "office_date", "board_outcome", "board_date"})
EXPENSE_FIELDS = frozenset({"booked_date", "category", "amount", "currency", "amount_nok"})
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT_PATTERN = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
RATE_PLACES = Decimal("0.00000001")
CHUNK = 2000

ProgressHook = Callable[[str, int, int], None]  # (stage, done, total)


# ---------------------------------------------------------------- the parsed file


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
    """The file has bad lines; nothing was imported. ``errors`` names every one."""

    def __init__(self, errors: Sequence[LineError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class HospitalRow:
    name: str
    city: str
    country: str


@dataclass(frozen=True)
class AppealRow:
    received_date: date
    office_outcome: str
    office_date: date | None
    board_outcome: str
    board_date: date | None


@dataclass(frozen=True)
class ExpenseRow:
    booked_date: date
    category: str
    amount: Decimal
    currency: str
    amount_nok: Decimal


@dataclass
class CaseRow:
    line: int
    external_id: str
    route: str
    national_id: NationalId
    patient_name: str
    birth_date: date | None
    birth_date_given: bool
    home_region: str
    received_date: date
    diagnosis: str
    chapter: str
    requested_treatment: str
    method_id: int | None
    hospital: HospitalRow | None
    outcome: str
    decided_on: date | None
    legal_basis: str
    grounds: str
    appeal: AppealRow | None
    expenses: list[ExpenseRow]

    @property
    def final_outcome(self) -> str:
        """The outcome after any appeal: a reversal by the office or the board makes it a grant."""
        appeal = self.appeal
        if appeal is not None and (
            appeal.office_outcome == Appeal.OfficeOutcome.REVERSED
            or appeal.board_outcome == Appeal.BoardOutcome.REVERSED
        ):
            return Outcome.GRANTED
        return self.outcome

    @property
    def status(self) -> str:
        """Imported decided cases are closed unless an appeal is still under way; undecided ones are received."""
        if not self.outcome:
            return Status.RECEIVED
        appeal = self.appeal
        if appeal is not None and appeal.office_outcome == Appeal.OfficeOutcome.PENDING:
            return Status.APPEALED
        if appeal is not None and appeal.office_outcome == Appeal.OfficeOutcome.FORWARDED and not appeal.board_outcome:
            return Status.AT_APPEALS_BODY
        return Status.CLOSED

    @property
    def closed_on(self) -> date | None:
        """For a closed case, the last date the line knows of."""
        if self.status != Status.CLOSED:
            return None
        dates = [d for d in (self.decided_on, *self._appeal_dates(), *(e.booked_date for e in self.expenses)) if d]
        return max(dates) if dates else None

    def _appeal_dates(self) -> list[date | None]:
        if self.appeal is None:
            return []
        return [self.appeal.received_date, self.appeal.office_date, self.appeal.board_date]


@dataclass
class ParsedFile:
    rows: list[CaseRow]
    errors: list[LineError]
    lines: int
    sha256: str
    refused: list[AuditItem] = field(default_factory=list)  # cases and persons out of the importer's scope


# ---------------------------------------------------------------- reading and validating


class _Line:
    """Validates one line's object; collects every problem instead of stopping at the first."""

    def __init__(self, number: int, errors: list[LineError]):
        self.number = number
        self.errors = errors
        self.ok = True

    def error(self, field_name: str, message: str) -> None:
        self.ok = False
        self.errors.append(LineError(self.number, field_name, message))

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


@dataclass
class _Context:
    today: date
    regions: dict[str, str]  # code → name
    methods: dict[str, int]  # lower-case name → id
    allowed_regions: set[str] | None
    currencies: frozenset[str]
    allow_synthetic: bool


def _iter_lines(content: bytes) -> Iterator[tuple[int, str | None]]:
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


def parse_file(
    content: bytes,
    *,
    allowed_regions: set[str] | None = None,
    office_ids: frozenset[int] | None = None,
    progress: ProgressHook | None = None,
) -> ParsedFile:
    """Read and check every line. ``allowed_regions``: the regions the importing office handles (None: all);
    ``office_ids``: the offices whose cases and patients the importer may write (None: all)."""
    context = _Context(
        today=timezone.localdate(),
        regions=dict(Region.objects.values_list("code", "name")),
        methods={name.lower(): pk for pk, name in Method.objects.values_list("pk", "name")},
        allowed_regions=allowed_regions,
        currencies=codes(),
        allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS,
    )
    errors: list[LineError] = []
    rows: list[CaseRow] = []
    lines = list(_iter_lines(content))
    seen_ids: dict[str, int] = {}
    persons: dict[str, CaseRow] = {}
    for index, (number, text) in enumerate(lines, start=1):
        row = _parse_line(number, text, context, errors)
        if row is not None:
            first = seen_ids.get(row.external_id)
            if first is not None:
                errors.append(
                    LineError(
                        number,
                        "external_id",
                        _("“%(id)s” is on line %(first)s too; each case needs its own external_id")
                        % {"id": row.external_id, "first": first},
                    )
                )
                row = None
            else:
                seen_ids[row.external_id] = number
        if row is not None:
            row = _check_same_person(row, persons, errors)
        if row is not None:
            rows.append(row)
        if progress and (index % 500 == 0 or index == len(lines)):
            progress("check", index, len(lines))
    if not lines:
        errors.append(LineError(0, "", _("The file contains no cases.")))
    refused: list[AuditItem] = []
    if office_ids is not None and rows:
        cases = _cases_by_external_id([r.external_id for r in rows])
        known = _persons_by_hash(sorted({crypto.lookup_hash(r.national_id.value) for r in rows}))
        out = _out_of_scope(rows, cases, known, office_ids)
        if out:
            errors.extend(out.errors)
            errors.sort(key=lambda e: e.line)
            refused = out.refused
            rows = [r for r in rows if r.line not in out.lines]
    return ParsedFile(
        rows=rows, errors=errors, lines=len(lines), sha256=hashlib.sha256(content).hexdigest(), refused=refused
    )


# ---------------------------------------------------------------- what the importer may write


def _cases_by_external_id(ids: Sequence[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for chunk in _chunks(ids):
        for case in Case.objects.filter(external_id__in=chunk):
            found[case.external_id or ""] = case
    return found


def _persons_by_hash(hashes: Sequence[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for chunk in _chunks(hashes):
        for person in Person.objects.filter(national_id_hash__in=chunk):
            found[person.national_id_hash] = person
    return found


@dataclass
class _OutOfScope:
    lines: set[int]
    errors: list[LineError]
    refused: list[AuditItem]

    def __bool__(self) -> bool:
        return bool(self.lines)


def _out_of_scope(
    rows: Sequence[CaseRow], cases: dict[str, Case], persons: dict[str, Person], office_ids: frozenset[int]
) -> _OutOfScope:
    """The lines naming a case of another office, or a patient the offices may not change (a person known only
    to another office). Each is refused with the same words, whichever of the two it is, so the message does not
    tell which id is in use elsewhere, where, or for whom."""
    known = [p.pk for p in persons.values()]
    writable: set[int] = set()
    for chunk in _chunks(known):
        writable |= policies.importable_person_ids(office_ids, list(chunk))
    out = _OutOfScope(lines=set(), errors=[], refused=[])
    for row in rows:
        case = cases.get(row.external_id)
        person = persons.get(crypto.lookup_hash(row.national_id.value))
        foreign_case = case is not None and case.office_id not in office_ids
        foreign_person = person is not None and person.pk not in writable
        if not (foreign_case or foreign_person):
            continue
        out.lines.add(row.line)
        out.errors.append(LineError(row.line, "", _out_of_scope_message()))
        if foreign_case and case is not None:
            out.refused.append(
                AuditItem(
                    action=Action.DENIED,
                    object_type=Case._meta.label_lower,
                    object_id=str(case.pk),
                    label=case.number,
                    person_id=case.patient_id,
                    detail={"action": "import", "line": row.line},
                )
            )
        if foreign_person and person is not None:
            out.refused.append(
                AuditItem(
                    action=Action.DENIED,
                    object_type=Person._meta.label_lower,
                    object_id=str(person.pk),
                    label=person.audit_label,
                    person_id=person.pk,
                    detail={"action": "import", "line": row.line},
                )
            )
    return out


def _out_of_scope_message() -> str:
    return _(
        "your office cannot import this line: its external_id or its national_id is in use for a case or a "
        "patient your office may not change. Nothing on the line is shown or changed. Check both ids; if the "
        "line is right, a national administrator can import it on the server."
    )


def _check_same_person(row: CaseRow, persons: dict[str, CaseRow], errors: list[LineError]) -> CaseRow | None:
    """A person appears with one home region and one date of birth in the whole file."""
    first = persons.setdefault(row.national_id.value, row)
    if first is row:
        return row
    if first.home_region != row.home_region:
        errors.append(
            LineError(
                row.line,
                "home_region",
                _("the same patient has home region %(other)s on line %(first)s; a patient has one home region")
                % {"other": first.home_region, "first": first.line},
            )
        )
        return None
    if first.birth_date_given and row.birth_date_given and first.birth_date != row.birth_date:
        errors.append(
            LineError(
                row.line,
                "birth_date",
                _("the same patient has another date of birth on line %(first)s") % {"first": first.line},
            )
        )
        return None
    return row


def _parse_line(number: int, text: str | None, context: _Context, errors: list[LineError]) -> CaseRow | None:
    check = _Line(number, errors)
    if text is None:
        check.error("", _("the line is not UTF-8 text; save the file as UTF-8"))
        return None
    try:
        data = json.loads(text, parse_float=_refuse_float)
    except _FloatRefused:
        # A bare decimal number comes first, but the line may be broken further on ("[0.0", "0.0]"): read it again
        # without refusing numbers, to name every bare amount or where the line stops being JSON.
        try:
            _report_floats(check, json.loads(text))
        except json.JSONDecodeError as error:
            check.error("", _not_json(error))
        except RecursionError:
            check.error("", _too_deep())
        return None
    except json.JSONDecodeError as error:
        check.error("", _not_json(error))
        return None
    except RecursionError:  # brackets nested thousands deep: the parser gives up before reading the line
        check.error("", _too_deep())
        return None
    if not isinstance(data, dict):
        check.error("", _("the line must be one case: a JSON object in braces {…}"))
        return None
    check.unknown_fields(data, CASE_FIELDS)

    external_id = check.text(data, "external_id", label="external_id", required=True, max_length=64)
    route = check.choice(data, "route", ROUTES, label="route", required=True)
    national_id = _national_id(check, data, context)
    patient_name = check.text(data, "patient_name", label="patient_name", max_length=200)
    birth_date = check.date(data, "birth_date", label="birth_date", required=False, today=context.today)
    home_region = check.choice(data, "home_region", context.regions, label="home_region", required=True)
    if home_region and context.allowed_regions is not None and home_region not in context.allowed_regions:
        check.error(
            "home_region",
            _("the patient belongs to %(region)s, which your office does not handle")
            % {"region": context.regions[home_region]},
        )
    received = check.date(data, "received_date", label="received_date", required=True, today=context.today)
    diagnosis, chapter = _diagnosis(check, data)
    requested_treatment = check.text(data, "requested_treatment", label="requested_treatment")
    method_id = _method(check, data, context)
    hospital = _hospital(check, data.get("hospital"))
    outcome, decided_on, legal_basis, grounds = _decision(check, data.get("decision"), received, context)
    appeal = _appeal(check, data.get("appeal"), route, outcome, decided_on, context)
    expenses = _expenses(check, data.get("expenses"), context)

    if national_id is not None and birth_date is None and national_id.birth_date is None:
        check.error(
            "birth_date",
            _("numbers issued from 2032 carry no century: give the date of birth in birth_date"),
        )
    if not check.ok or national_id is None or received is None:
        return None
    return CaseRow(
        line=number,
        external_id=external_id,
        route=route,
        national_id=national_id,
        patient_name=patient_name,
        birth_date=birth_date or national_id.birth_date,
        birth_date_given=birth_date is not None,
        home_region=home_region,
        received_date=received,
        diagnosis=diagnosis,
        chapter=chapter,
        requested_treatment=requested_treatment,
        method_id=method_id,
        hospital=hospital,
        outcome=outcome,
        decided_on=decided_on,
        legal_basis=legal_basis,
        grounds=grounds,
        appeal=appeal,
        expenses=expenses,
    )


class _FloatRefused(ValueError):
    pass


def _not_json(error: json.JSONDecodeError) -> str:
    return _("the line is not valid JSON (the error is at character %(pos)s)") % {"pos": error.pos + 1}


def _too_deep() -> str:
    return _(
        "the line has brackets nested too deep to read; a case nests at most three levels "
        "(the line, the expenses list, an expense)"
    )


def _refuse_float(text: str) -> Decimal:
    raise _FloatRefused(text)


def _report_floats(check: _Line, data: Any, path: str = "") -> None:
    """Amounts must be decimal strings: name every field written as a bare decimal number."""
    if isinstance(data, dict):
        for key, value in data.items():
            _report_floats(check, value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for index, value in enumerate(data, start=1):
            _report_floats(check, value, f"{path}[{index}]")
    elif isinstance(data, float):
        check.error(path, _('write amounts as text in quotes, for example "12500.00", never as a bare number'))


def _national_id(check: _Line, data: dict[str, Any], context: _Context) -> NationalId | None:
    value = data.get("national_id")
    if value is None:
        check.error("national_id", _("is missing"))
        return None
    if not isinstance(value, str):
        check.error("national_id", _("must be text in quotes (as a number it would lose its leading zero)"))
        return None
    if not re.fullmatch(r"\d{11}", value.strip()):
        check.error("national_id", _("must be exactly 11 digits, without spaces"))
        return None
    try:
        return parse(value.strip(), allow_synthetic=context.allow_synthetic)
    except NationalIdError as error:
        check.error("national_id", str(error))
        return None


def _diagnosis(check: _Line, data: dict[str, Any]) -> tuple[str, str]:
    code = check.text(data, "diagnosis_icd10", label="diagnosis_icd10", required=True)
    if not code:
        return "", ""
    try:
        normalised = icd10.validate(code)
    except icd10.Icd10Error as error:
        check.error("diagnosis_icd10", str(error))
        return "", ""
    chapter = icd10.chapter_for(normalised)
    return normalised, chapter.key if chapter else ""


def _method(check: _Line, data: dict[str, Any], context: _Context) -> int | None:
    name = check.text(data, "method", label="method", max_length=200)
    if not name:
        return None
    method_id = context.methods.get(name.lower())
    if method_id is None:
        check.error(
            "method",
            _("“%(name)s” is not in the Nye metoder register; add the method there first, or leave the field out")
            % {"name": name},
        )
    return method_id


def _hospital(check: _Line, value: Any) -> HospitalRow | None:
    if value is None:
        return None
    obj = check.obj(value, label="hospital")
    if obj is None:
        return None
    check.unknown_fields(obj, HOSPITAL_FIELDS, "hospital.")
    name = check.text(obj, "name", label="hospital.name", required=True, max_length=200)
    city = check.text(obj, "city", label="hospital.city", max_length=100)
    country = check.text(obj, "country", label="hospital.country", required=True).upper()
    if country and country not in countries:
        check.error(
            "hospital.country",
            _("“%(value)s” is not a country code; use ISO 3166 two letters, for example SE or DK") % {"value": country},
        )
        return None
    if not name or not country:
        return None
    return HospitalRow(name=name, city=city, country=country)


def _decision(check: _Line, value: Any, received: date | None, context: _Context) -> tuple[str, date | None, str, str]:
    if value is None:
        return "", None, "", ""
    obj = check.obj(value, label="decision")
    if obj is None:
        return "", None, "", ""
    check.unknown_fields(obj, DECISION_FIELDS, "decision.")
    outcome = check.choice(obj, "outcome", DECISION_OUTCOMES, label="decision.outcome", required=True)
    decided_on = check.date(obj, "date", label="decision.date", required=True, today=context.today)
    if decided_on and received and decided_on < received:
        check.error("decision.date", _("the decision cannot be dated before the case was received"))
    legal_basis = check.text(obj, "legal_basis", label="decision.legal_basis", max_length=300)
    grounds = check.text(obj, "grounds", label="decision.grounds")
    return outcome, decided_on, legal_basis, grounds


def _appeal(
    check: _Line, value: Any, route: str, outcome: str, decided_on: date | None, context: _Context
) -> AppealRow | None:
    if value is None:
        return None
    obj = check.obj(value, label="appeal")
    if obj is None:
        return None
    check.unknown_fields(obj, APPEAL_FIELDS, "appeal.")
    if route in REFERRAL_ROUTES:
        check.error("appeal", _("referrals to particle therapy and Nordic protocols are not appealed to the office"))
    if outcome and outcome != Outcome.REJECTED:
        check.error("appeal", _("only a rejection can be appealed, and the decision is not a rejection"))
    elif not outcome:
        check.error("appeal", _("an appeal needs a decision: the line has none"))
    received = check.date(obj, "received_date", label="appeal.received_date", required=True, today=context.today)
    office_outcome = check.choice(
        obj, "office_outcome", Appeal.OfficeOutcome.values, label="appeal.office_outcome", required=True
    )
    office_date = check.date(obj, "office_date", label="appeal.office_date", required=False, today=context.today)
    board_outcome = check.choice(
        obj, "board_outcome", Appeal.BoardOutcome.values, label="appeal.board_outcome", required=False
    )
    board_date = check.date(obj, "board_date", label="appeal.board_date", required=False, today=context.today)
    if received and decided_on and received < decided_on:
        check.error("appeal.received_date", _("the appeal cannot be received before the decision"))
    if office_outcome == Appeal.OfficeOutcome.PENDING:
        if office_date:
            check.error("appeal.office_date", _("must be empty while the office's reconsideration is pending"))
        if board_outcome or board_date:
            check.error("appeal.board_outcome", _("the board cannot have decided an appeal the office has not sent"))
    elif office_outcome:
        if obj.get("office_date") is None:
            check.error("appeal.office_date", _("give the date the office reversed or forwarded the appeal"))
        elif office_date and received and office_date < received:
            check.error("appeal.office_date", _("cannot be before the appeal was received"))
    if office_outcome == Appeal.OfficeOutcome.REVERSED and (board_outcome or board_date):
        check.error("appeal.board_outcome", _("an appeal the office reversed does not go to the board"))
    if office_outcome == Appeal.OfficeOutcome.FORWARDED:
        if board_outcome and obj.get("board_date") is None:
            check.error("appeal.board_date", _("give the date the board's decision was received"))
        if board_date and not board_outcome:
            check.error("appeal.board_outcome", _("give the board's decision (upheld or reversed) for board_date"))
        if board_date and office_date and board_date < office_date:
            check.error("appeal.board_date", _("cannot be before the appeal was forwarded"))
    if not check.ok or received is None or not office_outcome:
        return None
    return AppealRow(
        received_date=received,
        office_outcome=office_outcome,
        office_date=office_date,
        board_outcome=board_outcome,
        board_date=board_date,
    )


def _expenses(check: _Line, value: Any, context: _Context) -> list[ExpenseRow]:
    if value is None:
        return []
    if not isinstance(value, list):
        check.error("expenses", _("must be a list in brackets […]"))
        return []
    rows = []
    for index, item in enumerate(value, start=1):
        label = f"expenses[{index}]"
        obj = check.obj(item, label=label)
        if obj is None:
            continue
        check.unknown_fields(obj, EXPENSE_FIELDS, f"{label}.")
        booked = check.date(obj, "booked_date", label=f"{label}.booked_date", required=True, today=context.today)
        category = check.choice(obj, "category", Expense.Category.values, label=f"{label}.category", required=True)
        amount = check.amount(obj, "amount", label=f"{label}.amount", required=True)
        currency = check.text(obj, "currency", label=f"{label}.currency", required=True).upper()
        if currency and currency not in context.currencies:
            check.error(
                f"{label}.currency",
                _("“%(value)s” is not a currency code; use ISO 4217, for example NOK, EUR or SEK")
                % {"value": currency},
            )
            currency = ""
        amount_nok = check.amount(obj, "amount_nok", label=f"{label}.amount_nok", required=False)
        if currency and currency != NOK and amount_nok is None and "amount_nok" not in obj:
            check.error(f"{label}.amount_nok", _("is required when the currency is not NOK"))
        if currency == NOK and amount is not None and amount_nok is not None and amount_nok != amount:
            check.error(f"{label}.amount_nok", _("differs from amount although the currency is NOK"))
        if booked and category and amount is not None and currency:
            nok = amount if currency == NOK and amount_nok is None else amount_nok
            if nok is not None:
                rows.append(ExpenseRow(booked, category, amount, currency, nok))
    return rows


# ---------------------------------------------------------------- comparing with the database and writing


@dataclass
class ImportResult:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    hospitals_created: int = 0
    sha256: str = ""
    person_ids: list[int] = field(default_factory=list)

    def as_detail(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "persons_created": self.persons_created,
            "persons_updated": self.persons_updated,
            "hospitals_created": self.hospitals_created,
            "sha256": self.sha256,
        }


# The case fields a line decides; compared to tell an unchanged case from one to update.
_LINE_FIELDS = (
    "route",
    "patient_id",
    "received_date",
    "diagnosis_icd10",
    "requested_treatment",
    "method_id",
    "hospital_id",
    "outcome",
    "decided_on",
    "legal_basis",
    "grounds",
)
# Written on update too, because they follow from the line.
_DERIVED_FIELDS = (
    "diagnosis_chapter",
    "final_outcome",
    "status",
    "closed_on",
    "due_on",
    "due_reason",
    "search_text",
    "version",
    "updated_at",
)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _appeal_key(appeal: Appeal | AppealRow) -> tuple[Any, ...]:
    return (
        appeal.received_date,
        appeal.office_outcome,
        appeal.office_date,
        appeal.board_outcome or "",
        appeal.board_date,
    )


def _expense_key(expense: Expense | ExpenseRow) -> tuple[Any, ...]:
    return (
        expense.booked_date,
        expense.category,
        Decimal(expense.amount).quantize(Decimal("0.01")),
        expense.currency,
        Decimal(expense.amount_nok).quantize(Decimal("0.01")),
    )


class CaseImport:
    """Compare a checked file with the database (``plan``) and write the difference (``apply``)."""

    def __init__(
        self,
        parsed: ParsedFile,
        *,
        office_ids: frozenset[int] | None = None,
        progress: ProgressHook | None = None,
    ):
        if parsed.errors:
            raise ImportRefused(parsed.errors)
        self.parsed = parsed
        self.rows = parsed.rows
        self.office_ids = office_ids
        self.refused: list[AuditItem] = []  # lines out of the importer's scope, found by plan
        self._audit: list[AuditItem] = []  # what apply writes to the trail, one entry per case and person
        self.progress = progress
        self.result = ImportResult(lines=parsed.lines, sha256=parsed.sha256)
        self.regions = {r.code: r for r in Region.objects.all()}
        self._planned = False

    # -- reading what exists

    def plan(self) -> ImportResult:
        """Classify every line as new, updated or unchanged, without writing anything."""
        rows = self.rows
        self.hash_of = {r.national_id.value: crypto.lookup_hash(r.national_id.value) for r in rows}
        self.persons: dict[str, Person] = _persons_by_hash(sorted(set(self.hash_of.values())))
        self.cases: dict[str, Case] = _cases_by_external_id([r.external_id for r in rows])
        if self.office_ids is not None:
            # Checked again here, inside the import's transaction: parse_file checked before it began.
            out = _out_of_scope(rows, self.cases, self.persons, self.office_ids)
            if out:
                self.refused = out.refused
                raise ImportRefused(out.errors)
        self.hospitals = self._existing_hospitals()
        case_ids = [c.pk for c in self.cases.values()]
        self.appeals: dict[int, list[Appeal]] = defaultdict(list)
        self.expenses: dict[int, list[Expense]] = defaultdict(list)
        for chunk in _chunks(case_ids):
            for appeal in Appeal.objects.filter(case_id__in=chunk):
                self.appeals[appeal.case_id].append(appeal)
            for expense in Expense.objects.filter(case_id__in=chunk):
                self.expenses[expense.case_id].append(expense)

        self.person_changes: dict[str, dict[str, Any]] = {}
        for row in rows:
            known = self.persons.get(self.hash_of[row.national_id.value])
            if known is not None:
                changes = self._person_changes(known, row)
                if changes:
                    self.person_changes.setdefault(known.national_id_hash, {}).update(changes)
        self.new_rows: list[CaseRow] = []
        self.changed_rows: list[CaseRow] = []
        for row in rows:
            existing = self.cases.get(row.external_id)
            if existing is None:
                self.new_rows.append(row)
            elif self._differs(existing, row):
                self.changed_rows.append(row)
        self.result.created = len(self.new_rows)
        self.result.updated = len(self.changed_rows)
        self.result.unchanged = len(rows) - len(self.new_rows) - len(self.changed_rows)
        self.result.persons_created = len({self.hash_of[r.national_id.value] for r in rows} - set(self.persons))
        self.result.persons_updated = len(self.person_changes)
        self.result.hospitals_created = len(
            {r.hospital for r in rows if r.hospital is not None and r.hospital not in self.hospitals}
        )
        self._planned = True
        return self.result

    def _existing_hospitals(self) -> dict[HospitalRow, Organisation]:
        names = sorted({r.hospital.name for r in self.rows if r.hospital is not None})
        found: dict[HospitalRow, Organisation] = {}
        for chunk in _chunks(names):
            for org in Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL, name__in=chunk):
                found[HospitalRow(org.name, org.city, str(org.country))] = org
        return found

    def _person_changes(self, person: Person, row: CaseRow) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if row.patient_name and person.name != row.patient_name:
            changes["name"] = row.patient_name
        if self.regions[row.home_region].pk != person.home_region_id:
            changes["home_region_id"] = self.regions[row.home_region].pk
        if row.birth_date_given and person.birth_date != row.birth_date:
            changes["birth_date"] = row.birth_date
        return changes

    def _differs(self, case: Case, row: CaseRow) -> bool:
        person = self.persons.get(self.hash_of[row.national_id.value])
        hospital = self.hospitals.get(row.hospital) if row.hospital else None
        wanted = {
            "route": row.route,
            "patient_id": person.pk if person else None,
            "received_date": row.received_date,
            "diagnosis_icd10": row.diagnosis,
            "requested_treatment": row.requested_treatment,
            "method_id": row.method_id,
            "hospital_id": hospital.pk if hospital else None,
            "outcome": row.outcome,
            "decided_on": row.decided_on,
            "legal_basis": row.legal_basis,
            "grounds": row.grounds,
        }
        if row.hospital is not None and hospital is None:
            return True
        if any(getattr(case, name) != wanted[name] for name in _LINE_FIELDS):
            return True
        if case.final_outcome != row.final_outcome:
            return True
        appeals = [_appeal_key(a) for a in self.appeals.get(case.pk, [])]
        if appeals != ([_appeal_key(row.appeal)] if row.appeal else []):
            return True
        have = sorted(_expense_key(e) for e in self.expenses.get(case.pk, []))
        return have != sorted(_expense_key(e) for e in row.expenses)

    # -- writing

    def apply(self, *, actor: Principal | None, filename: str) -> ImportResult:
        """Write the difference and one audit entry, all in one transaction."""
        with audited_atomic():
            if not self._planned:
                self.plan()
            self._step("write", 0)
            self._audit = []
            self._write_persons()
            self._write_hospitals()
            self._write_cases()
            self.result.person_ids = sorted({self.persons[self.hash_of[r.national_id.value]].pk for r in self.rows})
            audit_record_many(principal=actor, items=self._audit)
            audit_record(
                principal=actor,
                action=Action.IMPORT,
                label=(_("Case import: %(name)s") % {"name": filename})[:200],
                person_ids=self.result.person_ids,
                detail={"file": filename, **self.result.as_detail()},
            )
            self._step("write", len(self.rows))
        return self.result

    def _step(self, stage: str, done: int) -> None:
        if self.progress:
            self.progress(stage, done, len(self.rows))

    def _write_persons(self) -> None:
        now = timezone.now()
        new: dict[str, Person] = {}
        for row in self.rows:
            key = self.hash_of[row.national_id.value]
            if key in self.persons:
                continue
            person = new.get(key)
            if person is None:
                person = Person(
                    name=row.patient_name,
                    national_id_cipher=crypto.encrypt(row.national_id.value),
                    national_id_hash=key,
                    id_kind=row.national_id.kind.value,
                    birth_date=row.birth_date,
                    home_region=self.regions[row.home_region],
                )
                new[key] = person
            elif row.patient_name:
                person.name = row.patient_name  # the last name given wins
        if new:
            _insert(Person, list(new.values()), key="national_id_hash")
            self.persons.update(new)
            self._audit.extend(self._person_item(Action.CREATE, p) for p in new.values())
        changed = []
        for key, changes in self.person_changes.items():
            person = self.persons[key]
            for name, value in changes.items():
                setattr(person, name, value)
            person.updated_at = now
            changed.append(person)
            # Which fields changed, not their values: the trail outlives the person (as core.services.person_update).
            self._audit.append(self._person_item(Action.UPDATE, person, changed=sorted(changes)))
        if changed:
            Person.objects.bulk_update(changed, ["name", "home_region_id", "birth_date", "updated_at"], batch_size=500)

    def _write_hospitals(self) -> None:
        missing = sorted(
            {r.hospital for r in self.rows if r.hospital is not None and r.hospital not in self.hospitals},
            key=lambda h: (h.name, h.city, h.country),
        )
        if not missing:
            return
        Organisation.objects.bulk_create(
            [
                Organisation(kind=Organisation.Kind.HOSPITAL, name=h.name, city=h.city, country=h.country)
                for h in missing
            ]
        )
        self.hospitals = self._existing_hospitals()

    def _write_cases(self) -> None:
        offices = self._offices()
        methods = {m.pk: m for m in Method.objects.filter(pk__in={r.method_id for r in self.rows if r.method_id})}
        serials = self._take_serials(offices)
        now = timezone.now()
        due = _DueDates()

        new_cases: list[tuple[Case, CaseRow]] = []
        for row in self.new_rows:
            office = offices[row.home_region]
            year = row.received_date.year
            serial = next(serials[(office.pk, year)])
            case = Case(
                office=office,
                year=year,
                serial=serial,
                number=f"{year}/{serial:04d}",
                external_id=row.external_id,
                applicant=Case.Applicant.REFERRING_BODY if row.route in REFERRAL_ROUTES else "",
            )
            self._fill(case, row, methods, due)
            new_cases.append((case, row))
        _insert(Case, [case for case, _row in new_cases], key="external_id")

        self._audit.extend(self._case_item(Action.CREATE, case) for case, _row in new_cases)

        updated: list[tuple[Case, CaseRow]] = []
        for row in self.changed_rows:
            case = self.cases[row.external_id]
            before = {name: getattr(case, name) for name in _LINE_FIELDS}
            self._fill(case, row, methods, due)
            case.version += 1
            case.updated_at = now
            updated.append((case, row))
            changed = [name.removesuffix("_id") for name in _LINE_FIELDS if getattr(case, name) != before[name]]
            if [_appeal_key(a) for a in self.appeals.get(case.pk, [])] != (
                [_appeal_key(row.appeal)] if row.appeal else []
            ):
                changed.append("appeal")
            if sorted(_expense_key(e) for e in self.expenses.get(case.pk, [])) != sorted(
                _expense_key(e) for e in row.expenses
            ):
                changed.append("expenses")
            self._audit.append(self._case_item(Action.UPDATE, case, changed=changed))
        if updated:
            Case.objects.bulk_update(
                [case for case, _row in updated], [*_LINE_FIELDS, *_DERIVED_FIELDS], batch_size=500
            )
        self._write_children(new_cases, updated)

    def _case_item(self, action: str, case: Case, **detail: Any) -> AuditItem:
        return AuditItem(
            action=action,
            object_type=Case._meta.label_lower,
            object_id=str(case.pk),
            label=case.number,
            person_id=case.patient_id,
            detail={"via": "import", "file_sha256": self.result.sha256, **detail},
        )

    def _person_item(self, action: str, person: Person, **detail: Any) -> AuditItem:
        return AuditItem(
            action=action,
            object_type=Person._meta.label_lower,
            object_id=str(person.pk),
            label=person.audit_label,
            person_id=person.pk,
            detail={"via": "import", "file_sha256": self.result.sha256, **detail},
        )

    def _fill(self, case: Case, row: CaseRow, methods: dict[int, Method], due: _DueDates) -> None:
        person = self.persons[self.hash_of[row.national_id.value]]
        case.patient = person
        case.route = row.route
        case.received_date = row.received_date
        case.diagnosis_icd10 = row.diagnosis
        case.diagnosis_chapter = row.chapter
        case.requested_treatment = row.requested_treatment
        case.method = methods.get(row.method_id) if row.method_id else None
        case.hospital = self.hospitals[row.hospital] if row.hospital else None
        case.outcome = row.outcome
        case.decided_on = row.decided_on
        case.legal_basis = row.legal_basis
        case.grounds = row.grounds
        case.final_outcome = row.final_outcome
        case.status = row.status
        case.closed_on = row.closed_on
        case.due_on, case.due_reason = due.for_row(row)
        case.search_text = base._search_text(case)  # one rule for what the search finds

    def _offices(self) -> dict[str, Office]:
        """The office that handles each region, by the one rule the services use (``office_for``)."""
        return {code: base.office_for(Person(home_region=region)) for code, region in self.regions.items()}

    def _take_serials(self, offices: dict[str, Office]) -> dict[tuple[int, int], Iterator[int]]:
        """Reserve gap-free case numbers per office and year, under the counters' row locks."""
        needed: dict[tuple[int, int], int] = defaultdict(int)
        for row in self.new_rows:
            needed[(offices[row.home_region].pk, row.received_date.year)] += 1
        serials: dict[tuple[int, int], Iterator[int]] = {}
        for (office_id, year), count in sorted(needed.items()):
            counter, _created = CaseCounter.objects.select_for_update().get_or_create(office_id=office_id, year=year)
            serials[(office_id, year)] = iter(range(counter.last + 1, counter.last + count + 1))
            counter.last += count
            counter.save(update_fields=["last"])
        return serials

    def _write_children(self, new_cases: list[tuple[Case, CaseRow]], updated: list[tuple[Case, CaseRow]]) -> None:
        """Appeals and expenses: created for new cases; replaced by the line's where they differ."""
        replace_appeals: list[int] = []
        replace_expenses: list[int] = []
        appeals: list[Appeal] = []
        expenses: list[Expense] = []
        for case, row in updated:
            if [_appeal_key(a) for a in self.appeals.get(case.pk, [])] != (
                [_appeal_key(row.appeal)] if row.appeal else []
            ):
                replace_appeals.append(case.pk)
                appeals.extend(self._appeals_for(case, row))
            if sorted(_expense_key(e) for e in self.expenses.get(case.pk, [])) != sorted(
                _expense_key(e) for e in row.expenses
            ):
                replace_expenses.append(case.pk)
                expenses.extend(self._expenses_for(case, row))
        for case, row in new_cases:
            appeals.extend(self._appeals_for(case, row))
            expenses.extend(self._expenses_for(case, row))
        for chunk in _chunks(replace_appeals):
            Appeal.objects.filter(case_id__in=chunk).delete()
        for chunk in _chunks(replace_expenses):
            Expense.objects.filter(case_id__in=chunk).delete()
        _insert(Appeal, appeals)
        _insert(Expense, expenses)

    def _appeals_for(self, case: Case, row: CaseRow) -> list[Appeal]:
        appeal = row.appeal
        if appeal is None:
            return []
        deadline = LegalDeadline.get("appeal").after(row.decided_on or row.received_date)
        return [
            Appeal(
                case_id=case.pk,
                received_date=appeal.received_date,
                deadline=deadline,
                late=appeal.received_date > deadline,
                office_outcome=appeal.office_outcome,
                office_date=appeal.office_date,
                appeals_body=Appeal.Body.STATSFORVALTEREN if row.route == Route.PGD else Appeal.Body.KLAGENEMNDA,
                board_outcome=appeal.board_outcome,
                board_date=appeal.board_date,
            )
        ]

    def _expenses_for(self, case: Case, row: CaseRow) -> list[Expense]:
        return [
            Expense(
                case_id=case.pk,
                kind=Expense.Kind.INVOICE,
                category=e.category,
                invoice_date=e.booked_date,
                booked_date=e.booked_date,
                amount=e.amount,
                currency=e.currency,
                exchange_rate=(e.amount_nok / e.amount).quantize(RATE_PLACES),
                amount_nok=e.amount_nok,
                # Booked in the accounts, so paid: imported expenses are settled on their accounting date.
                state=Expense.State.SETTLED,
                settled_on=e.booked_date,
            )
            for e in row.expenses
        ]


def _insert(model: type[models.Model], objects: list[Any], *, key: str = "") -> None:
    """Insert new rows. On PostgreSQL through COPY, which is several times faster than INSERT for thousands of rows
    (Django's bulk_create prepares every field of every row in Python); elsewhere with bulk_create. With ``key`` (a
    unique field), every object gets its id."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=500)
    else:
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
        as_json = {f.attname for f in fields if isinstance(f, models.JSONField)}
        names = [f.attname for f in fields]
        with connection.cursor() as cursor:
            copy_sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for obj in objects:
                    for name in stamped:
                        setattr(obj, name, now)
                    copy.write_row(
                        [
                            json.dumps(getattr(obj, n), cls=DjangoJSONEncoder) if n in as_json else getattr(obj, n)
                            for n in names
                        ]
                    )
    if key and any(obj.pk is None for obj in objects):
        by_key: dict[Any, int] = {}
        for chunk in _chunks([getattr(obj, key) for obj in objects]):
            by_key.update(model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
        for obj in objects:
            obj.pk = by_key[getattr(obj, key)]
            obj._state.adding = False


class _DueDates:
    """What an imported case needs next (as abroad.deadlines), without a query per case."""

    def for_row(self, row: CaseRow) -> tuple[date | None, str]:
        status = row.status
        if status == Status.CLOSED:
            return None, ""
        if status == Status.AT_APPEALS_BODY:
            return None, "appeals_body"
        if status == Status.APPEALED and row.appeal is not None:
            return LegalDeadline.get("appeal_reconsideration").after(row.appeal.received_date), "appeal_reconsideration"
        return deadlines.compute(Case(status=status, received_date=row.received_date))


# ---------------------------------------------------------------- the whole import


def _scope(actor: Principal | None) -> tuple[frozenset[int] | None, set[str] | None]:
    """The offices whose cases and patients the actor may write, and the regions they handle (None: all)."""
    office_ids = policies.import_office_ids(actor)
    return office_ids, None if office_ids is None else regions_of_offices(office_ids)


def _audit_refused(actor: Principal | None, refused: list[AuditItem]) -> None:
    """Lines naming another office's case or patient are written to the trail as refused attempts, each naming
    the case or person (its own transaction, kept although nothing is imported)."""
    if refused:
        audit_record_many(principal=actor, items=refused)


def cases_preview(content: bytes, *, actor: Principal | None) -> tuple[ParsedFile, ImportResult | None]:
    """What importing the file would do for ``actor``: its bad lines, or the number of new, updated and unchanged
    cases."""
    office_ids, regions = _scope(actor)
    parsed = parse_file(content, allowed_regions=regions, office_ids=office_ids)
    _audit_refused(actor, parsed.refused)
    if parsed.errors:
        return parsed, None
    importer = CaseImport(parsed, office_ids=office_ids)
    try:
        return parsed, importer.plan()
    except ImportRefused as refused:  # the data changed between reading the lines and planning
        _audit_refused(actor, importer.refused)
        parsed.errors = refused.errors
        return parsed, None


def cases_import(
    *,
    actor: Principal | None,
    content: bytes,
    filename: str,
    progress: ProgressHook | None = None,
) -> ImportResult:
    """Import a whole JSON Lines file, or nothing: raises ImportRefused naming every bad line. ``actor`` decides
    which offices' cases and patients the file may write (``abroad.policies.import_office_ids``)."""
    office_ids, regions = _scope(actor)
    parsed = parse_file(content, allowed_regions=regions, office_ids=office_ids, progress=progress)
    _audit_refused(actor, parsed.refused)
    importer = CaseImport(parsed, office_ids=office_ids, progress=progress)
    try:
        return importer.apply(actor=actor, filename=filename)
    except ImportRefused:
        _audit_refused(actor, importer.refused)
        raise


def regions_of_offices(office_ids: Iterable[int]) -> set[str]:
    """The region codes the given offices handle (an office lead imports only for these)."""
    return set(Region.objects.filter(Q(offices__in=list(office_ids))).values_list("code", flat=True))
