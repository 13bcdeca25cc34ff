"""Norwegian national identity numbers: fødselsnummer, D-number, H-number and synthetic test numbers.

python-stdnum validates the classic numbers. It does not know two things we must accept: the check-digit rule
for numbers issued from 2032 (the first check digit may leave a remainder of 0, 1, 2 or 3) and Skatteetaten's
synthetic test numbers (Tenor, month + 80). This module wraps it and adds both. Sex is never derived.

A number whose month is raised by 40 is either an H-number (a health-sector help number) or one of NAV's
synthetic test numbers: the digits cannot tell them apart, so an H-number must be declared as such by the
user (``kind=IdKind.H_NUMBER``), and an undeclared month + 40 is treated as synthetic.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.no import fodselsnummer

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class IdKind(enum.StrEnum):
    FODSELSNUMMER = "fnr"
    D_NUMBER = "dnr"
    H_NUMBER = "hnr"
    SYNTHETIC = "synthetic"


class NationalIdError(ValueError):
    """The number is not a valid national identity number; the message is for the user."""


@dataclass(frozen=True)
class NationalId:
    value: str
    kind: IdKind
    birth_date: datetime.date | None
    issued_from_2032: bool

    @property
    def masked(self) -> str:
        return mask(self.value)


def mask(value: str) -> str:
    """Show the date part only: ``150886 *****``. Used wherever the role does not need the whole number."""
    return f"{value[:6]} *****" if len(value) == 11 else "*****"


def _weighted_remainder(digits: str, weights: tuple[int, ...]) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11


def _check_digits(number: str) -> tuple[bool, bool]:
    """(valid, issued_from_2032). From 2032 the first check digit may leave remainder 0-3 over 10 digits."""
    k1_remainder = _weighted_remainder(number[:10], (*K1_WEIGHTS, 1))
    k2_ok = _weighted_remainder(number[:10], K2_WEIGHTS) == (11 - int(number[10])) % 11
    if not k2_ok:
        return False, False
    if k1_remainder == 0:
        return True, False
    return k1_remainder in (1, 2, 3), True


def _birth_date(number: str) -> datetime.date | None:
    """Birth date by the pre-2032 rules (day + 40 for D, month + 40/80 for H and synthetic)."""
    day, month = int(number[:2]), int(number[2:4])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    normalised = f"{day:02d}{month:02d}{number[4:]}"
    try:
        return fodselsnummer.get_birth_date(normalised)
    except Exception:  # stdnum raises its own InvalidComponent for impossible dates and centuries
        return None


def parse(raw: str, *, allow_synthetic: bool, kind: IdKind | None = None) -> NationalId:
    """Validate a national id and tell what it is; raise NationalIdError with a message for the user."""
    number = "".join(ch for ch in (raw or "") if not ch.isspace() and ch not in "-.")
    if not number:
        raise NationalIdError(_("Enter the national identity number."))
    if not number.isdigit() or len(number) != 11:
        raise NationalIdError(_("A national identity number has exactly 11 digits."))
    valid, from_2032 = _check_digits(number)
    if not valid:
        raise NationalIdError(_("The check digits do not match. Check the number for typing errors."))

    day, month = int(number[:2]), int(number[2:4])
    if day >= 80:
        raise NationalIdError(_("FH numbers are not supported. Register the person with a fødselsnummer or D-number."))
    if month > 80:
        detected = IdKind.SYNTHETIC  # Skatteetaten's Tenor test numbers
    elif month > 40:
        detected = IdKind.H_NUMBER if kind == IdKind.H_NUMBER else IdKind.SYNTHETIC
    elif day > 40:
        detected = IdKind.D_NUMBER
    else:
        detected = IdKind.FODSELSNUMMER
    if kind == IdKind.H_NUMBER and detected != IdKind.H_NUMBER:
        raise NationalIdError(_("This is not an H-number: in an H-number the month is raised by 40."))

    if detected == IdKind.SYNTHETIC and not allow_synthetic:
        raise NationalIdError(
            _(
                "This is a synthetic test number (month raised by 40 or 80), which this installation does not "
                "accept. If it is an H-number, choose H-number as the type."
            )
        )

    birth_date = None if from_2032 else _birth_date(number)
    if birth_date is None and not from_2032:
        raise NationalIdError(_("The first six digits are not a valid date of birth."))
    return NationalId(value=number, kind=detected, birth_date=birth_date, issued_from_2032=from_2032)


def is_valid(raw: str, *, allow_synthetic: bool) -> bool:
    try:
        parse(raw, allow_synthetic=allow_synthetic)
    except NationalIdError:
        return False
    return True


def check_digits_for(first_nine: str) -> str | None:
    """The two classic check digits for nine digits, or None when either would be 10 (unused number)."""
    k1 = (11 - _weighted_remainder(first_nine, K1_WEIGHTS)) % 11
    if k1 == 10:
        return None
    k2 = (11 - _weighted_remainder(first_nine + str(k1), K2_WEIGHTS)) % 11
    if k2 == 10:
        return None
    return f"{k1}{k2}"


def synthetic_number(birth_date: datetime.date, individual: int) -> str | None:
    """A Tenor-style synthetic number (month + 80) for demo and test data; None if the serial is unusable."""
    individual = 500 + individual % 500 if birth_date.year >= 2000 else individual % 500
    first_nine = f"{birth_date.day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}{individual:03d}"
    digits = check_digits_for(first_nine)
    return None if digits is None else first_nine + digits
