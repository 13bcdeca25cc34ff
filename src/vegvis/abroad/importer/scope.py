"""What an importing user may write (``abroad.policies.import_office_ids``), checked when the lines are read and
again inside the import's transaction.

An office lead writes only the cases of their offices and only the patients of those cases. ``external_id``s
and persons are shared by the whole country, so a line naming another office's case or another office's patient
is refused like any bad line — with one neutral message for both, naming neither the office nor what is stored —
and the attempt is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from vegvis.abroad import policies
from vegvis.abroad.models import Case
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, AuditItem, audit_record_many
from vegvis.core import crypto
from vegvis.core.models import Person, Region
from vegvis.imports.bulk import chunks
from vegvis.imports.lines import LineError

if TYPE_CHECKING:
    from vegvis.abroad.importer.rows import CaseRow


def cases_by_external_id(ids: Sequence[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for chunk in chunks(ids):
        for case in Case.objects.filter(external_id__in=chunk):
            found[case.external_id or ""] = case
    return found


def persons_by_hash(hashes: Sequence[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for chunk in chunks(hashes):
        for person in Person.objects.filter(national_id_hash__in=chunk):
            found[person.national_id_hash] = person
    return found


@dataclass
class OutOfScope:
    lines: set[int]
    errors: list[LineError]
    refused: list[AuditItem]

    def __bool__(self) -> bool:
        return bool(self.lines)


def out_of_scope(
    rows: Sequence[CaseRow], cases: dict[str, Case], persons: dict[str, Person], office_ids: frozenset[int]
) -> OutOfScope:
    """The lines naming a case of another office, or a patient the offices may not change (a person known only
    to another office). Each is refused with the same words, whichever of the two it is, so the message does not
    tell which id is in use elsewhere, where, or for whom."""
    known = [p.pk for p in persons.values()]
    writable: set[int] = set()
    for chunk in chunks(known):
        writable |= policies.importable_person_ids(office_ids, list(chunk))
    out = OutOfScope(lines=set(), errors=[], refused=[])
    for row in rows:
        case = cases.get(row.external_id)
        person = persons.get(crypto.lookup_hash(row.national_id.value))
        foreign_case = case is not None and case.office_id not in office_ids
        foreign_person = person is not None and person.pk not in writable
        if not (foreign_case or foreign_person):
            continue
        out.lines.add(row.line)
        out.errors.append(LineError(row.line, "", _out_of_scope_message()))
        if foreign_case and case is not None:
            out.refused.append(
                AuditItem(
                    action=Action.DENIED,
                    object_type=Case._meta.label_lower,
                    object_id=str(case.pk),
                    label=case.number,
                    person_id=case.patient_id,
                    detail={"action": "import", "line": row.line},
                )
            )
        if foreign_person and person is not None:
            out.refused.append(
                AuditItem(
                    action=Action.DENIED,
                    object_type=Person._meta.label_lower,
                    object_id=str(person.pk),
                    label=person.audit_label,
                    person_id=person.pk,
                    detail={"action": "import", "line": row.line},
                )
            )
    return out


def _out_of_scope_message() -> str:
    return _(
        "your office cannot import this line: its external_id or its national_id is in use for a case or a "
        "patient your office may not change. Nothing on the line is shown or changed. Check both ids; if the "
        "line is right, a national administrator can import it on the server."
    )


def import_scope(actor: Principal) -> tuple[frozenset[int] | None, set[str] | None]:
    """The offices whose cases and patients the actor may write, and the regions they handle (None: all)."""
    office_ids = policies.import_office_ids(actor)
    return office_ids, None if office_ids is None else regions_of_offices(office_ids)


def audit_refused(actor: Principal, refused: list[AuditItem]) -> None:
    """Lines naming another office's case or patient are written to the trail as refused attempts, each naming
    the case or person (its own transaction, kept although nothing is imported)."""
    if refused:
        audit_record_many(principal=actor, items=refused)


def regions_of_offices(office_ids: Iterable[int]) -> set[str]:
    """The region codes the given offices handle (an office lead imports only for these)."""
    return set(Region.objects.filter(Q(offices__in=list(office_ids))).values_list("code", flat=True))
