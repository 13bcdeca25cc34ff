"""Importing a supplier's yearly list of agreements from CSV or XLSX (issue 14, item 6): ``vegvis import
cooperation FILE``.

Two phases, as every importer of the imports kit: ``parse`` reads the table and checks every row, naming every
problem with its line and column in Norwegian (``lines.LineError``); nothing is written while any row is bad.
``run`` then enters each row through ``services.agreement_enter`` (so each agreement gets its review period and
its organisation's users are mailed after commit, exactly as when entered on the page), the whole file in one
``transaction.all_or_nothing``. The columns are documented in docs/modules/cooperation.md ("Import").
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from vegvis.access.principal import Principal
from vegvis.cooperation.models import Cover, Kind
from vegvis.cooperation.policies import ENTER, may_enter_for
from vegvis.cooperation.services import AgreementData, AgreementRefused, EventData, LogoUseData, agreement_enter
from vegvis.core.amounts import AmountError, parse_amount
from vegvis.core.forms import DateField
from vegvis.core.models import Organisation
from vegvis.imports.lines import ImportRefused, LineCheck, LineError
from vegvis.imports.registry import ProgressHook
from vegvis.imports.transaction import all_or_nothing

MAX_ROWS = 5000
MAX_COLUMNS = 100  # cells read per line: far more than the columns, so an unknown one is still named
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False


# The columns, in the template's order (headers compared without case and surrounding spaces).
COLUMNS = (
    Column("leverandør"),
    Column("organisasjon", required=True),
    Column("type", required=True),
    Column("tredjepart"),
    Column("skriftlig", required=True),
    Column("signert"),
    Column("start", required=True),
    Column("slutt"),
    Column("beløp"),
    Column("verdi i annet enn penger"),
    Column("formål"),
    Column("eksklusiv", required=True),
    Column("åpenhetsklausul", required=True),
    Column("markedsverdi oppgitt", required=True),
    Column("arrangement"),
    Column("arrangement land"),
    Column("arrangement dekker"),
    Column("logo godkjent"),
    Column("logo formål"),
    Column("logo måte"),
)
HEADERS = frozenset(c.header for c in COLUMNS)
YES = {"ja", "j", "yes", "true", "1", "x"}
NO = {"nei", "n", "no", "false", "0", ""}


@dataclass
class ParsedFile:
    rows: list[tuple[int, AgreementData]]
    errors: list[LineError]


# ---------------------------------------------------------------- reading the table


def read_table(content: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    """(line number, cells) for every non-empty line of a CSV or XLSX file, the header first; ImportRefused for any
    other file."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise ImportRefused([_("The file must be a CSV file (.csv) or an Excel workbook (.xlsx).")])


