"""Exchange rates: importing Norges Bank's CSV and converting amounts to NOK. Money is Decimal, never float.

Norges Bank's open-data API gives the daily series ``B.<currency>.NOK.SP`` as semicolon-separated CSV with,
among others, the columns BASE_CUR, QUOTE_CUR, UNIT_MULT, TIME_PERIOD and OBS_VALUE. Some currencies (SEK,
DKK, JPY, …) are quoted per 100 units (UNIT_MULT = 2): the value is divided by 10**UNIT_MULT.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from vegvis.core.currency import NOK, codes
from vegvis.core.models import ExchangeRate
from vegvis.imports.lines import ImportRefused
from vegvis.imports.registry import ProgressHook

# A rate is taken from the same day or the closest earlier business day within this many days.
MAX_RATE_AGE_DAYS = 7
CENT = Decimal("0.01")
REQUIRED_COLUMNS = ("BASE_CUR", "QUOTE_CUR", "UNIT_MULT", "TIME_PERIOD", "OBS_VALUE")
# What ExchangeRate.nok_per_unit can hold (8 decimals, 10 digits before the point); a rate outside is an error.
SMALLEST_RATE = Decimal("0.00000001")
LARGEST_RATE = Decimal(10) ** 10


class RateMissing(LookupError):
    """No rate for the currency near the date; the message is for the user."""


@dataclass(frozen=True)
class RateRow:
    currency: str
    day: date
    nok_per_unit: Decimal


@dataclass(frozen=True)
class RateImportResult:
    created: int
    updated: int


class RateFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_decimal(text: str) -> Decimal:
    """Norges Bank writes 10.7155 (English) or 10,7155 (Norwegian), sometimes with thousands separators."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    # Both separators: the comma groups thousands. Only a comma: it is the decimal sign.
    cleaned = cleaned.replace(",", "") if "," in cleaned and "." in cleaned else cleaned.replace(",", ".")
    return Decimal(cleaned)


def parse_norges_bank_csv(text: str) -> list[RateRow]:
    """Parse the whole file or raise RateFileError naming every bad line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";")
    try:
        return _parse_rows(reader)
    except csv.Error as error:  # e.g. a field longer than the csv module allows
        raise RateFileError(
            [_("Line %(line)s: the line cannot be read as CSV.") % {"line": reader.line_num}]
        ) from error


def _parse_rows(reader: Any) -> list[RateRow]:
    header = next(reader, None)
    if header is None:
        raise RateFileError([_("The file is empty.")])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RateFileError(
            [
                _("This is not a Norges Bank exchange-rate file: the columns %(cols)s are missing.")
                % {"cols": ", ".join(missing)}
            ]
        )
    index = {name: header.index(name) for name in REQUIRED_COLUMNS}
    rows: list[RateRow] = []
    problems: list[str] = []
    known = codes()
    for line_number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        try:
            base = fields[index["BASE_CUR"]].strip().upper()
            quote = fields[index["QUOTE_CUR"]].strip().upper()
            multiplier = int(fields[index["UNIT_MULT"]])
            day = date.fromisoformat(fields[index["TIME_PERIOD"]].strip())
            value = parse_decimal(fields[index["OBS_VALUE"]])
        except (IndexError, ValueError, InvalidOperation):
            problems.append(_("Line %(line)s: the line cannot be read as a date and a rate.") % {"line": line_number})
            continue
        per_unit = value / (Decimal(10) ** multiplier) if value.is_finite() and 0 <= multiplier <= 6 else None
        if quote != NOK:
            problems.append(_("Line %(line)s: the rate is not quoted in NOK.") % {"line": line_number})
        elif base not in known:
            problems.append(
                _("Line %(line)s: %(code)s is not an ISO 4217 currency.") % {"line": line_number, "code": base}
            )
        elif not 0 <= multiplier <= 6:
            problems.append(_("Line %(line)s: the unit multiplier must be between 0 and 6.") % {"line": line_number})
        elif per_unit is None or per_unit <= 0:
            problems.append(_("Line %(line)s: the rate must be above zero.") % {"line": line_number})
        elif not SMALLEST_RATE <= per_unit < LARGEST_RATE:
            problems.append(_("Line %(line)s: the rate is too large or too small to be right.") % {"line": line_number})
        else:
            rows.append(RateRow(currency=base, day=day, nok_per_unit=per_unit.quantize(SMALLEST_RATE)))
    if problems:
        raise RateFileError(problems)
    return rows


def rates_import(text: str, *, source: str = "Norges Bank") -> RateImportResult:
    """All or nothing: either every line is valid and stored, or nothing is."""
    rows = parse_norges_bank_csv(text)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            _rate, was_created = ExchangeRate.objects.update_or_create(
                currency=row.currency, date=row.day, defaults={"nok_per_unit": row.nok_per_unit, "source": source}
            )
            created += was_created
            updated += not was_created
    return RateImportResult(created=created, updated=updated)


def run_import(*, actor: Any, content: bytes, filename: str, progress: ProgressHook | None) -> str:
    """``vegvis import rates FILE`` (the importer core declares in its AppConfig)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_("The file is not UTF-8 text.")]) from None
    try:
        result = rates_import(text)
    except RateFileError as error:
        raise ImportRefused(error.problems) from None
    return _("%(created)s new and %(updated)s updated rates imported.") % {
        "created": result.created,
        "updated": result.updated,
    }


def rate_on(currency: str, day: date) -> Decimal:
    """NOK per unit on the day, or on the closest earlier business day (rates are not set on holidays)."""
    currency = currency.upper()
    if currency == NOK:
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency=currency, date__lte=day, date__gte=day - timedelta(days=MAX_RATE_AGE_DAYS))
        .order_by("-date")
        .values_list("nok_per_unit", flat=True)
        .first()
    )
    if rate is None:
        raise RateMissing(
            _(
                "There is no exchange rate for %(currency)s on or shortly before %(day)s. "
                "Import Norges Bank's rates first."
            )
            % {"currency": currency, "day": day.strftime("%d.%m.%Y")}
        )
    return rate


def to_nok(amount: Decimal, rate: Decimal) -> Decimal:
    """Whole øre, rounded half up as in accounting."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
