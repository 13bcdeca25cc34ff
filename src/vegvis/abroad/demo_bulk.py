"""Synthetic treatment-abroad cases at scale: ``vegvis demo --cases N`` for N from a few thousand to millions.

The service path (``abroad.demo``) makes a few hundred cases through the real services, one transaction and
one letter PDF per step. That is far too slow for a million, so this module writes the same kinds of cases in
bulk: the distributions of ``abroad.demo`` (routes, diagnoses, hospitals, regions, grant and appeal rates), a
history spread over many years in which old cases are closed and recent ones wait at every step, and every
derived field the application keeps in step (case numbers from ``CaseCounter``, ``final_outcome``,
``due_on``/``due_reason`` by the rules of ``abroad.deadlines``, ``search_text``, document numbers).

On PostgreSQL rows go in with COPY, in one transaction. When a run at least doubles the number of cases, the
secondary (non-unique) indexes of the tables it fills are dropped and rebuilt after the load, inside the same
transaction, so a failed run leaves the database as it was. Elsewhere (SQLite) rows go in with bulk_create.
Decision letters are registered without their PDF (generating a million PDFs would take days), and the run is
written to the audit trail as one entry.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext

from vegvis.abroad.demo_profiles import DEMO_RATES, PROFILES
from vegvis.abroad.models import (
    Appeal,
    Assessment,
    Case,
    CaseCounter,
    Document,
    Expense,
    Method,
    Outcome,
    PaymentGuarantee,
    Route,
    Status,
    TravelBooking,
)
from vegvis.abroad.services.base import public_title
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core import crypto, icd10
from vegvis.core.demo import DemoContext
from vegvis.core.icd10_notation import normalise
from vegvis.core.models import LegalDeadline, Office, Organisation, Person, Region
from vegvis.core.national_id import synthetic_number

# From this many cases ``vegvis demo`` generates in bulk instead of through the services.
BULK_THRESHOLD = 2_000
# Raised whenever the generated data changes, so `make bench` knows its cached databases are out of date.
DATA_VERSION = 2
BATCH = 10_000
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


class _Deadlines:
    """``LegalDeadline`` read once; the same arithmetic as ``LegalDeadline.after``."""

    def __init__(self) -> None:
        self.rules = {d.key: d for d in LegalDeadline.objects.all()}

    def after(self, key: str, start: date) -> date:
        return self.rules[key].after(start)


class Generator:
    def __init__(self, context: DemoContext, *, today: date) -> None:
        self.context = context
        self.rng = context.random
        self.today = today
        self.deadlines = _Deadlines()
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_codes = [code for code in REGION_WEIGHTS if code in self.regions]
        self.region_weights = [REGION_WEIGHTS[code] for code in self.region_codes]
        self.office_for_region = {
            code: Office.objects.filter(regions=region).order_by("id").first() for code, region in self.regions.items()
        }
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
        self.klagenemnda = str(Appeal.Body.KLAGENEMNDA.label)

    # ------------------------------------------------------------ facts of one case

    def received_date(self) -> date:
        year = self.rng.choices(self.years, weights=self.year_weights)[0]
        start = date(year, 1, 1)
        days = (min(date(year, 12, 31), self.today) - start).days
        return start + timedelta(days=self.rng.randrange(0, days + 1))

    def story(self, route: str, received: date, treatment: str, hospital: Organisation | None, child: bool) -> Story:
        rng, today = self.rng, self.today
        age = (today - received).days
        story = Story(last_change=received)
        if age < 10:
            return self._undecided(story, received)
        if route == Route.HELFO_ADVICE:
            given = received + timedelta(days=9)
            story.status, story.outcome, story.final_outcome = Status.CLOSED, Outcome.ADVICE_GIVEN, Outcome.ADVICE_GIVEN
            story.decided_on = story.closed_on = given
            story.grounds = ADVICE
            story.docs.append(Doc("other", "U", self.t("Advice to HELFO"), given, "HELFO", body=ADVICE, sent=True))
            story.last_change = given
            return story
        if route in EXTERNAL_DECIDERS:
            decided = received + timedelta(days=7)
            granted = rng.random() < 0.92
            by = EXTERNAL_DECIDERS[Route(route)]
            story.outcome = story.final_outcome = Outcome.GRANTED if granted else Outcome.REJECTED
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
                return self._undecided(story, received)
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
            "due_on": self.deadlines.after("expert_assessment", requested),
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
            return self._undecided(story, received)
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
            return self._undecided(story, received)
        decided = min(today, received + timedelta(days=28 + offset))
        outcome = Outcome.GRANTED if supports else Outcome.REJECTED
        story.outcome = story.final_outcome = outcome
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
            "deadline": self.deadlines.after("appeal", decided),
            "grounds": "Pasienten mener tilbudet i Norge ikke er likeverdig.",
            "appeals_body": Appeal.Body.KLAGENEMNDA,
            "office_outcome": Appeal.OfficeOutcome.PENDING,
        }
        story.appeal = appeal
        story.docs.append(Doc("appeal", "I", self.t("Appeal"), appeal_received, "", private=True))
        story.last_change = appeal_received
        if age <= 80:
            story.status = Status.APPEALED
            story.due_on = self.deadlines.after("appeal_reconsideration", appeal_received)
            story.due_reason = "appeal_reconsideration"
            return story
        if rng.random() < 0.15:
            reversed_on = decided + timedelta(days=25)
            appeal |= {"office_outcome": Appeal.OfficeOutcome.REVERSED, "office_date": reversed_on}
            story.final_outcome, story.grounds = Outcome.GRANTED, GROUNDS_REVERSED
            story.docs.append(
                Doc("appeal_decision", "U", self.t("Decision reversed after appeal"), reversed_on, "", True, sent=True)
            )
            story.last_change = reversed_on
            return self._follow_up(story, reversed_on, hospital, age)
        forwarded = decided + timedelta(days=28)
        body = self.klagenemnda
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
            story.status, story.due_on, story.due_reason = Status.AT_APPEALS_BODY, None, "appeals_body"
            return story
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
            story.final_outcome = Outcome.GRANTED
            return self._follow_up(story, board_on, hospital, age)
        story.status, story.closed_on = Status.CLOSED, board_on
        return story

    def _undecided(self, story: Story, received: date) -> Story:
        """``deadlines.compute`` for a case before its decision: the provisional reply, or an assessment due."""
        candidates = [(self.deadlines.after("provisional_reply", received), "provisional_reply")]
        if story.assessment and story.assessment.get("answered_on") is None:
            candidates.append((story.assessment["due_on"], "assessment"))
        story.due_on, story.due_reason = min(candidates)
        return story

    def _rejected_unappealed(self, story: Story, decided: date, age: int) -> Story:
        deadline = self.deadlines.after("appeal", decided)
        old = age > 365
        if deadline < self.today - timedelta(days=30) and (old or self.rng.random() < 0.7):
            story.status = Status.CLOSED
            story.closed_on = deadline + timedelta(days=self.rng.randrange(1, 30))
            story.last_change = story.closed_on
            return story
        story.status, story.due_on, story.due_reason = Status.REJECTED, deadline, "appeal_deadline"
        return story

    def _follow_up(self, story: Story, granted_on: date, hospital: Organisation | None, age: int) -> Story:
        rng, today = self.rng, self.today
        story.status = Status.FOLLOW_UP
        story.due_on, story.due_reason = None, "follow_up"
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
            story.due_on = self.deadlines.after("invoice_payment", invoice_day)
            story.due_reason = "invoice"
            return story
        story.last_change = invoice_day + timedelta(days=25)
        if rng.random() < (0.995 if age > 365 else 0.7):
            story.status, story.closed_on = Status.CLOSED, invoice_day + timedelta(days=30)
            story.due_on, story.due_reason = None, ""
            story.last_change = story.closed_on
        return story

    def search_text(self, profile_index: int, grounds: str, hospital: Organisation | None, method: Any) -> str:
        """``services._search_text`` for the few combinations the profiles give, computed once each."""
        key = (profile_index, grounds)
        if key not in self.search_texts:
            _route, code, treatment, _hospital = PROFILES[profile_index]
            parts = [treatment, grounds, code, icd10.description(code)]
            if hospital is not None:
                parts.append(str(hospital))
            if method is not None:
                parts.append(method.name)
            self.search_texts[key] = " ".join(p for p in parts if p)
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


# ---------------------------------------------------------------- writing rows


class Writer:
    """COPY on PostgreSQL, bulk_create elsewhere; fields not given get the model field's default."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows_written = 0

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            start = cursor.fetchone()[0] + 1
            return list(range(start, start + count))

    def write(self, model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        fields = [cast(models.Field, model._meta.get_field(name)) for name in names]
        missing = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in names and f.name not in names and not f.primary_key
        ]
        defaults = [_default(f) for f in missing]
        self.rows_written += len(rows)
        if self.postgres:
            from psycopg.types.json import Jsonb

            columns = [f.column for f in fields] + [f.column for f in missing]
            json_positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            json_defaults = [
                Jsonb(d) if isinstance(f, models.JSONField) else d for f, d in zip(missing, defaults, strict=True)
            ]
            sql = "COPY {} ({}) FROM STDIN".format(
                connection.ops.quote_name(model._meta.db_table),
                ", ".join(connection.ops.quote_name(str(c)) for c in columns),
            )
            with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
                for row in rows:
                    if json_positions:
                        row = list(row)
                        for i in json_positions:
                            row[i] = Jsonb(row[i])
                    copy.write_row((*row, *json_defaults))
            return
        attnames = [f.attname for f in fields]
        objects = []
        for row in rows:
            values = dict(zip(attnames, row, strict=True))
            values.update({f.attname: d for f, d in zip(missing, defaults, strict=True)})
            objects.append(model(**values))
        model._default_manager.bulk_create(objects, batch_size=500)


