"""The register as plain data: what the rules judge, whatever it came from.

The batch check (`check.py`) builds these from a JSON document; the web UI, the import and the API will build
them from the database. The rules (`rules.py`) see nothing else, so every entry point decides the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

KINDS = ("financial_support", "purchase_of_services", "advertising", "event_support")
COVERS = ("travel", "registration", "lodging", "meals", "entertainment", "gifts", "other")
RULE_SET_NAMES = ("medtek", "lmi")


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    home_country: str  # ISO 3166-1 alpha-2
    budgets: Mapping[str, Decimal]  # "YYYY" -> the total annual budget that calendar year


@dataclass(frozen=True)
class Supplier:
    id: str
    name: str
    rule_sets: frozenset[str]


@dataclass(frozen=True)
class PositionOfTrust:
    organisation: str
    role: str
    starts_on: date  # the contract's `from`
    ends_on: date | None  # the contract's `to`; None while the position is held


@dataclass(frozen=True)
class Person:
    id: str
    employer: str
    positions_of_trust: tuple[PositionOfTrust, ...]


@dataclass(frozen=True)
class Event:
    name: str
    country: str
    covers: tuple[str, ...]


@dataclass(frozen=True)
class LogoUse:
    approved_on: date | None
    purpose: str | None
    manner: str | None


@dataclass(frozen=True)
class Agreement:
    id: str
    supplier: str
    organisation: str
    third_party: str | None
    kind: str
    written: bool
    signed_on: date | None
    starts_on: date
    ends_on: date | None  # None when open-ended
    amount_nok: Decimal | None
    in_kind_value_nok: Decimal | None
    purpose: str | None
    exclusive: bool
    transparency_clause: bool
    market_value_stated: bool
    event: Event | None
    logo_uses: tuple[LogoUse, ...]


@dataclass(frozen=True)
class Register:
    organisations: Mapping[str, Organisation]
    suppliers: Mapping[str, Supplier]
    people: tuple[Person, ...]
    agreements: tuple[Agreement, ...]
    _employees: dict[str, list[Person]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for person in self.people:
            self._employees.setdefault(person.employer, []).append(person)

    def employees_of(self, supplier_id: str) -> list[Person]:
        return self._employees.get(supplier_id, [])
