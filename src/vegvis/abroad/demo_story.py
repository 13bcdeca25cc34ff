"""What happens to each synthetic case of the bulk demo (``abroad.demo_bulk``), worked out in memory.

The distributions of ``abroad.demo`` (routes, diagnoses, hospitals, regions, grant and appeal rates) over a
history of many years, in which old cases are closed and recent ones wait at every step. Every rule a case's
derived fields follow is the domain's own, called on plain values (no case is saved while the story is told):
the status and final outcome after an appeal and the appeals body (``abroad.rules``), the appeal deadline and the
due date (``abroad.deadlines``), the search text (``abroad.rules``) and the public titles (``abroad.services``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from vegvis.abroad import deadlines, rules
from vegvis.abroad.demo_profiles import DEMO_RATES, PROFILES
from vegvis.abroad.models import Appeal, Case, Expense, Method, Outcome, Route, Status, TravelBooking
from vegvis.abroad.services.base import office_for_region, public_title
from vegvis.core.demo import DemoContext
from vegvis.core.models import LegalDeadline, Organisation, Region

YEARS_OF_HISTORY = 25
REGION_WEIGHTS = {"helse-sor-ost": 50, "helse-vest": 20, "helse-midt-norge": 15, "helse-nord": 15}
AGES = [2, 5, 9, 15, 24, 31, 34, 38, 45, 52, 61, 70]
APPLICANT_NAMES = ["Overlege Kari Lunde", "Lege Per Hansen", "Overlege Anne Vik", "Fastlege Jon Berge"]
CURRENCY_BY_COUNTRY = {
    "SE": "SEK",
    "DK": "DKK",
    "FI": "EUR",
    "DE": "EUR",
    "FR": "EUR",
    "BE": "EUR",
    "CH": "CHF",
    "GB": "GBP",
    "US": "USD",
    "IS": "EUR",
}
EXTERNAL_DECIDERS = {
    Route.PGD: "Oslo universitetssykehus",
    Route.PARTICLE_THERAPY: "Regionens protongruppe",
    Route.NORDIC_DRUG_PROTOCOL: "Barneonkologisk fagmiljø",
}
QUESTION = "Finnes det et adekvat tilbud i Norge? Er behandlingen i utlandet dokumentert mer virkningsfull?"
ADVICE = "Behandlingen tilsvarer det som tilbys i Norge; refusjon etter EØS-forskriften anbefales."
GROUNDS_GRANTED = "Fagmiljøet bekrefter at det ikke finnes et adekvat tilbud i Norge."
GROUNDS_REJECTED = "Det finnes et adekvat medisinsk tilbud i Norge, jf. fagmiljøets vurdering."
GROUNDS_REVERSED = "Ny dokumentasjon viser at tilbudet i Norge ikke er adekvat for denne pasienten."
LEGAL_BASIS = "pasient- og brukerrettighetsloven § 2-4 a, prioriteringsforskriften § 3"


@dataclass
class Doc:
    kind: str
    direction: str
    title: str
    day: date
    correspondent: str
    private: bool = False
    body: str = ""
    sent: bool = False


@dataclass
class Story:
    """What happened to one case, worked out in memory before any row is written."""

    status: str = Status.RECEIVED
    outcome: str = ""
    final_outcome: str = ""
    decided_on: date | None = None
    decided_by: str = ""
    grounds: str = ""
    legal_basis: str = ""
    coverage: dict[str, Any] = field(default_factory=dict)
    closed_on: date | None = None
    docs: list[Doc] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    appeal: dict[str, Any] | None = None
    guarantee: dict[str, Any] | None = None
    booking: dict[str, Any] | None = None
    expenses: list[dict[str, Any]] = field(default_factory=list)
    due_on: date | None = None
    due_reason: str = ""
    last_change: date | None = None


class Generator:
    def __init__(self, context: DemoContext, *, today: date) -> None:
        self.context = context
        self.rng = context.random
        self.today = today
        # The legal deadlines read once, for ``deadlines.due`` (a million cases would ask the cache millions of times).
        self.periods = {d.key: d for d in LegalDeadline.objects.all()}.__getitem__
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_codes = [code for code in REGION_WEIGHTS if code in self.regions]
        self.region_weights = [REGION_WEIGHTS[code] for code in self.region_codes]
        self.office_for_region = {code: office_for_region(region.pk) for code, region in self.regions.items()}
        self.hospitals = {
            o.name: o for o in Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL).order_by("id")
        }
        self.experts = list(Organisation.objects.filter(kind=Organisation.Kind.EXPERT_COMMUNITY).order_by("id"))
        self.weight_bearing_method = Method.objects.filter(name__startswith="MR-undersøkelse").first()
        self.handlers = _handlers_by_office()
        self.years = list(range(today.year - YEARS_OF_HISTORY + 1, today.year + 1))
        # Volume grows over the years, as the offices' has: the latest year has about three times the first.
        self.year_weights = [1 + 2 * i / max(1, len(self.years) - 1) for i in range(len(self.years))]
        faker = context.faker
        self.first_names = [faker.first_name() for _ in range(1500)]
        self.last_names = [faker.last_name() for _ in range(1500)]
        self.streets = [faker.street_address() for _ in range(3000)]
        self.places = [(faker.postcode(), faker.city()) for _ in range(1000)]
        self.search_texts: dict[tuple[int, str], str] = {}
        self.titles: dict[tuple[str, str], str] = {}
        self.route_labels = {r.value: str(r.label) for r in Route}
        # Translations and labels looked up once: a million cases ask for the same few dozen strings.
        self.t = functools.cache(gettext)
        self.outcome_labels = {o.value: str(o.label) for o in Outcome}
        self.expense_labels = {k.value: str(k.label) for k in Expense.Kind}
        self.board_labels = {b.value: str(b.label) for b in Appeal.BoardOutcome}
        self.body_labels = {b.value: str(b.label) for b in Appeal.Body}

    # ------------------------------------------------------------ facts of one case

    def received_date(self) -> date:
        year = self.rng.choices(self.years, weights=self.year_weights)[0]
        start = date(year, 1, 1)
        days = (min(date(year, 12, 31), self.today) - start).days
        return start + timedelta(days=self.rng.randrange(0, days + 1))

    def story(self, route: str, received: date, treatment: str, hospital: Organisation | None, child: bool) -> Story:
        """What happened to the case, and where that leaves it: the status, final outcome and due date follow by
        the domain's rules from the decision, the appeal and what is still open."""
        story = self._tell(route, received, treatment, hospital, child)
        appeal = story.appeal or {}
        office_outcome, board_outcome = appeal.get("office_outcome", ""), appeal.get("board_outcome", "")
        if story.outcome:
            story.final_outcome = rules.final_outcome(story.outcome, office_outcome, board_outcome)
            closed = story.closed_on is not None
            story.status = rules.status_after(route, story.outcome, office_outcome, board_outcome, closed=closed)
        assessment = story.assessment or {}
        open_invoices = [e["invoice_date"] for e in story.expenses if e["settled_on"] is None]
        under_way = bool(appeal) and not board_outcome
        story.due_on, story.due_reason = deadlines.due(
            story.status,
            route,
            received,
            assessment_due=assessment["due_on"] if assessment and assessment.get("answered_on") is None else None,
            letter_date=story.decided_on,  # the decision letter is dated the day of the decision
            appeal_received=appeal["received_date"] if under_way else None,
            appeal_office_outcome=office_outcome if under_way else "",
            oldest_open_invoice=min(open_invoices, default=None),
            periods=self.periods,
        )
        return story

    def _tell(self, route: str, received: date, treatment: str, hospital: Organisation | None, child: bool) -> Story:
        rng, today = self.rng, self.today
        age = (today - received).days
        story = Story(last_change=received)
        if age < 10:
            return story
        if route == Route.HELFO_ADVICE:
            given = received + timedelta(days=9)
            story.outcome = Outcome.ADVICE_GIVEN
            story.decided_on = story.closed_on = given
            story.grounds = ADVICE
            story.docs.append(Doc("other", "U", self.t("Advice to HELFO"), given, "HELFO", body=ADVICE, sent=True))
            story.last_change = given
            return story
        if route in EXTERNAL_DECIDERS:
            decided = received + timedelta(days=7)
            granted = rng.random() < 0.92
            by = EXTERNAL_DECIDERS[Route(route)]
            story.outcome = Outcome.GRANTED if granted else Outcome.REJECTED
            story.decided_on, story.decided_by = decided, by
            story.docs.append(Doc("external_decision", "I", self.t("Decision by %(body)s") % {"body": by}, decided, by))
            story.last_change = decided
            if granted:
                return self._follow_up(story, decided, hospital, age)
            return self._rejected_unappealed(story, decided, age)
        # Applications the office decides itself.
        offset = 0
        if rng.random() < 0.15:
            asked = received + timedelta(days=3)
            story.docs.append(
                Doc(
                    "info_request",
                    "U",
                    self.t("Request for information"),
                    asked,
                    rng.choice(APPLICANT_NAMES),
                    body="Vi ber om epikrise og oppdatert henvisning.",
                    sent=True,
                )
            )
            if age < 30:
                story.status, story.last_change = Status.INFO_REQUESTED, asked
                return story
            offset = 20
            story.docs.append(
                Doc("info_received", "I", self.t("Additional information"), received + timedelta(days=offset), "Lege")
            )
        requested = received + timedelta(days=2 + offset)
        expert = rng.choice(self.experts)
        story.assessment = {
            "expert_community_id": expert.pk,
            "question": QUESTION,
            "requested_on": requested,
            "due_on": deadlines.assessment_due(requested, periods=self.periods),
        }
        story.docs.append(
            Doc(
                "assessment_request",
                "U",
                self.t("Request for medical assessment"),
                requested,
                str(expert),
                body=QUESTION,
                sent=True,
            )
        )
        if age < 30 + offset:
            story.status, story.last_change = Status.ASSESSMENT_REQUESTED, requested
            return story
        supports = "vektbærende" not in treatment and rng.random() < 0.8
        answered = received + timedelta(days=21 + offset)
        story.assessment |= {
            "answered_on": answered,
            "by_letter": True,
            "recommendation": "supports" if supports else "does_not_support",
            "conclusion": "Tilbudet finnes ikke i Norge med tilsvarende kvalitet."
            if supports
            else "Det finnes et adekvat tilbud i Norge.",
        }
        story.docs.append(Doc("assessment", "I", self.t("Medical assessment"), answered, str(expert)))
        if age < 35 + offset and rng.random() < 0.3:
            story.status, story.last_change = Status.ASSESSMENT_RECEIVED, answered
            return story
        decided = min(today, received + timedelta(days=28 + offset))
        outcome = Outcome.GRANTED if supports else Outcome.REJECTED
        story.outcome = outcome
        story.decided_on, story.legal_basis = decided, LEGAL_BASIS
        story.grounds = GROUNDS_GRANTED if supports else GROUNDS_REJECTED
        story.coverage = {"treatment": True, "travel": True, "stay": True, "companion": child, "guarantee": True}
        story.docs.append(
            Doc(
                "decision",
                "U",
                self.t("Decision: %(outcome)s") % {"outcome": self.outcome_labels[outcome]},
                decided,
                "",
                private=True,
                sent=True,
            )
        )
        story.last_change = decided
        if supports:
            return self._follow_up(story, decided, hospital, age)
        if not (age > 60 and rng.random() < 0.7):
            return self._rejected_unappealed(story, decided, age)
        appeal_received = decided + timedelta(days=14)
        appeal: dict[str, Any] = {
            "received_date": appeal_received,
            "deadline": deadlines.appeal_deadline(decided, periods=self.periods),
            "grounds": "Pasienten mener tilbudet i Norge ikke er likeverdig.",
            "appeals_body": rules.appeals_body(route),
            "office_outcome": Appeal.OfficeOutcome.PENDING,
        }
        story.appeal = appeal
        story.docs.append(Doc("appeal", "I", self.t("Appeal"), appeal_received, "", private=True))
        story.last_change = appeal_received
        if age <= 80:
            return story  # under reconsideration
        if rng.random() < 0.15:
            reversed_on = decided + timedelta(days=25)
            appeal |= {"office_outcome": Appeal.OfficeOutcome.REVERSED, "office_date": reversed_on}
            story.grounds = GROUNDS_REVERSED
            story.docs.append(
                Doc("appeal_decision", "U", self.t("Decision reversed after appeal"), reversed_on, "", True, sent=True)
            )
            story.last_change = reversed_on
            return self._follow_up(story, reversed_on, hospital, age)
        forwarded = decided + timedelta(days=28)
        body = self.body_labels[appeal["appeals_body"]]
        appeal |= {"office_outcome": Appeal.OfficeOutcome.FORWARDED, "office_date": forwarded}
        story.docs.append(
            Doc(
                "appeal_forwarded",
                "U",
                self.t("Appeal forwarded to %(body)s") % {"body": body},
                forwarded,
                body,
                sent=True,
            )
        )
        story.last_change = forwarded
        if age <= 150:
            return story  # with the appeals body
        board_on = decided + timedelta(days=110)
        board_reversed = rng.random() < 0.2
        appeal |= {
            "board_outcome": Appeal.BoardOutcome.REVERSED if board_reversed else Appeal.BoardOutcome.UPHELD,
            "board_date": board_on,
        }
        outcome_label = self.board_labels[appeal["board_outcome"]]
        story.docs.append(
            Doc(
                "board_decision",
                "I",
                self.t("Decision of %(body)s: %(outcome)s") % {"body": body, "outcome": outcome_label},
                board_on,
                body,
            )
        )
        story.last_change = board_on
        if board_reversed:
            return self._follow_up(story, board_on, hospital, age)
        story.closed_on = board_on
        return story

    def _rejected_unappealed(self, story: Story, decided: date, age: int) -> Story:
        """Closed a while after the appeal deadline ran out, or still within it (or not yet closed)."""
        deadline = deadlines.appeal_deadline(decided, periods=self.periods)
        old = age > 365
        if deadline < self.today - timedelta(days=30) and (old or self.rng.random() < 0.7):
            story.closed_on = deadline + timedelta(days=self.rng.randrange(1, 30))
            story.last_change = story.closed_on
        return story

    def _follow_up(self, story: Story, granted_on: date, hospital: Organisation | None, age: int) -> Story:
        rng, today = self.rng, self.today
        start = granted_on + timedelta(days=10)
        if start > today or hospital is None:
            return story
        currency = CURRENCY_BY_COUNTRY.get(str(hospital.country), "EUR")
        amount = Decimal(rng.randrange(50, 400) * 1000)
        story.guarantee = {"hospital_id": hospital.pk, "amount": amount, "currency": currency, "issued_on": start}
        story.docs.append(
            Doc(
                "payment_guarantee",
                "U",
                self.t("Payment guarantee"),
                start,
                str(hospital),
                body=f"{amount} {currency}",
                sent=True,
            )
        )
        story.booking = {
            "kind": TravelBooking.Kind.FLIGHT,
            "companions": 1,
            "starts_on": start + timedelta(days=5),
            "ends_on": start + timedelta(days=12),
            "description": f"Fly til {hospital.city}",
        }
        story.last_change = start
        invoice_day = start + timedelta(days=20)
        if invoice_day > today:
            return story
        amount = (
            Decimal(rng.randrange(20_000, 900_000))
            if currency in {"SEK", "DKK"}
            else Decimal(rng.randrange(3_000, 90_000))
        )
        rate = (Decimal(DEMO_RATES[currency]) * (1 + Decimal(rng.randrange(-400, 400)) / 10000)).quantize(
            Decimal("0.0001")
        )
        settled = invoice_day + timedelta(days=30) < today
        story.expenses = [
            {
                "kind": Expense.Kind.INVOICE,
                "category": Expense.Category.TREATMENT,
                "creditor": hospital.name,
                "reference": f"F{rng.randrange(10000, 99999)}",
                "amount": amount,
                "currency": currency,
                "exchange_rate": rate,
                "amount_nok": (amount * rate).quantize(Decimal("0.01")),
                "settled_on": invoice_day + timedelta(days=25) if settled else None,
            },
            {
                "kind": Expense.Kind.TRAVEL_CLAIM,
                "category": Expense.Category.TRAVEL,
                "creditor": "",
                "reference": "",
                "amount": Decimal(rng.randrange(2000, 15000)),
                "currency": "NOK",
                "exchange_rate": Decimal(1),
                "amount_nok": None,
                "settled_on": invoice_day + timedelta(days=20) if settled else None,
            },
        ]
        for expense in story.expenses:
            expense["invoice_date"] = invoice_day
            if expense["amount_nok"] is None:
                expense["amount_nok"] = expense["amount"]
            title = self.expense_labels[expense["kind"]]
            if expense["reference"]:
                title += f" {expense['reference']}"
            story.docs.append(
                Doc(
                    "invoice",
                    "I",
                    title,
                    invoice_day,
                    expense["creditor"],
                    private=expense["kind"] == Expense.Kind.TRAVEL_CLAIM,
                )
            )
        story.last_change = invoice_day
        if not settled:
            return story
        story.last_change = invoice_day + timedelta(days=25)
        if rng.random() < (0.995 if age > 365 else 0.7):
            story.closed_on = invoice_day + timedelta(days=30)
            story.last_change = story.closed_on
        return story

    def search_text(self, profile_index: int, grounds: str, hospital: Organisation | None, method: Any) -> str:
        """``rules.search_text`` for the few combinations the profiles give, computed once each."""
        key = (profile_index, grounds)
        if key not in self.search_texts:
            _route, code, treatment, _hospital = PROFILES[profile_index]
            self.search_texts[key] = rules.search_text(
                requested_treatment=treatment,
                grounds=grounds,
                diagnosis_icd10=code,
                hospital=str(hospital) if hospital is not None else "",
                method=method.name if method is not None else "",
            )
        return self.search_texts[key]

    def public_title(self, kind: str, route: str) -> str:
        key = (kind, route)
        if key not in self.titles:
            probe = Case(route=route)
            self.titles[key] = public_title(kind, probe)
        return self.titles[key]


def _handlers_by_office() -> dict[int, list[int]]:
    from vegvis.accounts.models import RoleAssignment

    handlers: dict[int, list[int]] = {}
    for office_id, user_id in RoleAssignment.objects.filter(
        role__code="case_handler", office__isnull=False, user__is_active=True
    ).values_list("office_id", "user_id"):
        handlers.setdefault(office_id, []).append(user_id)
    return handlers