def _default(f: models.Field) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    return f.get_default()


# Tables a run fills; their secondary indexes are rebuilt after a large load on PostgreSQL.
FILLED = [Person, Case, Document, Assessment, Appeal, PaymentGuarantee, TravelBooking, Expense]


@contextmanager
def _secondary_indexes_rebuilt(writer: Writer, rebuild: bool, say: Any) -> Iterator[None]:
    """Drop the non-unique indexes of the filled tables, load, and create them again (PostgreSQL only).

    Unique indexes and constraints stay, so the database checks every number and key during the load. The
    definitions are read from the catalogue and replayed exactly; the caller's transaction makes it atomic.
    """
    if not (writer.postgres and rebuild):
        yield
        return
    tables = [m._meta.db_table for m in FILLED]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, i.relname, pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE t.relname = ANY(%s) AND n.nspname = current_schema()
              AND NOT ix.indisunique AND NOT ix.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
            ORDER BY i.relname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for schema, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}")
    say(f"  {len(indexes)} secondary indexes set aside for the load\n")
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _schema, _name, definition in indexes:
            cursor.execute(definition)
    say(f"  {len(indexes)} secondary indexes rebuilt in {time.monotonic() - started:.0f} s\n")


def populate(context: DemoContext) -> None:
    """Add ``context.cases`` synthetic cases in bulk, with their patients, documents, decisions and invoices."""
    total = context.cases
    today = timezone.localdate()
    writer = Writer()
    existing = Case.objects.count()
    started = time.monotonic()
    context.say(f"Generating {total:,} treatment-abroad cases in bulk ({existing:,} exist)\n")
    with audited_atomic():
        generator = Generator(context, today=today)
        counters = {
            (c.office_id, c.year): c for c in CaseCounter.objects.select_for_update().order_by("office_id", "year")
        }
        serials = {key: c.last for key, c in counters.items()}
        counts = {"patients": 0, "documents": 0}
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Check foreign keys at the end of each COPY rather than at commit: an index cannot be built on
                # a table with checks still pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        first_ids = _skip_row_triggers(writer)
        with _secondary_indexes_rebuilt(writer, total >= max(existing, 1), context.say):
            done = 0
            while done < total:
                size = min(BATCH, total - done)
                persons, documents = _batch(generator, writer, size, serials)
                counts["patients"] += persons
                counts["documents"] += documents
                done += size
                elapsed = time.monotonic() - started
                context.say(f"  {done:>10,} / {total:,} cases  ({done / elapsed:,.0f} cases/s)\n")
        if first_ids:
            _check_foreign_keys(first_ids)
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default for the transaction
        for (office_id, year), last in serials.items():
            counter = counters.get((office_id, year))
            if counter is None:
                CaseCounter.objects.create(office_id=office_id, year=year, last=last)
            elif counter.last != last:
                CaseCounter.objects.filter(pk=counter.pk).update(last=last)
        audit_record(
            principal=context.principal,
            action=Action.CREATE,
            label=f"Synthetic demo data: {total} treatment-abroad cases",
            detail={"cases": total, **counts, "bulk": True},
        )
    if writer.postgres:
        # Fresh statistics for the planner; outside a transaction also the visibility map, so index-only scans
        # work at once instead of after autovacuum's first pass.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in FILLED:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    elapsed = time.monotonic() - started
    context.say(
        f"{total:,} treatment-abroad cases, {counts['patients']:,} patients and {counts['documents']:,} documents "
        f"in {elapsed:.0f} s ({total / max(elapsed, 0.001):,.0f} cases/s)\n"
    )


