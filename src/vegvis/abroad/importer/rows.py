"""The parsed file: one ``CaseRow`` per good line, the bad lines' errors, and the fields the format knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from vegvis.abroad import rules
from vegvis.abroad.models import Outcome, Route, Status
from vegvis.audit.services import AuditItem
from vegvis.core.national_id import NationalId
from vegvis.imports.lines import LineError

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
        """The outcome after any appeal (a reversal by the office or the board makes it a grant)."""
        return rules.final_outcome(self.outcome, *self._appeal_outcomes())

    @property
    def status(self) -> str:
        """Where the workflow has the case (``rules.status_after``), with what followed the decision done in the
        source system: an undecided case is received, an appeal under way waits at the office or the appeals
        body, and every other decided case is closed."""
        return rules.status_after(self.route, self.outcome, *self._appeal_outcomes(), closed=True)

    def _appeal_outcomes(self) -> tuple[str, str]:
        if self.appeal is None:
            return "", ""
        return self.appeal.office_outcome, self.appeal.board_outcome

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
