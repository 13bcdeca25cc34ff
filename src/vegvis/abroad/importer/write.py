"""Comparing a checked case file with the database, and writing the difference in one transaction.

``CaseImport.plan`` classifies every line as new, updated or unchanged without writing; ``apply`` writes persons,
hospitals, cases, appeals and expenses in bulk (``imports.bulk``), an audit entry for every case and person it
creates or changes, and one for the whole file (``imports.transaction.all_or_nothing``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.abroad import deadlines, numbering, rules
from vegvis.abroad.importer.rows import REFERRAL_ROUTES, AppealRow, CaseRow, ExpenseRow, HospitalRow, ParsedFile
from vegvis.abroad.importer.scope import cases_by_external_id, out_of_scope, persons_by_hash
from vegvis.abroad.models import Appeal, Case, Expense, Method
from vegvis.abroad.services.base import office_for_region
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, AuditItem, audit_record_many
from vegvis.core import crypto
from vegvis.core.models import Office, Organisation, Person, Region
from vegvis.imports.bulk import BulkWriter, chunks
from vegvis.imports.lines import ImportRefused
from vegvis.imports.registry import ProgressHook
from vegvis.imports.transaction import all_or_nothing

RATE_PLACES = Decimal("0.00000001")


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
        self.writer = BulkWriter()
        self._planned = False

    # -- reading what exists

    def plan(self) -> ImportResult:
        """Classify every line as new, updated or unchanged, without writing anything."""
        rows = self.rows
        self.hash_of = {r.national_id.value: crypto.lookup_hash(r.national_id.value) for r in rows}
        self.persons: dict[str, Person] = persons_by_hash(sorted(set(self.hash_of.values())))
        self.cases: dict[str, Case] = cases_by_external_id([r.external_id for r in rows])
        if self.office_ids is not None:
            # Checked again here, inside the import's transaction: parse_file checked before it began.
            out = out_of_scope(rows, self.cases, self.persons, self.office_ids)
            if out:
                self.refused = out.refused
                raise ImportRefused(out.errors)
        self.hospitals = self._existing_hospitals()
        case_ids = [c.pk for c in self.cases.values()]
        self.appeals: dict[int, list[Appeal]] = defaultdict(list)
        self.expenses: dict[int, list[Expense]] = defaultdict(list)
        for chunk in chunks(case_ids):
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
        for chunk in chunks(names):
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

    def apply(self, *, actor: Principal, filename: str) -> ImportResult:
        """Write the difference and one audit entry, all in one transaction."""
        label = _("Case import: %(name)s") % {"name": filename}
        with all_or_nothing(actor=actor, label=label, filename=filename) as record:
            if not self._planned:
                self.plan()
            self._step("write", 0)
            self._audit = []
            self._write_persons()
            self._write_hospitals()
            self._write_cases()
            self.result.person_ids = sorted({self.persons[self.hash_of[r.national_id.value]].pk for r in self.rows})
            audit_record_many(principal=actor, items=self._audit)
            record.detail, record.person_ids = self.result.as_detail(), self.result.person_ids
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
            self.writer.objects(Person, list(new.values()), key="national_id_hash")
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
        needed: dict[tuple[int, int], int] = defaultdict(int)
        for row in self.new_rows:
            needed[(offices[row.home_region].pk, row.received_date.year)] += 1
        serials = numbering.reserve_serials(needed)
        now = timezone.now()

        new_cases: list[tuple[Case, CaseRow]] = []
        for row in self.new_rows:
            office = offices[row.home_region]
            year = row.received_date.year
            serial = next(serials[(office.pk, year)])
            case = Case(
                office=office,
                year=year,
                serial=serial,
                number=numbering.case_number(year, serial),
                external_id=row.external_id,
                applicant=Case.Applicant.REFERRING_BODY if row.route in REFERRAL_ROUTES else "",
            )
            self._fill(case, row, methods)
            new_cases.append((case, row))
        self.writer.objects(Case, [case for case, _row in new_cases], key="external_id")

        self._audit.extend(self._case_item(Action.CREATE, case) for case, _row in new_cases)

        updated: list[tuple[Case, CaseRow]] = []
        for row in self.changed_rows:
            case = self.cases[row.external_id]
            before = {name: getattr(case, name) for name in _LINE_FIELDS}
            self._fill(case, row, methods)
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

    def _fill(self, case: Case, row: CaseRow, methods: dict[int, Method]) -> None:
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
        case.due_on, case.due_reason = deadlines.due(
            row.status,
            row.route,
            row.received_date,
            appeal_received=row.appeal.received_date if row.appeal else None,
            appeal_office_outcome=row.appeal.office_outcome if row.appeal else "",
        )
        case.search_text = rules.search_text(
            requested_treatment=case.requested_treatment,
            grounds=case.grounds,
            diagnosis_icd10=case.diagnosis_icd10,
            hospital=str(case.hospital) if case.hospital else "",
            method=case.method.name if case.method else "",
        )

    def _offices(self) -> dict[str, Office]:
        """The office that handles each region, by the one rule the services use (``office_for_region``)."""
        return {code: office_for_region(region.pk) for code, region in self.regions.items()}

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
        for chunk in chunks(replace_appeals):
            Appeal.objects.filter(case_id__in=chunk).delete()
        for chunk in chunks(replace_expenses):
            Expense.objects.filter(case_id__in=chunk).delete()
        self.writer.objects(Appeal, appeals)
        self.writer.objects(Expense, expenses)

    def _appeals_for(self, case: Case, row: CaseRow) -> list[Appeal]:
        appeal = row.appeal
        if appeal is None:
            return []
        # An imported case has no letters in its case file: the appeal runs from the decision's date.
        deadline = deadlines.appeal_deadline(row.decided_on or row.received_date)
        return [
            Appeal(
                case_id=case.pk,
                received_date=appeal.received_date,
                deadline=deadline,
                late=appeal.received_date > deadline,
                office_outcome=appeal.office_outcome,
                office_date=appeal.office_date,
                appeals_body=rules.appeals_body(row.route),
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