def _skip_row_triggers(writer: Writer) -> dict[type[models.Model], int]:
    """On a superuser connection, leave out the per-row foreign-key triggers for the load (a third of its time).

    Returns the last id of each filled table before the load, so the new rows' keys can be checked in bulk after
    it (``_check_foreign_keys``); empty when the triggers stay on and check every row themselves.
    """
    if not writer.postgres:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return {}
        last_ids = {}
        for model in FILLED:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            last_ids[model] = cursor.fetchone()[0]
        cursor.execute("SET LOCAL session_replication_role = replica")
    return last_ids


def _check_foreign_keys(first_ids: dict[type[models.Model], int]) -> None:
    """Every foreign key of the rows just written points at a row that exists (what the triggers would check)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
        for model, last_id in first_ids.items():
            for fk in model._meta.concrete_fields:
                if not isinstance(fk, models.ForeignKey) or not getattr(fk, "db_constraint", True):
                    continue
                target = fk.target_field
                column = quote(str(fk.column))
                cursor.execute(
                    f"SELECT c.id FROM {quote(model._meta.db_table)} c WHERE c.id > %s "  # noqa: S608
                    f"AND c.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                    f"{quote(target.model._meta.db_table)} p WHERE p.{quote(str(target.column))} = c.{column}) "
                    "LIMIT 1",
                    [last_id],
                )
                dangling = cursor.fetchone()
                if dangling:
                    raise RuntimeError(f"{model.__name__} {dangling[0]}: {fk.name} points at a missing row")


def _batch(generator: Generator, writer: Writer, size: int, serials: dict[tuple[int, int], int]) -> tuple[int, int]:
    """Generate and write ``size`` cases; returns how many persons and documents were added."""
    rng, today = generator.rng, generator.today
    # --- facts, and the patients (about one patient in seven has an earlier case in the same batch)
    facts = []
    persons: list[dict[str, Any]] = []
    by_region: dict[str, list[int]] = {}
    for _index in range(size):
        received = generator.received_date()
        profile_index = rng.randrange(len(PROFILES))
        region_code = rng.choices(generator.region_codes, weights=generator.region_weights)[0]
        earlier = by_region.get(region_code)
        if earlier and rng.random() < 0.15:
            person_index = rng.choice(earlier)
        else:
            age_years = rng.choice(AGES)
            birth = received - timedelta(days=age_years * 365 + rng.randrange(0, 365))
            person_index = len(persons)
            persons.append({"region": region_code, "birth_date": birth, "received": received})
            by_region.setdefault(region_code, []).append(person_index)
        facts.append((received, profile_index, person_index))
    _national_ids(generator, persons)
    person_ids = writer.ids(Person, len(persons))
    person_rows = []
    for person, pk in zip(persons, person_ids, strict=True):
        person["id"] = pk
        postcode, city = rng.choice(generator.places)
        name = f"{rng.choice(generator.first_names)} {rng.choice(generator.last_names)}"
        person["name"] = name
        at = _at(person["received"], 9)
        person_rows.append(
            (
                pk,
                name,
                crypto.encrypt(person["number"]),
                crypto.lookup_hash(person["number"]),
                "synthetic",
                person["birth_date"],
                generator.regions[person["region"]].pk,
                rng.choice(generator.streets),
                postcode,
                city,
                at,
                at,
            )
        )
    writer.write(
        Person,
        [
            "id",
            "name",
            "national_id_cipher",
            "national_id_hash",
            "id_kind",
            "birth_date",
            "home_region_id",
            "address_line",
            "postal_code",
            "city",
            "created_at",
            "updated_at",
        ],
        person_rows,
    )
    # --- cases and what hangs on them
    case_ids = writer.ids(Case, size)
    case_rows, doc_rows, assessment_rows, appeal_rows = [], [], [], []
    guarantee_rows, booking_rows, expense_rows = [], [], []
    for (received, profile_index, person_index), case_id in zip(facts, case_ids, strict=True):
        route, code, treatment, hospital_name = PROFILES[profile_index]
        person = persons[person_index]
        office = generator.office_for_region[person["region"]]
        assert office is not None, "every region has an office (core migration 0002)"
        hospital = generator.hospitals.get(hospital_name)
        method = generator.weight_bearing_method if "vektbærende" in treatment else None
        child = (received - person["birth_date"]).days < 18 * 365
        story = generator.story(route, received, treatment, hospital, child)
        key = (office.pk, received.year)
        serial = serials[key] = serials.get(key, 0) + 1
        number = f"{received.year}/{serial:04d}"
        handlers = generator.handlers.get(office.pk)
        referring = route in {Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL}
        applicant_name = rng.choice(APPLICANT_NAMES)
        diagnosis = normalise(code)
        chapter = icd10.chapter_for(diagnosis)
        case_rows.append(
            (
                case_id,
                office.pk,
                person["id"],
                route,
                received.year,
                serial,
                number,
                story.status,
                1 + len(story.docs),
                Case.Applicant.REFERRING_BODY if referring else Case.Applicant.HOSPITAL_DOCTOR,
                applicant_name,
                Case.Timing.PRIOR_APPROVAL,
                received,
                diagnosis,
                chapter.key if chapter else "",
                treatment,
                method.pk if method else None,
                hospital.pk if hospital else None,
                rng.choice(handlers) if handlers else None,
                story.outcome,
                story.decided_on,
                story.decided_by or (office.name if story.decided_on and route == Route.TREATMENT_ABROAD else ""),
                story.legal_basis,
                story.grounds,
                story.coverage,
                story.final_outcome,
                story.closed_on,
                story.due_on,
                story.due_reason,
                generator.search_text(profile_index, story.grounds, hospital, method),
                _at(received, 9),
                _at(story.last_change or received, 15),
            )
        )
        application_title = generator.t("%(route)s for %(name)s") % {
            "route": generator.route_labels[route],
            "name": person["name"],
        }
        docs = [Doc("application", "I", application_title, received, applicant_name), *story.docs]
        for sequence, doc in enumerate(docs, start=1):
            correspondent = doc.correspondent or person["name"]
            doc_rows.append(
                (
                    case_id,
                    sequence,
                    f"{number}-{sequence}",
                    doc.kind,
                    doc.direction,
                    doc.title,
                    generator.public_title(doc.kind, route),
                    doc.day,
                    min(doc.day + timedelta(days=rng.randrange(0, 3)), today),
                    correspondent,
                    doc.private or correspondent == person["name"],
                    doc.body,
                    _at(doc.day, 11) if doc.sent else None,
                )
            )
        if story.assessment:
            a = story.assessment
            assessment_rows.append(
                (
                    case_id,
                    a["expert_community_id"],
                    a["question"],
                    a["requested_on"],
                    a["due_on"],
                    a.get("answered_on"),
                    a.get("by_letter", False),
                    a.get("recommendation", ""),
                    a.get("conclusion", ""),
                )
            )
        if story.appeal:
            a = story.appeal
            appeal_rows.append(
                (
                    case_id,
                    a["received_date"],
                    a["deadline"],
                    a["grounds"],
                    a["office_outcome"],
                    a.get("office_date"),
                    a["appeals_body"],
                    a.get("board_outcome", ""),
                    a.get("board_date"),
                )
            )
        if story.guarantee:
            g = story.guarantee
            guarantee_rows.append((case_id, g["hospital_id"], g["amount"], g["currency"], g["issued_on"]))
        if story.booking:
            b = story.booking
            booking_rows.append(
                (case_id, b["kind"], person["name"], b["companions"], b["starts_on"], b["ends_on"], b["description"])
            )
        for e in story.expenses:
            expense_rows.append(
                (
                    case_id,
                    e["kind"],
                    e["category"],
                    e["creditor"] or person["name"],
                    e["reference"],
                    e["invoice_date"],
                    e["invoice_date"],
                    e["amount"],
                    e["currency"],
                    e["exchange_rate"],
                    e["amount_nok"],
                    Expense.State.SETTLED if e["settled_on"] else Expense.State.RECEIVED,
                    e["settled_on"],
                )
            )
    writer.write(
        Case,
        [
            "id",
            "office_id",
            "patient_id",
            "route",
            "year",
            "serial",
            "number",
            "status",
            "version",
            "applicant",
            "applicant_name",
            "timing",
            "received_date",
            "diagnosis_icd10",
            "diagnosis_chapter",
            "requested_treatment",
            "method_id",
            "hospital_id",
            "handler_id",
            "outcome",
            "decided_on",
            "decided_by",
            "legal_basis",
            "grounds",
            "coverage",
            "final_outcome",
            "closed_on",
            "due_on",
            "due_reason",
            "search_text",
            "created_at",
            "updated_at",
        ],
        case_rows,
    )
    writer.write(
        Document,
        [
            "case_id",
            "sequence",
            "number",
            "kind",
            "direction",
            "title",
            "public_title",
            "document_date",
            "registered_on",
            "correspondent",
            "correspondent_is_private",
            "body",
            "sent_at",
        ],
        doc_rows,
    )
    writer.write(
        Assessment,
        [
            "case_id",
            "expert_community_id",
            "question",
            "requested_on",
            "due_on",
            "answered_on",
            "by_letter",
            "recommendation",
            "conclusion",
        ],
        assessment_rows,
    )
    writer.write(
        Appeal,
        [
            "case_id",
            "received_date",
            "deadline",
            "grounds",
            "office_outcome",
            "office_date",
            "appeals_body",
            "board_outcome",
            "board_date",
        ],
        appeal_rows,
    )
    writer.write(PaymentGuarantee, ["case_id", "hospital_id", "amount", "currency", "issued_on"], guarantee_rows)
    writer.write(
        TravelBooking,
        ["case_id", "kind", "travellers", "companions", "starts_on", "ends_on", "description"],
        booking_rows,
    )
    writer.write(
        Expense,
        [
            "case_id",
            "kind",
            "category",
            "creditor",
            "reference",
            "invoice_date",
            "booked_date",
            "amount",
            "currency",
            "exchange_rate",
            "amount_nok",
            "state",
            "settled_on",
        ],
        expense_rows,
    )
    return len(persons), len(doc_rows)


def _national_ids(generator: Generator, persons: list[dict[str, Any]]) -> None:
    """A synthetic number for each new person, unique in the batch and against the persons already stored."""
    rng = generator.rng
    pending = list(range(len(persons)))
    taken: set[str] = set()
    while pending:
        for index in pending:
            number = None
            while number is None or number in taken:
                number = synthetic_number(persons[index]["birth_date"], rng.randrange(0, 500))
            persons[index]["number"] = number
            taken.add(number)
        hashes = {crypto.lookup_hash(persons[i]["number"]): i for i in pending}
        clashes = _stored_hashes(list(hashes))
        pending = [hashes[h] for h in clashes]
        for index in pending:
            # Keep the clashing number in ``taken`` so the next draw differs; move the birth date a day.
            persons[index]["birth_date"] -= timedelta(days=1)


def _stored_hashes(hashes: list[str]) -> list[str]:
    found: list[str] = []
    step = 10_000 if connection.vendor == "postgresql" else 500
    for start in range(0, len(hashes), step):
        chunk = hashes[start : start + step]
        found.extend(Person.objects.filter(national_id_hash__in=chunk).values_list("national_id_hash", flat=True))
    return found


def _at(day: date, hour: int) -> datetime:
    """An aware time on the day (what ``timezone.make_aware`` gives, without its per-call look-ups)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=_zone())


@functools.cache
def _zone() -> Any:
    return timezone.get_current_timezone()
