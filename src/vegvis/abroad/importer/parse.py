"""Reading and checking every line of a case file, before anything is written (the contract's field rules).

The JSON Lines reading and the field checks a line needs (text, choice, date, amount, object) are the imports
kit's (``imports.lines``); the rules of the case format are here. See docs/modules/import.md, "Checking".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from vegvis.abroad.importer.rows import (
    APPEAL_FIELDS,
    CASE_FIELDS,
    DECISION_FIELDS,
    DECISION_OUTCOMES,
    EXPENSE_FIELDS,
    HOSPITAL_FIELDS,
    REFERRAL_ROUTES,
    ROUTES,
    AppealRow,
    CaseRow,
    ExpenseRow,
    HospitalRow,
    ParsedFile,
)
from vegvis.abroad.importer.scope import cases_by_external_id, out_of_scope, persons_by_hash
from vegvis.abroad.models import Appeal, Expense, Method, Outcome
from vegvis.audit.services import AuditItem
from vegvis.core import crypto, icd10
from vegvis.core.currency import NOK, codes
from vegvis.core.models import Region
from vegvis.core.national_id import NationalId, NationalIdError, parse
from vegvis.imports.lines import LineCheck, LineError, json_lines
from vegvis.imports.registry import ProgressHook


@dataclass
class _Context:
    today: date
    regions: dict[str, str]  # code → name
    methods: dict[str, int]  # lower-case name → id
    allowed_regions: set[str] | None
    currencies: frozenset[str]
    allow_synthetic: bool


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
    lines = list(json_lines(content))
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
        cases = cases_by_external_id([r.external_id for r in rows])
        known = persons_by_hash(sorted({crypto.lookup_hash(r.national_id.value) for r in rows}))
        out = out_of_scope(rows, cases, known, office_ids)
        if out:
            errors.extend(out.errors)
            errors.sort(key=lambda e: e.line)
            refused = out.refused
            rows = [r for r in rows if r.line not in out.lines]
    return ParsedFile(
        rows=rows, errors=errors, lines=len(lines), sha256=hashlib.sha256(content).hexdigest(), refused=refused
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
    check = LineCheck(number, errors)
    data = check.read(
        text,
        not_an_object=_("the line must be one case: a JSON object in braces {…}"),
        too_deep=_(
            "the line has brackets nested too deep to read; a case nests at most three levels "
            "(the line, the expenses list, an expense)"
        ),
    )
    if data is None:
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


def _national_id(check: LineCheck, data: dict[str, Any], context: _Context) -> NationalId | None:
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


def _diagnosis(check: LineCheck, data: dict[str, Any]) -> tuple[str, str]:
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


def _method(check: LineCheck, data: dict[str, Any], context: _Context) -> int | None:
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


def _hospital(check: LineCheck, value: Any) -> HospitalRow | None:
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


def _decision(
    check: LineCheck, value: Any, received: date | None, context: _Context
) -> tuple[str, date | None, str, str]:
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
    check: LineCheck, value: Any, route: str, outcome: str, decided_on: date | None, context: _Context
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


def _expenses(check: LineCheck, value: Any, context: _Context) -> list[ExpenseRow]:
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
