"""Synthetic treatment-abroad cases at scale: ``vegvis demo --cases N`` for N from a few thousand to millions.

The service path (``abroad.demo``) makes a few hundred cases through the real services, one transaction and
one letter PDF per step. That is far too slow for a million, so this module writes the same kinds of cases in
bulk. What happens to each case is worked out in memory first (``abroad.demo_story``), by the domain's own rules
for every derived field (status, final outcome, due date, search text); case numbers come from ``CaseCounter``
as for every case (``abroad.numbering``).

Rows go in through the imports kit's bulk writer (``imports.bulk``): COPY on PostgreSQL, in one transaction;
``bulk_create`` elsewhere (SQLite). When a run at least doubles the number of cases on PostgreSQL, the secondary
(non-unique) indexes of the tables it fills are dropped and rebuilt after the load, inside the same transaction,
so a failed run leaves the database as it was. Decision letters are registered without their PDF (generating a
million PDFs would take days), and the run is written to the audit trail as one entry.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models
from django.utils import timezone

from vegvis.abroad import numbering
from vegvis.abroad.demo_profiles import PROFILES
from vegvis.abroad.demo_story import AGES, APPLICANT_NAMES, Doc, Generator
from vegvis.abroad.models import Appeal, Assessment, Case, Document, Expense, PaymentGuarantee, Route, TravelBooking
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core import crypto, icd10
from vegvis.core.demo import DemoContext
from vegvis.core.icd10_notation import normalise
from vegvis.core.models import Person
from vegvis.core.national_id import synthetic_number
from vegvis.imports.bulk import BulkWriter

# From this many cases ``vegvis demo`` generates in bulk instead of through the services.
BULK_THRESHOLD = 2_000
# Raised whenever the generated data changes, so `make bench` knows its cached databases are out of date.
DATA_VERSION = 3
BATCH = 10_000

# Tables a run fills; their secondary indexes are rebuilt after a large load on PostgreSQL.
FILLED = [Person, Case, Document, Assessment, Appeal, PaymentGuarantee, TravelBooking, Expense]


@contextmanager
def _secondary_indexes_rebuilt(writer: BulkWriter, rebuild: bool, say: Any) -> Iterator[None]:
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
    writer = BulkWriter()
    existing = Case.objects.count()
    started = time.monotonic()
    context.say(f"Generating {total:,} treatment-abroad cases in bulk ({existing:,} exist)\n")
    with audited_atomic():
        generator = Generator(context, today=today)
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
                persons, documents = _batch(generator, writer, size)
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


def _skip_row_triggers(writer: BulkWriter) -> dict[type[models.Model], int]:
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


def _batch(generator: Generator, writer: BulkWriter, size: int) -> tuple[int, int]:
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
    writer.rows(
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
    # --- cases and what hangs on them, numbered as every case is
    case_ids = writer.ids(Case, size)
    offices = [generator.office_for_region[persons[person_index]["region"]] for _r, _p, person_index in facts]
    serials = numbering.reserve_serials(
        Counter((office.pk, received.year) for office, (received, _p, _i) in zip(offices, facts, strict=True))
    )
    case_rows, doc_rows, assessment_rows, appeal_rows = [], [], [], []
    guarantee_rows, booking_rows, expense_rows = [], [], []
    for (received, profile_index, person_index), case_id, office in zip(facts, case_ids, offices, strict=True):
        route, code, treatment, hospital_name = PROFILES[profile_index]
        person = persons[person_index]
        hospital = generator.hospitals.get(hospital_name)
        method = generator.weight_bearing_method if "vektbærende" in treatment else None
        child = (received - person["birth_date"]).days < 18 * 365
        story = generator.story(route, received, treatment, hospital, child)
        serial = next(serials[(office.pk, received.year)])
        number = numbering.case_number(received.year, serial)
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
    writer.rows(
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
    writer.rows(
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
    writer.rows(
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
    writer.rows(
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
    writer.rows(PaymentGuarantee, ["case_id", "hospital_id", "amount", "currency", "issued_on"], guarantee_rows)
    writer.rows(
        TravelBooking,
        ["case_id", "kind", "travellers", "companions", "starts_on", "ends_on", "description"],
        booking_rows,
    )
    writer.rows(
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