def _read_xlsx(content: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise ImportRefused([_("The file is named .xlsx but is not an Excel workbook.")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused([_("The file is named .xlsx but is not an Excel workbook.")]) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:  # a small file that unpacks to gigabytes (a zip bomb)
        raise ImportRefused([_("The workbook is too large when unpacked; split it.")])
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportRefused([_("The file is named .xlsx but is not an Excel workbook.")]) from None
    sheet = workbook.worksheets[0]
    rows = []
    # Read no further than one line past the limit (the header and MAX_ROWS agreements), and no wider than any
    # real list: a sheet of a million rows is refused by the count without being held in memory.
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        cells = list(values)
        if any(c not in (None, "") for c in cells):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                break
    workbook.close()
    return rows


def _read_csv(content: bytes) -> list[tuple[int, list[Any]]]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused([_("The CSV file is not UTF-8 text; save it as CSV UTF-8.")]) from None
    if "\x00" in text or text.lstrip().startswith(("<", "%PDF")):
        raise ImportRefused([_("The file is named .csv but is not a CSV file.")])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))  # the line the row ends on, as an editor counts
    except csv.Error as error:
        raise ImportRefused([_("The CSV file cannot be read: %(error)s") % {"error": error}]) from None
    return rows


# ---------------------------------------------------------------- checking the rows


def parse(content: bytes, filename: str, *, actor: Principal) -> ParsedFile:
    table = read_table(content, filename)
    errors: list[LineError] = []
    if not table:
        raise ImportRefused([_("The file is empty: it must have a header line and one line per agreement.")])
    header_line, header = table[0]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip().lower()
        if not name:
            continue
        if name not in HEADERS:
            errors.append(LineError(header_line, str(cell), _("unknown column; see the list of columns in the guide")))
        elif name in positions:
            errors.append(LineError(header_line, name, _("the column appears twice")))
        else:
            positions[name] = index
    for column in COLUMNS:
        if column.required and column.header not in positions:
            errors.append(LineError(header_line, column.header, _("the column is missing")))
    if errors:
        raise ImportRefused(errors)
    if len(table) == 1:
        raise ImportRefused([_("The file has no agreements: only the header line.")])
    if len(table) - 1 > MAX_ROWS:
        raise ImportRefused([_("The file has more than %(max)s agreements; split it.") % {"max": MAX_ROWS}])
    reader = _RowReader(actor)
    rows = []
    for number, cells in table[1:]:
        values = {name: cells[i] if i < len(cells) else None for name, i in positions.items()}
        data = reader.row(LineCheck(number, errors), values)
        if data is not None:
            rows.append((number, data))
    return ParsedFile(rows=rows, errors=errors)


class _RowReader:
    def __init__(self, actor: Principal):
        self.actor = actor
        suppliers = Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)
        grant = actor.grant(ENTER)
        if not grant.everywhere:
            suppliers = suppliers.filter(pk__in=sorted(grant.organisation_ids))
        self.own_suppliers = list(suppliers)
        self.kinds = {value: value for value in Kind.values} | {str(label).lower(): v for v, label in Kind.choices}
        self.covers = {value: value for value in Cover.values} | {str(label).lower(): v for v, label in Cover.choices}
        self.countries = {code for code, _name in countries}

    def row(self, check: LineCheck, values: dict[str, Any]) -> AgreementData | None:
        supplier = self.supplier(check, self.text(values, "leverandør"))
        organisation = self.organisation(check, self.text(values, "organisasjon"))
        kind = self.choice(check, values, "type", self.kinds, required=True)
        written = self.yes_no(check, values, "skriftlig")
        signed_on = self.date(check, values, "signert")
        starts_on = self.date(check, values, "start", required=True)
        ends_on = self.date(check, values, "slutt")
        if starts_on and ends_on and ends_on < starts_on:
            check.error("slutt", _("the cooperation cannot end before it starts"))
        amount = self.amount(check, values, "beløp")
        in_kind = self.amount(check, values, "verdi i annet enn penger")
        exclusive = self.yes_no(check, values, "eksklusiv")
        transparency = self.yes_no(check, values, "åpenhetsklausul")
        market_value = self.yes_no(check, values, "markedsverdi oppgitt")
        event = self.event(check, values)
        logo = self.logo(check, values)
        for name, limit in (
            ("tredjepart", 200),
            ("formål", 5000),
            ("arrangement", 200),
            ("logo formål", 300),
            ("logo måte", 300),
        ):
            if len(self.text(values, name)) > limit:
                check.error(name, _("is too long (at most %(max)s characters)") % {"max": limit})
        if not check.ok:
            return None
        assert supplier and organisation and starts_on  # check.ok: all three were read
        return AgreementData(
            supplier=supplier,
            organisation=organisation,
            kind=kind,
            third_party=self.text(values, "tredjepart"),
            written=bool(written),
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            amount_nok=amount,
            in_kind_value_nok=in_kind,
            purpose=self.text(values, "formål"),
            exclusive=bool(exclusive),
            transparency_clause=bool(transparency),
            market_value_stated=bool(market_value),
            event=event,
            logo_uses=logo,
        )

    @staticmethod
    def text(values: dict[str, Any], name: str) -> str:
        value = values.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def supplier(self, check: LineCheck, name: str) -> Organisation | None:
        if not name:
            if len(self.own_suppliers) == 1:
                return self.own_suppliers[0]
            check.error("leverandør", _("is missing; write the supplier's name"))
            return None
        found = [s for s in self.own_suppliers if s.name.casefold() == name.casefold() or s.organisation_number == name]
        if len(found) != 1 or not may_enter_for(self.actor, found[0].pk):
            check.error("leverandør", _("“%(value)s” is not a supplier you may enter agreements for") % {"value": name})
            return None
        return found[0]

    def organisation(self, check: LineCheck, name: str) -> Organisation | None:
        if not name:
            check.error("organisasjon", _("is missing"))
            return None
        candidates = Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)
        found = list(candidates.filter(name__iexact=name)[:2]) or list(candidates.filter(organisation_number=name)[:2])
        if len(found) != 1:
            message = (
                _("“%(value)s” names more than one patient organisation; write its organisation number")
                if found
                else _("“%(value)s” is not a patient organisation in the register")
            )
            check.error("organisasjon", message % {"value": name})
            return None
        return found[0]

    def choice(
        self, check: LineCheck, values: dict[str, Any], name: str, options: dict[str, str], *, required: bool
    ) -> str:
        value = self.text(values, name)
        if not value:
            if required:
                check.error(name, _("is missing"))
            return ""
        found = options.get(value.lower())
        if found is None:
            check.error(
                name,
                _("“%(value)s” is not allowed; write one of: %(choices)s")
                % {"value": value, "choices": ", ".join(sorted(set(options.values())))},
            )
            return ""
        return found

    def yes_no(self, check: LineCheck, values: dict[str, Any], name: str) -> bool | None:
        value = values.get(name)
        if isinstance(value, bool):
            return value
        text = self.text(values, name).lower()
        if not text:
            check.error(name, _("is missing; write ja or nei"))
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        check.error(name, _("“%(value)s” is not ja or nei") % {"value": text})
        return None

    def date(self, check: LineCheck, values: dict[str, Any], name: str, *, required: bool = False) -> date | None:
        value = values.get(name)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(values, name)
        if not text:
            if required:
                check.error(name, _("is missing"))
            return None
        try:
            return DateField().to_python(text)
        except ValidationError:
            message = _("“%(value)s” is not a date; write dd.mm.yyyy, for example 03.02.2027")
            check.error(name, message % {"value": text})
            return None

    def amount(self, check: LineCheck, values: dict[str, Any], name: str) -> Decimal | None:
        value = values.get(name)
        if isinstance(value, bool):
            check.error(name, _("must be an amount, for example 412 345,50"))
            return None
        if isinstance(value, int | float):
            amount = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        else:
            text = self.text(values, name)
            if not text:
                return None
            try:
                amount = parse_amount(text)
            except AmountError as error:
                check.error(name, _("“%(value)s”: %(error)s") % {"value": text, "error": error})
                return None
        if amount < 0:
            check.error(name, _("the amount cannot be negative"))
            return None
        if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
            check.error(name, _("“%(value)s” has more than two decimals or is too large") % {"value": value})
            return None
        return amount

    def event(self, check: LineCheck, values: dict[str, Any]) -> EventData | None:
        name = self.text(values, "arrangement")
        country = self.text(values, "arrangement land").upper()
        covers_text = self.text(values, "arrangement dekker")
        if not (name or country or covers_text):
            return None
        if not country:
            check.error("arrangement land", _("is missing; write the event's country as two letters, e.g. NO"))
        elif country not in self.countries:
            message = _("“%(value)s” is not a country code such as NO or SE")
            check.error("arrangement land", message % {"value": country})
        covers = []
        for part in (p.strip() for p in covers_text.split(",")):
            if not part:
                continue
            found = self.covers.get(part.lower())
            if found is None:
                check.error(
                    "arrangement dekker",
                    _("“%(value)s” is not allowed; write one of: %(choices)s")
                    % {"value": part, "choices": ", ".join(Cover.values)},
                )
            elif found not in covers:
                covers.append(found)
        return EventData(name=name, country=country, covers=tuple(covers))

    def logo(self, check: LineCheck, values: dict[str, Any]) -> tuple[LogoUseData, ...]:
        approved = self.date(check, values, "logo godkjent")
        purpose, manner = self.text(values, "logo formål"), self.text(values, "logo måte")
        if approved is None and not purpose and not manner:
            return ()
        return (LogoUseData(approved_on=approved, purpose=purpose, manner=manner),)


# ---------------------------------------------------------------- writing


def run(*, actor: Principal, content: bytes, filename: str, progress: ProgressHook | None = None) -> str:
    """Import the whole file through ``agreement_enter``, or nothing (ImportRefused naming every problem)."""
    parsed = parse(content, filename, actor=actor)
    if parsed.errors:
        raise ImportRefused(parsed.errors)
    total = len(parsed.rows)
    numbers = []
    with all_or_nothing(actor=actor, label=f"cooperation agreements {filename}", filename=filename) as record:
        for done, (line, data) in enumerate(parsed.rows, start=1):
            try:
                numbers.append(agreement_enter(actor=actor, data=data).number)
            except AgreementRefused as refused:
                raise ImportRefused([LineError(line, "", str(refused))]) from refused
            if progress is not None:
                progress("write", done, total)
        record.detail = {"agreements": total, "numbers": numbers}
    return _("%(count)s agreement(s) imported and sent to the organisations for review.") % {"count": total}
