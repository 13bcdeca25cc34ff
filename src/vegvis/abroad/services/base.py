"""What every treatment-abroad write shares: offices, case numbering, the permission check, the row lock, the
transition (checked against the step table, ``abroad.steps``), and the registration of documents in the case file.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from vegvis.abroad import deadlines, numbering, rules
from vegvis.abroad.models import Case, Document, Route
from vegvis.abroad.policies import CasePolicy
from vegvis.abroad.steps import TABLE
from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic, retry_on_conflict
from vegvis.core.errors import Conflict, DomainError
from vegvis.core.models import Office, Person, Region
from vegvis.records import files
from vegvis.records import services as records_services

logger = logging.getLogger(__name__)


class CaseChanged(Conflict):
    code = "case_changed"


# ---------------------------------------------------------------- helpers


def office_for(person: Person) -> Office:
    """The office that handles the patient's home region (OUS handles Helse Sør-Øst and Helse Nord)."""
    return office_for_region(person.home_region_id)


def office_for_region(region_id: int) -> Office:
    office = Office.objects.filter(regions=region_id).order_by("id").first()
    if office is None:
        raise DomainError(_("No office handles this region."), field="home_region")
    return office


def offices_registering_for(actor: Principal) -> QuerySet[Office]:
    """The offices whose cases ``actor`` may register: every office for the system, the command line and a national
    grant, otherwise the offices of the user's own ``abroad.handle_case`` roles."""
    grant = actor.grant("abroad.handle_case")
    if grant.everywhere:
        return Office.objects.all()
    return Office.objects.filter(pk__in=sorted(grant.office_ids))


def registering_office(actor: Principal, home_region: Region) -> Office:
    """The office that registers a new application when the user names none (issue 11).

    The office for the patient's home region when the user registers for it; otherwise the user's own office: an
    office may handle a patient from another region (the case counts for the patient's home region in the report,
    whichever office handled it), so an application sent to Bergen by a patient in Helse Sør-Øst is Bergen's to
    register, never a refusal that loses what was typed. A user of several offices, none of them the region's,
    is asked to choose.
    """
    home = office_for_region(home_region.pk)
    allowed = offices_registering_for(actor)
    if allowed.filter(pk=home.pk).exists():
        return home
    own = list(allowed.order_by("id")[:2])
    if len(own) == 1:
        return own[0]
    if not own:
        return home  # refused (and audited) by _check_office
    raise DomainError(
        _("%(office)s handles this home region: choose the office that registers the case.") % {"office": home.name},
        field="office",
    )


def _check_office(actor: Principal, office: Office) -> None:
    """Only staff of the office may register its cases; a refusal is audited (call outside transactions)."""
    grant = actor.grant("abroad.handle_case")
    if not (grant.everywhere or office.pk in grant.office_ids):
        audit_denied(actor, obj=office, label=office.name, detail={"action": "register case"})
        raise PermissionDenied


def _next_case_serial(office: Office, year: int) -> int:
    """Gap-free per office and year: the counter row is locked until the case is saved."""
    return numbering.next_serial(office.pk, year)


def _search_text(case: Case) -> str:
    """``rules.search_text`` of the case as it stands."""
    return rules.search_text(
        requested_treatment=case.requested_treatment,
        grounds=case.grounds,
        diagnosis_icd10=case.diagnosis_icd10,
        hospital=str(case.hospital) if case.hospital_id else "",
        method=case.method.name if case.method_id and case.method else "",
    )


def _audit_case(principal: Principal, case: Case, action: str, **detail: Any) -> None:
    audit_record(
        principal=principal,
        action=action,
        obj=case,
        label=case.number,
        person_id=case.patient_id,
        detail=detail or None,
        emergency=_is_emergency(principal, case),
    )


def _is_emergency(principal: Principal, case: Case) -> bool:
    if principal.user is None:  # the system and the operator act on every case, never by emergency access
        return False
    return not CasePolicy().normally_visible(principal, Case.objects.filter(pk=case.pk)).exists()


def _deny(principal: Principal, case: Case, what: str) -> None:
    audit_denied(principal, obj=case, label=case.number, detail={"action": what})
    raise PermissionDenied


def _check(principal: Principal, action: str, case: Case) -> None:
    policies.require(principal, action, case)


@contextmanager
def _locked(case: Case, expected_version: int | None, principal: Principal, action: str = "handle") -> Iterator[Case]:
    """Check access, lock the case row and refuse if someone changed it since the caller read it.

    Access is checked before the transaction opens, so a refusal's audit entry is kept when the change is not.
    The letters and uploads the change stores are removed again when it rolls back or its commit fails.
    """
    _check(principal, action, case)
    with files.files_kept_on_commit(), audited_atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("patient", "office", "method", "hospital")
            .get(pk=case.pk)
        )
        if expected_version is not None and locked.version != expected_version:
            raise CaseChanged(
                _("The case was changed by someone else while you worked on it. Reload it to see the changes.")
            )
        before = _field_values(locked)
        yield locked
        locked.version += 1
        deadlines.refresh(locked)
        after = _field_values(locked)
        # Only the columns the change touched are written, so a change never writes back a value it did not mean
        # to (the row is locked; this keeps each UPDATE to what the step is about, as the audit entry is).
        locked.save(update_fields=[name for name, value in after.items() if before[name] != value])
        case.__dict__.update(locked.__dict__)


def _field_values(case: Case) -> dict[str, Any]:
    """The case's column values (copied, so a value changed in place still shows as changed)."""
    return {
        field.name: copy.deepcopy(getattr(case, field.attname))
        for field in Case._meta.concrete_fields
        if not field.primary_key
    }


def available_events(principal: Principal, case: Case) -> list[str]:
    """The steps this principal can take on the case now (the case page's buttons and the API's allowed_events)."""
    return TABLE.available_steps(principal, case)


@retry_on_conflict
def _transition(
    principal: Principal,
    case: Case,
    event: str,
    expected_version: int | None,
    apply: Callable[[Case], dict[str, Any]] | None = None,
) -> Case:
    """The one path every status change takes: lock, check the step (``steps.TABLE``: kind, state, guards), apply
    (data), move, audit — in one transaction. Guards run before the move, so they see the state the user saw."""
    if not principal.has_any(*TABLE.permissions[event]):
        _deny(principal, case, event)
    with _locked(case, expected_version, principal, TABLE.step(event).policy_action) as locked:
        before = locked.status
        TABLE.check_step(locked, event)
        detail = apply(locked) if apply else {}
        TABLE.move(locked, event)
        _audit_case(principal, locked, Action.TRANSITION, event=event, status=[before, locked.status], **(detail or {}))
    return case


def _register_document(
    case: Case,
    *,
    principal: Principal,
    kind: str,
    direction: str,
    title: str,
    document_date: date,
    correspondent: str = "",
    correspondent_is_private: bool = True,
    body: str = "",
    content: bytes | None = None,
    filename: str = "",
    content_type: str = "",
    sent: bool = False,
) -> Document:
    """Register a document in the case file (records.services): numbers YYYY/NNNN-n follow the case's own
    sequence, and a correspondent naming the patient (as registered or as the application gave the name) or the
    representative is marked private."""
    representative = case.power_of_attorney.representative_name if case.power_of_attorney else ""
    return records_services.document_register(
        model=Document,
        case=case,
        principal=principal,
        kind=kind,
        direction=direction,
        title=title,
        public_title=public_title(kind, case),
        document_date=document_date,
        correspondent=correspondent,
        correspondent_is_private=correspondent_is_private,
        screened_names=[case.patient.name, case.stated_name, representative],
        body=body,
        content=content,
        filename=filename,
        content_type=content_type,
        sent=sent,
        person_id=case.patient_id,
    )


def stored(message: str, **params: Any) -> str:
    """Text kept in the case file and the public journal: always in the installation's language (bokmål),
    whatever language the case handler's screen is in. Mark the message with gettext_noop so makemessages finds it."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {key: str(value) for key, value in params.items()}
        return gettext(message) % values if values else gettext(message)


def public_title(kind: str, case: Case) -> str:
    """The public journal's title: what kind of document and route, with the screened part as ******."""
    return records_services.public_title(Document.Kind(kind).label, Route(case.route).label)
