"""Every write in the treatment-abroad module.

Each function is one transaction: it locks the case row, checks the caller's version (so two case handlers
never overwrite each other), checks the permission and the workflow edge, saves, keeps the due date in step,
and writes the audit entry before the transaction commits.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from statemachine.exceptions import TransitionNotAllowed

from vegvis.abroad import deadlines, screening
from vegvis.abroad.models import (
    GRANT_OUTCOMES,
    LETTER_LANGUAGE_CODES,
    UNDECIDED_STATUSES,
    Appeal,
    Assessment,
    Case,
    CaseCounter,
    Decision,
    Document,
    Expense,
    LetterTemplate,
    Method,
    Outcome,
    PaymentGuarantee,
    Route,
    Status,
    StayNote,
    TravelBooking,
)
from vegvis.abroad.workflow import EVENT_LABELS, EVENT_PERMISSIONS, ROUTE_EVENTS, allowed_events, machine_for
from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.api.errors import Conflict, DomainError
from vegvis.audit.services import Action, audit_record, audited_atomic, retry_on_conflict
from vegvis.core import icd10, rates
from vegvis.core.currency import validate_currency
from vegvis.core.models import LegalDeadline, Office, Organisation, Person, PowerOfAttorney, Region
from vegvis.core.national_id import IdKind

logger = logging.getLogger(__name__)


class CaseChanged(Conflict):
    code = "case_changed"


class TransitionRefused(Conflict):
    code = "transition_refused"


# ---------------------------------------------------------------- helpers


def office_for(person: Person) -> Office:
    """The office that handles the patient's home region (OUS handles Helse Sør-Øst and Helse Nord)."""
    return office_for_region(person.home_region_id)


def office_for_region(region_id: int) -> Office:
    office = Office.objects.filter(regions=region_id).order_by("id").first()
    if office is None:
        raise DomainError(_("No office handles this region."), field="home_region")
    return office


def offices_registering_for(actor: Principal | None) -> QuerySet[Office]:
    """The offices whose cases ``actor`` may register: every office for the command line and a national grant,
    otherwise the offices of the user's own ``abroad.handle_case`` roles."""
    if actor is None or actor.user is None:
        return Office.objects.all()
    grant = actor.grant("abroad.handle_case")
    if grant.everywhere:
        return Office.objects.all()
    return Office.objects.filter(pk__in=sorted(grant.office_ids))


def registering_office(actor: Principal | None, home_region: Region) -> Office:
    """The office that registers a new application when the user names none (issue 11).

    The office for the patient's home region when the user registers for it; otherwise the user's own office: an
    office may handle a patient from another region (the case counts for the patient's home region in the report,
    whichever office handled it), so an application sent to Bergen by a patient in Helse Sør-Øst is Bergen's to
    register, never a refusal that loses what was typed. A user of several offices, none of them the region's,
    is asked to choose.
    """
    home = office_for_region(home_region.pk)
    allowed = offices_registering_for(actor)
    if actor is None or actor.user is None or allowed.filter(pk=home.pk).exists():
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


def _check_office(actor: Principal | None, office: Office) -> None:
    """Only staff of the office may register its cases; a refusal is audited (call outside transactions)."""
    if actor is None or actor.user is None:
        return
    grant = actor.grant("abroad.handle_case")
    if not (grant.everywhere or office.pk in grant.office_ids):
        from django.core.exceptions import PermissionDenied

        from vegvis.audit.services import audit_denied

        audit_denied(actor, obj=office, label=office.name, detail={"action": "register case"})
        raise PermissionDenied


def _next_case_serial(office: Office, year: int) -> int:
    """Gap-free per office and year: the counter row is locked until the case is saved."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(office=office, year=year)
    CaseCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


def _search_text(case: Case) -> str:
    parts = [case.requested_treatment, case.grounds, case.diagnosis_icd10, icd10.description(case.diagnosis_icd10)]
    if case.hospital_id:
        parts.append(str(case.hospital))
    if case.method_id:
        parts.append(case.method.name if case.method else "")
    return " ".join(p for p in parts if p)


def _audit_case(principal: Principal | None, case: Case, action: str, **detail: Any) -> None:
    audit_record(
        principal=principal,
        action=action,
        obj=case,
        label=case.number,
        person_id=case.patient_id,
        detail=detail or None,
        emergency=_is_emergency(principal, case),
    )


def _is_emergency(principal: Principal | None, case: Case) -> bool:
    if principal is None or principal.user is None:
        return False
    from vegvis.abroad.policies import CasePolicy

    return not CasePolicy().normally_visible(principal, Case.objects.filter(pk=case.pk)).exists()


def _deny(principal: Principal, case: Case, what: str) -> None:
    from django.core.exceptions import PermissionDenied

    from vegvis.audit.services import audit_denied

    audit_denied(principal, obj=case, label=case.number, detail={"action": what})
    raise PermissionDenied


def _check(principal: Principal | None, action: str, case: Case) -> None:
    if principal is not None:
        policies.require(principal, action, case)


# Files stored by the change under way (see _locked), removed again when its transaction does not commit.
_files_written: ContextVar[list[tuple[Any, str]] | None] = ContextVar("abroad_files_written", default=None)


@contextmanager
def _locked(
    case: Case, expected_version: int | None, principal: Principal | None = None, action: str = "handle"
) -> Iterator[Case]:
    """Check access, lock the case row and refuse if someone changed it since the caller read it.

    Access is checked before the transaction opens, so a refusal's audit entry is kept when the change is not.
    """
    _check(principal, action, case)
    written = _files_written.set([])
    try:
        with audited_atomic():
            locked = (
                Case.objects.select_for_update(of=("self",))
                .select_related("patient", "office", "method", "hospital")
                .get(pk=case.pk)
            )
            if expected_version is not None and locked.version != expected_version:
                raise CaseChanged(
                    _("The case was changed by someone else while you worked on it. Reload it to see the changes.")
                )
            yield locked
            locked.version += 1
            deadlines.refresh(locked)
            locked.save()
            case.__dict__.update(locked.__dict__)
    except BaseException:
        # The change is rolled back (or its commit failed): the letters and uploads it stored go with it.
        for storage, name in _files_written.get() or []:
            try:
                storage.delete(name)
            except OSError:  # one file that cannot be removed must not keep the others, or hide the cause
                logger.exception("A stored file of a change that did not commit could not be removed")
        raise
    finally:
        _files_written.reset(written)


def _appeal_at(case: Case, office_outcome: str) -> bool:
    """Whether the case's appeal under way is at this step of the office's handling (and not yet decided)."""
    return case.appeals.filter(board_outcome="", office_outcome=office_outcome).exists()


def _appealable(case: Case) -> str | None:
    if case.final_outcome == Outcome.PARTLY_GRANTED:
        # A partial grant can be appealed once: the appeal's outcome (reversed, or upheld by the appeals body)
        # is final for the office.
        if case.appeals.exists():
            return _("The partial grant has already been appealed.")
        return None
    if case.final_outcome != Outcome.REJECTED or case.status == Status.FOLLOW_UP:
        return _("Only a rejection or a partial grant can be appealed.")
    return None


def _in_follow_up_appeal(office_outcome: str) -> Callable[[Case], str | None]:
    def guard(case: Case) -> str | None:
        if case.status == Status.FOLLOW_UP and not _appeal_at(case, office_outcome):
            return _("The case has no appeal at this step.")
        return None

    return guard


def _appeal_deadline_running(case: Case, on: date) -> str | None:
    if case.status != Status.REJECTED or "register_appeal" not in ROUTE_EVENTS[case.route]:
        return None
    deadline = LegalDeadline.get("appeal").after(_decision_letter_date(case))
    if on <= deadline:
        return _("The appeal deadline runs until %(deadline)s; close the case after that.") % {
            "deadline": deadline.strftime("%d.%m.%Y")
        }
    return None


def _closable(case: Case) -> str | None:
    if case.status == Status.REJECTED:
        return _appeal_deadline_running(case, timezone.localdate())
    if case.status != Status.FOLLOW_UP:
        return None
    if case.appeals.filter(board_outcome="").exclude(office_outcome=Appeal.OfficeOutcome.REVERSED).exists():
        return _("The case has an appeal under way; close it when the appeal is decided.")
    unsettled = case.expenses.exclude(state=Expense.State.SETTLED).count()
    if unsettled:
        return _("%(count)s invoice(s) are not settled yet. A case is closed when every invoice is settled.") % {
            "count": unsettled
        }
    return None


# Guards on the case's data that the state alone does not express: each gives the reason an event is refused,
# or None. They decide which steps the pages and the API offer, and the services refuse the others.
EVENT_GUARDS: dict[str, Callable[[Case], str | None]] = {
    "register_appeal": _appealable,
    "reverse_on_appeal": _in_follow_up_appeal(Appeal.OfficeOutcome.PENDING),
    "forward_appeal": _in_follow_up_appeal(Appeal.OfficeOutcome.PENDING),
    "record_appeal_upheld": _in_follow_up_appeal(Appeal.OfficeOutcome.FORWARDED),
    "record_appeal_reversed": _in_follow_up_appeal(Appeal.OfficeOutcome.FORWARDED),
    "close": _closable,
}


def available_events(principal: Principal, case: Case) -> list[str]:
    """The steps this principal can take on the case now: route, state, data and permission all allow them."""
    return [
        event
        for event in allowed_events(case)
        if principal.has_any(*EVENT_PERMISSIONS[event])
        and (event not in EVENT_GUARDS or EVENT_GUARDS[event](case) is None)
    ]


def _check_edge(case: Case, event: str) -> None:
    """Refuse, with a message for the user, an event the route or the case's state does not allow."""
    if event not in ROUTE_EVENTS[case.route]:
        raise TransitionRefused(
            _("“%(event)s” is not possible for %(route)s.")
            % {"event": EVENT_LABELS[event], "route": case.get_route_display()}
        )
    if event not in {e.id for e in machine_for(case).allowed_events}:
        raise TransitionRefused(
            _("“%(event)s” is not possible while the case is “%(status)s”.")
            % {"event": EVENT_LABELS[event], "status": Status(case.status).label}
        )
    refusal = EVENT_GUARDS[event](case) if event in EVENT_GUARDS else None
    if refusal is not None:
        raise TransitionRefused(refusal)


@retry_on_conflict
def _transition(
    principal: Principal | None,
    case: Case,
    event: str,
    expected_version: int | None,
    apply: Callable[[Case], dict[str, Any]] | None = None,
    action: str = "handle",
) -> Case:
    """The one path every status change takes: lock, check the edge, apply (guards and data), move, audit —
    in one transaction. Guards run before the move, so they see the state the user saw."""
    if principal is not None and not principal.has_any(*EVENT_PERMISSIONS[event]):
        _deny(principal, case, event)
    with _locked(case, expected_version, principal, action) as locked:
        before = locked.status
        _check_edge(locked, event)
        detail = apply(locked) if apply else {}
        try:
            machine_for(locked).send(event)
        except TransitionNotAllowed:  # the edge was checked above; this would be a bug in the table
            raise TransitionRefused(_("The step is not possible now.")) from None
        _audit_case(principal, locked, Action.TRANSITION, event=event, status=[before, locked.status], **(detail or {}))
    return case


def _register_document(
    case: Case,
    *,
    principal: Principal | None,
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
    """Register a document in the case file; numbers YYYY/NNNN-n follow the case's own counter."""
    sequence = (case.documents.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    representative = case.power_of_attorney.representative_name if case.power_of_attorney else ""
    if screening.names_someone(correspondent, [case.patient.name, case.stated_name, representative]):
        correspondent_is_private = True  # the patient's name is screened in the public journal, whatever was said
    document = Document(
        case=case,
        sequence=sequence,
        number=f"{case.number}-{sequence}",
        kind=kind,
        direction=direction,
        title=title,
        public_title=public_title(kind, case),
        document_date=document_date,
        registered_on=timezone.localdate(),
        correspondent=correspondent,
        correspondent_is_private=correspondent_is_private,
        body=body,
        created_by=principal.user if principal else None,
        sent_at=timezone.now() if sent else None,
    )
    if content is not None:
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.content_type = content_type
        document.file.save(filename or f"{document.number.replace('/', '-')}.pdf", ContentFile(content), save=False)
        written = _files_written.get()
        if written is not None:
            written.append((document.file.storage, str(document.file.name)))
    document.save()
    audit_record(
        principal=principal,
        action=Action.CREATE,
        obj=document,
        label=document.number,
        person_id=case.patient_id,
        detail={"kind": kind, "direction": direction},
    )
    return document


def stored(message: str, **params: Any) -> str:
    """Text kept in the case file and the public journal: always in the installation's language (bokmål),
    whatever language the case handler's screen is in. Mark the message with gettext_noop so makemessages finds it."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {key: str(value) for key, value in params.items()}
        return gettext(message) % values if values else gettext(message)


def public_title(kind: str, case: Case) -> str:
    """The public journal's title: what kind of document and route, with the screened part as ******."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{Document.Kind(kind).label} – {Route(case.route).label} – ******"


# ---------------------------------------------------------------- cases


@dataclass
class ApplicationData:
    """What a new application or referral carries (from the form, the API or an import)."""

    patient: Person
    route: str
    received_date: date
    diagnosis_icd10: str
    applicant: str = Case.Applicant.HOSPITAL_DOCTOR
    applicant_name: str = ""
    referring_organisation: Organisation | None = None
    power_of_attorney: PowerOfAttorney | None = None
    timing: str = Case.Timing.PRIOR_APPROVAL
    letter_language: str = "nb"
    requested_treatment: str = ""
    method: Method | None = None
    hospital: Organisation | None = None
    office: Office | None = None
    external_id: str | None = None
    # The patient as the application gave them, where it is not what the register holds (see Case.patient_withheld).
    stated_name: str = ""
    stated_address: str = ""
    stated_home_region: Region | None = None
    patient_withheld: bool = False


@retry_on_conflict
def case_create(*, actor: Principal | None, data: ApplicationData) -> Case:
    """Register a received application or referral, with its first document, in one transaction."""
    errors: dict[str, str] = {}
    try:
        diagnosis = icd10.validate(data.diagnosis_icd10)
    except icd10.Icd10Error as error:
        errors["diagnosis_icd10"] = str(error)
    if data.received_date > timezone.localdate():
        errors["received_date"] = _("The date received cannot be in the future.")
    if data.letter_language not in LETTER_LANGUAGE_CODES:
        errors["letter_language"] = _("Choose bokmål or nynorsk.")
    if data.applicant == Case.Applicant.REPRESENTATIVE:
        poa = data.power_of_attorney
        if poa is None:
            errors["power_of_attorney"] = _(
                "An application from a representative needs the patient's power of attorney."
            )
        elif poa.person_id != data.patient.pk or not poa.is_valid_on(data.received_date):
            errors["power_of_attorney"] = _(
                "The power of attorney is not the patient's, or not valid on the date received."
            )
    if errors:
        raise ValidationError(errors)
    office = data.office or office_for(data.patient)
    _check_office(actor, office)
    with audited_atomic():
        year = data.received_date.year
        serial = _next_case_serial(office, year)
        case = Case(
            office=office,
            patient=data.patient,
            route=data.route,
            year=year,
            serial=serial,
            number=f"{year}/{serial:04d}",
            external_id=data.external_id,
            patient_withheld=data.patient_withheld,
            stated_name=data.stated_name,
            stated_address=data.stated_address,
            stated_home_region=data.stated_home_region,
            applicant=data.applicant,
            applicant_name=data.applicant_name,
            referring_organisation=data.referring_organisation,
            power_of_attorney=data.power_of_attorney,
            timing=data.timing,
            letter_language=data.letter_language,
            received_date=data.received_date,
            diagnosis_icd10=diagnosis,
            diagnosis_chapter=icd10.chapter_for(diagnosis).key,  # type: ignore[union-attr]
            requested_treatment=data.requested_treatment,
            method=data.method,
            hospital=data.hospital,
            handler=actor.user if actor and actor.user and actor.has("abroad.handle_case") else None,
        )
        case.search_text = _search_text(case)
        deadlines.refresh(case)
        case.save()
        kind = Document.Kind.APPLICATION
        _register_document(
            case,
            principal=actor,
            kind=kind,
            direction=Document.Direction.INCOMING,
            title=stored(
                gettext_noop("%(route)s for %(name)s"), route=Route(case.route).label, name=case.patient_display_name
            ),
            document_date=data.received_date,
            correspondent=data.applicant_name or str(data.referring_organisation or case.patient_display_name),
            correspondent_is_private=data.applicant in {Case.Applicant.PATIENT, Case.Applicant.REPRESENTATIVE}
            or not (data.applicant_name or data.referring_organisation),
        )
        _audit_case(actor, case, Action.CREATE, route=case.route, office=office.code)
    return case


@retry_on_conflict
def application_register(*, actor: Principal, values: dict[str, Any]) -> Case:
    """A new application from the web form or the API: the person, any power of attorney and the case, all or
    nothing.

    The office is the one the application names, or the one for the home region it gives: never the register's, so
    a national id known at another office is registered like any other (the patient's right to apply) and the answer
    does not tell the caller that the person exists elsewhere. The register's person is never changed here:
    - a person the caller may see, with another name given: the register's name is kept and the given one stored as
      the case's ``stated_name`` (the case page shows both; issue 11's "silently dropped" name);
    - a person the caller may not see (``patient_withheld``): the case keeps and shows only what was given.
    """
    from vegvis.core.services import person_get_or_create

    office = values.get("office") or registering_office(actor, values["home_region"])
    _check_office(actor, office)
    typed_name = " ".join(str(values["patient_name"]).split())
    typed_address = ", ".join(
        part
        for part in (
            values.get("address_line", "").strip(),
            f"{values.get('postal_code', '').strip()} {values.get('city', '').strip()}".strip(),
        )
        if part
    )
    with audited_atomic():
        person, created = person_get_or_create(
            actor=actor,
            national_id=values["national_id"],
            name=typed_name,
            home_region=values["home_region"],
            birth_date=values.get("birth_date"),
            id_kind=IdKind(values["id_kind"]) if values.get("id_kind") else None,
            address_line=values.get("address_line", ""),
            postal_code=values.get("postal_code", ""),
            city=values.get("city", ""),
        )
        withheld = not created and not policies.policy_for(Person).can(actor, "view", person)
        stated: dict[str, Any] = {}
        if withheld:
            stated = {
                "patient_withheld": True,
                "stated_name": typed_name,
                "stated_address": typed_address[:300],
                "stated_home_region": values["home_region"],
            }
        elif not created and typed_name and typed_name != person.name:
            stated = {"stated_name": typed_name}
        power = None
        if values.get("applicant") == Case.Applicant.REPRESENTATIVE:
            power = PowerOfAttorney.objects.create(
                person=person,
                representative_name=values["representative_name"],
                representative_address=values.get("representative_address", ""),
                scope=values["representative_scope"],
                signed_on=values["representative_signed_on"],
                valid_until=values.get("representative_valid_until"),
            )
            audit_record(
                principal=actor,
                action=Action.CREATE,
                obj=power,
                label=f"power of attorney {power.pk}",
                person_id=person.pk,
            )
        return case_create(
            actor=actor,
            data=ApplicationData(
                patient=person,
                route=values["route"],
                received_date=values["received_date"],
                diagnosis_icd10=values["diagnosis_icd10"],
                applicant=values["applicant"],
                applicant_name=values.get("applicant_name", ""),
                power_of_attorney=power,
                timing=values.get("timing") or Case.Timing.PRIOR_APPROVAL,
                letter_language=values.get("letter_language") or "nb",
                requested_treatment=values.get("requested_treatment", ""),
                method=values.get("method"),
                hospital=values.get("hospital"),
                office=office,
                external_id=values.get("external_id"),
                **stated,
            ),
        )


CASE_EDITABLE = ["requested_treatment", "method", "hospital", "diagnosis_icd10", "handler", "timing"]
CASE_REFERENCE_FIELDS = frozenset({"method", "hospital", "handler", "timing"})


def case_update(*, actor: Principal, case: Case, version: int, **values: Any) -> Case:
    with _locked(case, version, actor) as locked:
        changed: dict[str, Any] = {}
        for name, value in values.items():
            if name not in CASE_EDITABLE:
                raise ValueError(f"{name} cannot be changed here")
            if name == "diagnosis_icd10":
                try:
                    value = icd10.validate(value)
                except icd10.Icd10Error as error:
                    raise ValidationError({"diagnosis_icd10": str(error)}) from error
                locked.diagnosis_chapter = icd10.chapter_for(value).key  # type: ignore[union-attr]
            old = getattr(locked, name)
            if old != value:
                # Health data's values stay out of the audit trail, which outlives the case (docs/security.md).
                changed[name] = [str(old or ""), str(value or "")] if name in CASE_REFERENCE_FIELDS else "changed"
                setattr(locked, name, value)
        locked.search_text = _search_text(locked)
        _audit_case(actor, locked, Action.UPDATE, changed=changed)
    return case


# ---------------------------------------------------------------- reassignment and corrections (issue 11)


def case_reassign(*, actor: Principal, case: Case, version: int, handler: Any) -> Case:
    """Hand the case to another case handler (holidays, sick leave, workload).

    Anyone who handles the office's cases by work need (its case handlers and its office lead) may reassign
    them; emergency access opens a case for reading and handling, not for moving it. The new handler must be an
    active case handler of the case's office. The audit entry names the old and the new handler.
    """
    from vegvis.abroad.selectors import office_case_handlers

    if actor.user is not None and _is_emergency(actor, case):
        _deny(actor, case, "reassign")
    with _locked(case, version, actor) as locked:
        if handler is None or not office_case_handlers(locked.office_id).filter(pk=handler.pk).exists():
            raise ValidationError({"handler": _("Choose an active case handler at the case's office.")})
        if locked.handler_id == handler.pk:
            raise ValidationError(
                {"handler": _("%(name)s already handles this case.") % {"name": handler.get_full_name()}}
            )
        old = locked.handler
        locked.handler = handler
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            reassigned=True,
            changed={
                "handler": [old.get_full_name() if old else "", handler.get_full_name()],
                "handler_id": [old.pk if old else None, handler.pk],
            },
        )
    return case


# What "correct case data" may change. The route only before the decision: it decides who decides the case and
# which steps it has, and every route has the steps up to the decision.
CASE_CORRECTABLE = ("route", "method", "hospital", "diagnosis_icd10", "requested_treatment", "letter_language")
# Health data: the audit trail, which outlives the case, says that these changed, never their values
# (docs/security.md, retention). The other fields are recorded with their old and new value.
CASE_HEALTH_FIELDS = frozenset({"diagnosis_icd10", "requested_treatment"})


def route_correctable(case: Case) -> bool:
    return case.status in UNDECIDED_STATUSES


def case_correct(*, actor: Principal, case: Case, version: int, **values: Any) -> Case:
    """Correct what was registered wrong: route (before the decision), method, hospital, diagnosis, treatment,
    and the written language (bokmål/nynorsk) of the case's letters from now on.

    Only the fields given are changed; nothing at all is saved if one is refused. Audited field by field.
    """
    if actor.user is not None and _is_emergency(actor, case):
        _deny(actor, case, "correct")
    unknown = set(values) - set(CASE_CORRECTABLE)
    if unknown:
        raise ValueError(f"{sorted(unknown)} cannot be corrected here")
    with _locked(case, version, actor) as locked:
        changed: dict[str, Any] = {}
        for name in CASE_CORRECTABLE:
            if name not in values:
                continue
            value = values[name]
            if name == "diagnosis_icd10":
                try:
                    value = icd10.validate(value or "")
                except icd10.Icd10Error as error:
                    raise ValidationError({"diagnosis_icd10": str(error)}) from error
            elif name == "requested_treatment":
                value = (value or "").strip()
            elif name == "letter_language":
                if value not in LETTER_LANGUAGE_CODES:
                    raise ValidationError({"letter_language": _("Choose bokmål or nynorsk.")})
            elif name == "route":
                if value not in Route.values:
                    raise ValidationError({"route": _("Choose a route.")})
                if value != locked.route and not route_correctable(locked):
                    raise ValidationError(
                        {
                            "route": _("The route can be corrected only before the decision. This case is: %(status)s.")
                            % {"status": locked.status_label}
                        }
                    )
            old = getattr(locked, name)
            if old == value:
                continue
            if name == "diagnosis_icd10":
                locked.diagnosis_chapter = icd10.chapter_for(value).key  # type: ignore[union-attr]
            setattr(locked, name, value)
            changed[name] = "changed" if name in CASE_HEALTH_FIELDS else [str(old or ""), str(value or "")]
        if not changed:
            raise ValidationError(_("Nothing to save: the case already has these values."))
        locked.search_text = _search_text(locked)
        _audit_case(actor, locked, Action.UPDATE, corrected=True, changed=changed)
    return case


# ---------------------------------------------------------------- steps before the decision


def case_request_info(*, actor: Principal, case: Case, version: int, text: str, recipient: str) -> Case:
    if not text.strip():
        raise ValidationError({"text": _("Write what information is missing.")})

    def apply(c: Case) -> dict[str, Any]:
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.INFO_REQUEST,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Request for information")),
            document_date=timezone.localdate(),
            correspondent=recipient,
            body=text,
            sent=True,
        )
        return {}

    return _transition(actor, case, "request_info", version, apply)


def case_register_info(
    *, actor: Principal, case: Case, version: int, received_on: date, summary: str, sender: str
) -> Case:
    def apply(c: Case) -> dict[str, Any]:
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.INFO_RECEIVED,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Additional information")),
            document_date=received_on,
            correspondent=sender,
            body=summary,
        )
        return {}

    return _transition(actor, case, "register_info", version, apply)


def case_request_assessment(
    *,
    actor: Principal,
    case: Case,
    version: int,
    expert_community: Organisation,
    question: str,
    adviser: Any = None,
    due_on: date | None = None,
    requested_on: date | None = None,
) -> Case:
    if not question.strip():
        raise ValidationError({"question": _("Write the question to the expert community.")})
    if expert_community.kind != Organisation.Kind.EXPERT_COMMUNITY:
        raise ValidationError({"expert_community": _("Choose a Norwegian expert community.")})

    def apply(c: Case) -> dict[str, Any]:
        today = requested_on or timezone.localdate()
        assessment = Assessment.objects.create(
            case=c,
            expert_community=expert_community,
            adviser=adviser,
            question=question,
            requested_on=today,
            due_on=due_on or LegalDeadline.get("expert_assessment").after(today),
        )
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.ASSESSMENT_REQUEST,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Request for medical assessment")),
            document_date=today,
            correspondent=str(expert_community),
            correspondent_is_private=False,
            body=question,
            sent=True,
        )
        return {"assessment": assessment.pk, "adviser": adviser.pk if adviser else None}

    return _transition(actor, case, "request_assessment", version, apply)


def assessment_answer(
    *,
    actor: Principal,
    assessment: Assessment,
    recommendation: str,
    conclusion: str,
    answered_on: date | None = None,
    by_letter: bool = False,
    version: int | None = None,
) -> Assessment:
    """The expert's answer: given in Vegvis by the assigned medical adviser, or registered from a letter."""
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Write the assessment.")})
    if recommendation not in Assessment.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose a recommendation.")})
    case = assessment.case
    action = "handle" if by_letter else "assess"

    def apply(c: Case) -> dict[str, Any]:
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.answered_on is not None:
            raise TransitionRefused(_("This assessment has already been answered."))
        if not by_letter and (actor.user is None or locked.adviser_id != actor.user.pk):
            raise TransitionRefused(_("Only the medical adviser the assessment is assigned to can answer it."))
        locked.recommendation = recommendation
        locked.conclusion = conclusion
        locked.answered_on = answered_on or timezone.localdate()
        locked.by_letter = by_letter
        locked.save(update_fields=["recommendation", "conclusion", "answered_on", "by_letter"])
        assessment.__dict__.update(locked.__dict__)
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.ASSESSMENT,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Medical assessment")),
            document_date=locked.answered_on,
            correspondent=str(locked.expert_community),
            correspondent_is_private=False,
            body=conclusion,
        )
        return {"assessment": locked.pk, "recommendation": recommendation, "by_letter": by_letter}

    _transition(actor, case, "register_assessment", version, apply, action=action)
    return assessment


def case_send_provisional_reply(*, actor: Principal, case: Case, version: int, expected_by: date, reason: str) -> Case:
    """A provisional reply when no decision can be made within a month (forvaltningsloven § 11 a)."""
    from vegvis.abroad import letters

    with _locked(case, version, actor) as locked:
        if locked.status not in {s.value for s in deadlines.UNDECIDED}:
            raise TransitionRefused(_("A provisional reply is only sent before the decision."))
        pdf = letters.render_pdf(
            LetterTemplate.Kind.PROVISIONAL_REPLY, locked, extra={"expected_by": expected_by, "reason": reason}
        )
        _register_document(
            locked,
            principal=actor,
            kind=Document.Kind.PROVISIONAL_REPLY,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Provisional reply")),
            document_date=timezone.localdate(),
            correspondent=locked.patient_display_name,
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        locked.provisional_reply_sent_on = timezone.localdate()
        _audit_case(actor, locked, Action.UPDATE, provisional_reply=str(expected_by))
    return case


# ---------------------------------------------------------------- decisions


@dataclass
class DecisionData:
    outcome: str
    decided_on: date
    grounds: str
    legal_basis: str = "pasient- og brukerrettighetsloven § 2-4 a, prioriteringsforskriften § 3"
    coverage: dict[str, Any] | None = None
    method_override_reason: str = ""
    # The decision letter's language when it differs from the case's; None: the case's (letters.letter_language).
    language: str | None = None


def method_consequence(case: Case) -> str | None:
    """What the Nye metoder register says about the case's method, for the case page and the guard."""
    method = case.method
    if method is None:
        return None
    if method.decision == Method.Decision.NOT_INTRODUCED:
        return _(
            "Beslutningsforum decided on %(date)s that “%(method)s” is not to be introduced. The patient then has "
            "no right to have it covered abroad (pasient- og brukerrettighetsloven § 2-4 a third paragraph); a grant "
            "needs a written reason for overriding."
        ) % {"date": method.decided_on.strftime("%d.%m.%Y") if method.decided_on else "?", "method": method.name}
    if method.decision == Method.Decision.INTRODUCED:
        return _(
            "“%(method)s” has been introduced in Norway (%(date)s): the patient can be offered it here, so the "
            "application may fall away."
        ) % {"method": method.name, "date": method.decided_on.strftime("%d.%m.%Y") if method.decided_on else "?"}
    return _("“%(method)s” is under assessment in Nye metoder.") % {"method": method.name}


DECISION_LETTERS = {
    Outcome.GRANTED: LetterTemplate.Kind.GRANTED,
    Outcome.PARTLY_GRANTED: LetterTemplate.Kind.PARTLY_GRANTED,
    Outcome.REJECTED: LetterTemplate.Kind.REJECTED,
}


def _apply_decision(c: Case, decision: DecisionData) -> None:
    """The decision's facts on the case (unsaved): what the letter shows and the case then holds."""
    c.outcome = decision.outcome
    c.final_outcome = decision.outcome
    c.decided_on = decision.decided_on
    c.decided_by = c.office.name
    c.legal_basis = decision.legal_basis
    c.grounds = decision.grounds
    c.coverage = decision.coverage or {}
    c.method_override_reason = decision.method_override_reason if decision.outcome in GRANT_OUTCOMES else ""


def _record_decision(
    c: Case,
    actor: Principal | None,
    kind: str,
    decided_on: date,
    letter: Document | None,
    *,
    grounds: str = "",
    decided_by: str = "",
    appeal: Appeal | None = None,
) -> Decision:
    """Add the decision to the case's history (rows are only added: earlier decisions keep their grounds)."""
    return Decision.objects.create(
        case=c,
        kind=kind,
        outcome=c.final_outcome,
        decided_on=decided_on,
        decided_by=decided_by or c.office.name,
        decided_by_user=actor.user if actor is not None else None,
        legal_basis=c.legal_basis if kind == Decision.Kind.ORIGINAL else "",
        grounds=grounds,
        coverage=c.coverage if kind == Decision.Kind.ORIGINAL else {},
        appeal=appeal,
        letter=letter,
    )


def _preview_copy(case: Case) -> Case:
    """A copy of the case to render a letter from, so a preview never changes the case the page holds."""
    preview = copy.copy(case)
    preview.__dict__ = dict(case.__dict__)
    return preview


def _check_preview(actor: Principal, case: Case, event: str) -> None:
    """A letter is previewed only by someone who may take the step, on a case where the step is possible now."""
    if not actor.has_any(*EVENT_PERMISSIONS[event]):
        _deny(actor, case, event)
    _check(actor, "decide", case)
    _check_edge(case, event)


def _check_decision(c: Case, decision: DecisionData) -> None:
    """What a decision must hold before its letter can be made (forvaltningsloven § 24, Nye metoder)."""
    if decision.outcome not in DECISION_LETTERS:
        raise ValidationError({"outcome": _("Choose granted, partly granted or rejected.")})
    if not decision.grounds.strip():
        raise ValidationError({"grounds": _("A decision must give its grounds (forvaltningsloven § 24).")})
    if decision.decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    if decision.decided_on < c.received_date:
        raise ValidationError({"decided_on": _("The decision cannot be dated before the application was received.")})
    overriding = decision.outcome in GRANT_OUTCOMES and c.method and c.method.decision == Method.Decision.NOT_INTRODUCED
    if overriding and not decision.method_override_reason.strip():
        raise ValidationError(
            {
                "method_override_reason": _(
                    "“%(method)s” is decided not introduced in Norway. A grant needs a written reason for "
                    "overriding that decision."
                )
                % {"method": c.method.name if c.method else ""}
            }
        )


def decision_letter_preview(*, actor: Principal, case: Case, decision: DecisionData) -> dict[str, Any]:
    """The decision letter exactly as case_decide will make it (what the PDF draws, ``letters.letter``); nothing
    is saved: the decision is put on a copy of the case."""
    from vegvis.abroad import letters

    _check_preview(actor, case, "grant" if decision.outcome in GRANT_OUTCOMES else "reject")
    _check_decision(case, decision)
    preview = _preview_copy(case)
    _apply_decision(preview, decision)
    return letters.letter(DECISION_LETTERS[Outcome(decision.outcome)], preview, language=decision.language)


def _check_reversal(grounds: str) -> None:
    if not grounds.strip():
        raise ValidationError({"grounds": _("Give the grounds for reversing the decision.")})


def reversal_letter_preview(*, actor: Principal, case: Case, decided_on: date, grounds: str) -> dict[str, Any]:
    """The letter case_reverse_on_appeal will send; nothing saved."""
    from vegvis.abroad import letters

    _check_preview(actor, case, "reverse_on_appeal")
    _check_reversal(grounds)
    preview = _preview_copy(case)
    preview.final_outcome = Outcome.GRANTED
    return letters.letter(LetterTemplate.Kind.APPEAL_REVERSED, preview, extra={"grounds": grounds})


def forward_letter_preview(*, actor: Principal, case: Case) -> dict[str, Any]:
    """The letter case_forward_appeal will send; nothing saved."""
    from vegvis.abroad import letters

    _check_preview(actor, case, "forward_appeal")
    return letters.letter(
        LetterTemplate.Kind.APPEAL_FORWARDED,
        _preview_copy(case),
        extra={"appeals_body": _appeals_body(case).label},
    )


def _appeals_body(case: Case) -> Appeal.Body:
    return Appeal.Body.STATSFORVALTEREN if case.route == Route.PGD else Appeal.Body.KLAGENEMNDA


def case_decide(*, actor: Principal, case: Case, version: int, decision: DecisionData) -> Case:
    """Grant, partly grant or reject, and send the decision letter (PDF, stored in the case file, immutable)."""
    from vegvis.abroad import letters

    if decision.outcome not in DECISION_LETTERS:
        raise ValidationError({"outcome": _("Choose granted, partly granted or rejected.")})
    event = "grant" if decision.outcome in GRANT_OUTCOMES else "reject"

    def apply(c: Case) -> dict[str, Any]:
        _check_decision(c, decision)
        _apply_decision(c, decision)
        c.search_text = _search_text(c)
        pdf = letters.render_pdf(DECISION_LETTERS[Outcome(decision.outcome)], c, language=decision.language)
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.DECISION,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Decision: %(outcome)s"), outcome=Outcome(decision.outcome).label),
            document_date=decision.decided_on,
            correspondent=letters.recipients_line(c, decision.language),
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        _record_decision(c, actor, Decision.Kind.ORIGINAL, decision.decided_on, letter, grounds=decision.grounds)
        return {"outcome": decision.outcome, "letter": letter.number, "override": bool(c.method_override_reason)}

    return _transition(actor, case, event, version, apply, action="decide")


def case_withdraw(*, actor: Principal, case: Case, version: int, withdrawn_on: date, note: str = "") -> Case:
    def apply(c: Case) -> dict[str, Any]:
        c.outcome = c.final_outcome = Outcome.WITHDRAWN
        c.decided_on = withdrawn_on
        c.closed_on = withdrawn_on
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.OTHER,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Application withdrawn")),
            document_date=withdrawn_on,
            correspondent=c.patient_display_name,
            body=note,
        )
        return {}

    return _transition(actor, case, "withdraw", version, apply)


def case_record_external_decision(
    *, actor: Principal, case: Case, version: int, granted: bool, decided_on: date, decided_by: str, note: str = ""
) -> Case:
    """PGD, particle therapy and Nordic protocols are decided by another body; the office records it."""
    if not decided_by.strip():
        raise ValidationError({"decided_by": _("Name the body that made the decision.")})

    def apply(c: Case) -> dict[str, Any]:
        if decided_on < c.received_date:
            raise ValidationError({"decided_on": _("The decision cannot be dated before the case was received.")})
        c.outcome = c.final_outcome = Outcome.GRANTED if granted else Outcome.REJECTED
        c.decided_on = decided_on
        c.decided_by = decided_by
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.EXTERNAL_DECISION,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Decision by %(body)s"), body=decided_by),
            document_date=decided_on,
            correspondent=decided_by,
            correspondent_is_private=False,
            body=note,
        )
        _record_decision(c, actor, Decision.Kind.ORIGINAL, decided_on, letter, grounds=note, decided_by=decided_by)
        return {"decided_by": decided_by, "granted": granted}

    return _transition(actor, case, "record_external_grant" if granted else "record_external_rejection", version, apply)


def case_give_advice(*, actor: Principal, case: Case, version: int, advice: str, given_on: date) -> Case:
    if not advice.strip():
        raise ValidationError({"advice": _("Write the advice to HELFO.")})

    def apply(c: Case) -> dict[str, Any]:
        c.outcome = c.final_outcome = Outcome.ADVICE_GIVEN
        c.decided_on = c.closed_on = given_on
        c.grounds = advice
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.OTHER,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Advice to HELFO")),
            document_date=given_on,
            correspondent="HELFO",
            correspondent_is_private=False,
            body=advice,
            sent=True,
        )
        return {}

    return _transition(actor, case, "give_advice", version, apply, action="decide")


# ---------------------------------------------------------------- appeals


def _decision_letter_date(case: Case) -> date:
    letter = (
        case.documents.filter(kind__in=[Document.Kind.DECISION, Document.Kind.EXTERNAL_DECISION])
        .order_by("-sequence")
        .first()
    )
    if letter is not None:
        return letter.document_date
    return case.decided_on or case.received_date


def case_register_appeal(
    *, actor: Principal, case: Case, version: int, received_date: date, grounds: str = "", late_reason: str = ""
) -> Case:
    """Register an appeal against a rejection or a partial grant. A late appeal is flagged, not refused (fvl § 31).

    A partly granted case stays in follow-up while the appeal runs (see workflow.py)."""
    if received_date > timezone.localdate():
        raise ValidationError({"received_date": _("The date received cannot be in the future.")})

    def apply(c: Case) -> dict[str, Any]:
        if c.appeals.filter(
            board_outcome="", office_outcome__in=[Appeal.OfficeOutcome.PENDING, Appeal.OfficeOutcome.FORWARDED]
        ).exists():
            raise TransitionRefused(_("The case already has an appeal under way."))
        deadline = LegalDeadline.get("appeal").after(_decision_letter_date(c))
        late = received_date > deadline
        if late and not late_reason.strip():
            raise ValidationError(
                {
                    "late_reason": _("The appeal came after the deadline (%(deadline)s). Write why it is taken up.")
                    % {"deadline": deadline.strftime("%d.%m.%Y")}
                }
            )
        appeal = Appeal.objects.create(
            case=c,
            received_date=received_date,
            deadline=deadline,
            late=late,
            late_reason=late_reason,
            grounds=grounds,
            appeals_body=_appeals_body(c),
        )
        c.closed_on = None
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.APPEAL,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Appeal (late)") if late else gettext_noop("Appeal")),
            document_date=received_date,
            correspondent=c.patient_display_name,
            body=grounds,
        )
        return {"appeal": appeal.pk, "late": late}

    _transition(actor, case, "register_appeal", version, apply)
    if case.route == Route.PGD:
        # PGD decisions are not the office's: the appeal goes straight on to Statsforvalteren.
        case_forward_appeal(actor=actor, case=case, version=case.version, forwarded_on=received_date)
    return case


def _open_appeal(case: Case) -> Appeal:
    appeal = case.appeals.select_for_update().filter(board_outcome="").order_by("-received_date", "-id").first()
    if appeal is None:
        raise TransitionRefused(_("The case has no appeal under way."))
    return appeal


def case_reverse_on_appeal(*, actor: Principal, case: Case, version: int, decided_on: date, grounds: str) -> Case:
    """The office reconsiders and reverses its decision: the case becomes (fully) granted.

    The original decision and its grounds stay in the history; the reversal is added with its own grounds."""
    from vegvis.abroad import letters

    _check_reversal(grounds)

    def apply(c: Case) -> dict[str, Any]:
        appeal = _open_appeal(c)
        appeal.office_outcome = Appeal.OfficeOutcome.REVERSED
        appeal.office_date = decided_on
        appeal.save(update_fields=["office_outcome", "office_date"])
        c.final_outcome = Outcome.GRANTED
        pdf = letters.render_pdf(LetterTemplate.Kind.APPEAL_REVERSED, c, extra={"grounds": grounds})
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.APPEAL_DECISION,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Decision reversed after appeal")),
            document_date=decided_on,
            correspondent=letters.recipients_line(c),
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        _record_decision(c, actor, Decision.Kind.OFFICE_REVERSAL, decided_on, letter, grounds=grounds, appeal=appeal)
        return {"appeal": appeal.pk}

    return _transition(actor, case, "reverse_on_appeal", version, apply, action="decide")


def case_forward_appeal(*, actor: Principal, case: Case, version: int, forwarded_on: date, comments: str = "") -> Case:
    """The office keeps its decision and sends the appeal to the appeals body."""
    from vegvis.abroad import letters

    def apply(c: Case) -> dict[str, Any]:
        appeal = _open_appeal(c)
        appeal.office_outcome = Appeal.OfficeOutcome.FORWARDED
        appeal.office_date = forwarded_on
        appeal.save(update_fields=["office_outcome", "office_date"])
        pdf = letters.render_pdf(
            LetterTemplate.Kind.APPEAL_FORWARDED, c, extra={"appeals_body": appeal.get_appeals_body_display()}
        )
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.APPEAL_FORWARDED,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Appeal forwarded to %(body)s"), body=appeal.get_appeals_body_display()),
            document_date=forwarded_on,
            correspondent=appeal.get_appeals_body_display(),
            correspondent_is_private=False,
            body=comments,
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        return {"appeal": appeal.pk, "appeals_body": appeal.appeals_body}

    return _transition(actor, case, "forward_appeal", version, apply, action="decide")


def case_record_appeal_decision(
    *, actor: Principal, case: Case, version: int, reversed_: bool, received_on: date, note: str = ""
) -> Case:
    """Register the appeals body's decision when it arrives: reversed (granted), or upheld — a rejection is then
    closed, a partial grant stands and its follow-up goes on."""

    def apply(c: Case) -> dict[str, Any]:
        appeal = _open_appeal(c)
        appeal.board_outcome = Appeal.BoardOutcome.REVERSED if reversed_ else Appeal.BoardOutcome.UPHELD
        appeal.board_date = received_on
        appeal.save(update_fields=["board_outcome", "board_date"])
        if reversed_:
            c.final_outcome = Outcome.GRANTED
        elif c.status != Status.FOLLOW_UP:
            c.closed_on = received_on
        letter = _register_document(
            c,
            principal=actor,
            kind=Document.Kind.BOARD_DECISION,
            direction=Document.Direction.INCOMING,
            title=stored(
                gettext_noop("Decision of %(body)s: %(outcome)s"),
                body=appeal.get_appeals_body_display(),
                outcome=appeal.get_board_outcome_display(),
            ),
            document_date=received_on,
            correspondent=appeal.get_appeals_body_display(),
            correspondent_is_private=False,
            body=note,
        )
        _record_decision(
            c,
            actor,
            Decision.Kind.APPEALS_BODY,
            received_on,
            letter,
            grounds=note,
            decided_by=appeal.get_appeals_body_display(),
            appeal=appeal,
        )
        return {"appeal": appeal.pk, "board_outcome": appeal.board_outcome}

    return _transition(actor, case, "record_appeal_reversed" if reversed_ else "record_appeal_upheld", version, apply)


# ---------------------------------------------------------------- follow-up


def guarantee_issue(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    hospital: Organisation,
    amount: Decimal,
    currency: str,
    issued_on: date,
    valid_until: date | None = None,
    note: str = "",
) -> PaymentGuarantee:
    validate_currency(currency)
    with _locked(case, version, actor) as locked:
        if locked.status != Status.FOLLOW_UP:
            raise TransitionRefused(_("A payment guarantee is given after a grant, during follow-up."))
        guarantee = PaymentGuarantee.objects.create(
            case=locked,
            hospital=hospital,
            amount=amount,
            currency=currency.upper(),
            issued_on=issued_on,
            valid_until=valid_until,
            note=note,
        )
        _register_document(
            locked,
            principal=actor,
            kind=Document.Kind.PAYMENT_GUARANTEE,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Payment guarantee")),
            document_date=issued_on,
            correspondent=str(hospital),
            correspondent_is_private=False,
            body=f"{amount} {currency.upper()}",
            sent=True,
        )
        _audit_case(actor, locked, Action.CREATE, guarantee=guarantee.pk)
    return guarantee


def booking_add(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    kind: str,
    travellers: str,
    companions: int,
    starts_on: date,
    ends_on: date | None,
    description: str,
    booking_reference: str = "",
) -> TravelBooking:
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    with _locked(case, version, actor) as locked:
        if locked.status != Status.FOLLOW_UP:
            raise TransitionRefused(_("Travel and stay are booked after a grant, during follow-up."))
        booking = TravelBooking.objects.create(
            case=locked,
            kind=kind,
            travellers=travellers,
            companions=companions,
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
            booking_reference=booking_reference,
        )
        _audit_case(actor, locked, Action.CREATE, booking=booking.pk)
    return booking


def stay_note_add(
    *, actor: Principal, case: Case, version: int | None, text: str, follow_up_on: date | None
) -> StayNote:
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    with _locked(case, version, actor) as locked:
        note = StayNote.objects.create(
            case=locked,
            written_on=timezone.localdate(),
            text=text,
            follow_up_on=follow_up_on,
            created_by=actor.user,
        )
        _audit_case(actor, locked, Action.CREATE, stay_note=note.pk)
    return note


def stay_note_resolve(*, actor: Principal, note: StayNote) -> StayNote:
    with _locked(note.case, None, actor) as locked:
        StayNote.objects.filter(pk=note.pk).update(resolved_on=timezone.localdate())
        note.refresh_from_db()
        _audit_case(actor, locked, Action.UPDATE, stay_note_resolved=note.pk)
    return note


def _checked_invoice(*, currency: str, amount: Decimal, diagnosis_codes: str) -> tuple[str, str]:
    """The checks an invoice passes when it is registered and when it is corrected: the currency code in capitals
    and the ICD-10 codes normalised ("G40.2, Z31")."""
    errors: dict[str, str] = {}
    try:
        validate_currency(currency)
    except ValidationError as error:
        errors["currency"] = error.messages[0]
    if amount <= 0:
        errors["amount"] = _("The amount must be above zero.")
    codes = [c for c in diagnosis_codes.replace(";", ",").split(",") if c.strip()]
    for code in codes:
        try:
            icd10.validate(code)
        except icd10.Icd10Error as error:
            errors["diagnosis_codes"] = str(error)
    if errors:
        raise ValidationError(errors)
    return currency.upper(), ", ".join(icd10.normalise(c) for c in codes)


def expense_add(
    *,
    actor: Principal | None,
    case: Case,
    version: int | None,
    kind: str,
    category: str,
    amount: Decimal,
    currency: str,
    invoice_date: date,
    booked_date: date | None = None,
    creditor: str = "",
    reference: str = "",
    diagnosis_codes: str = "",
    procedure_codes: str = "",
    drg: str = "",
    amount_nok: Decimal | None = None,
    amount_confirmed: bool = False,
) -> Expense:
    """Register an invoice or travel claim; converted to NOK at Norges Bank's rate of the invoice date.

    An amount over the remaining guarantee, or far from it or from the case's usual amounts, is refused with
    :class:`ImplausibleAmount` unless the person confirmed it (``amount_confirmed``); see
    ``selectors.expense_amount_warnings``. Imports (no actor) bring their own checks.
    """
    currency, diagnosis_codes = _checked_invoice(currency=currency, amount=amount, diagnosis_codes=diagnosis_codes)
    if amount_nok is None:
        try:
            rate = rates.rate_on(currency, invoice_date)
        except rates.RateMissing as error:
            raise ValidationError({"currency": str(error)}) from error
        amount_nok = rates.to_nok(amount, rate)
    else:
        rate = (amount_nok / amount).quantize(Decimal("0.00000001")) if amount else Decimal(1)
    with _locked(case, version, actor) as locked:
        if locked.status not in {Status.FOLLOW_UP, Status.CLOSED} and actor is not None:
            raise TransitionRefused(_("Invoices are registered after a grant, during follow-up."))
        warnings = (
            _amount_warnings(locked, kind=kind, amount=amount, currency=currency, amount_nok=amount_nok)
            if actor is not None
            else []
        )
        if warnings and not amount_confirmed:
            raise ImplausibleAmount(warnings)
        expense = Expense.objects.create(
            case=locked,
            kind=kind,
            category=category,
            creditor=creditor,
            reference=reference,
            invoice_date=invoice_date,
            booked_date=booked_date or invoice_date,
            amount=amount,
            currency=currency,
            exchange_rate=rate,
            amount_nok=amount_nok,
            diagnosis_codes=diagnosis_codes,
            procedure_codes=procedure_codes.upper(),
            drg=drg,
            registered_by=actor.user if actor is not None else None,
        )
        if actor is not None:
            _register_document(
                locked,
                principal=actor,
                kind=Document.Kind.INVOICE,
                direction=Document.Direction.INCOMING,
                title=stored(
                    gettext_noop("%(kind)s %(reference)s"), kind=Expense.Kind(kind).label, reference=reference
                ).strip(),
                document_date=invoice_date,
                correspondent=creditor or locked.patient_display_name,
                correspondent_is_private=kind == Expense.Kind.TRAVEL_CLAIM,
            )
        _audit_case(
            actor,
            locked,
            Action.CREATE,
            expense=expense.pk,
            amount=str(amount),
            currency=currency,
            amount_nok=str(amount_nok),
            **({"amount_warnings_confirmed": warnings} if warnings else {}),
        )
    return expense


def expense_settle(*, actor: Principal, expense: Expense, settled_on: date) -> Expense:
    """Mark an invoice as paid: only once a second person has attested it (see :func:`expense_attest`)."""
    with _locked(expense.case, None, actor) as locked:
        current = Expense.objects.select_for_update().get(pk=expense.pk)
        if current.state == Expense.State.SETTLED:
            raise TransitionRefused(_("The invoice is already settled."))
        if current.state != Expense.State.APPROVED:
            raise TransitionRefused(_("The invoice must be attested by a second person before it is marked as paid."))
        current.state = Expense.State.SETTLED
        current.settled_on = settled_on
        current.settled_by = actor.user
        current.save(update_fields=["state", "settled_on", "settled_by"])
        expense.__dict__.update(current.__dict__)
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            expense_settled=expense.pk,
            settled_on=settled_on.isoformat(),
            attested_by=current.attested_by_id,
        )
    return expense


def case_close(*, actor: Principal, case: Case, version: int, closed_on: date) -> Case:
    """Close a case: after follow-up when every invoice is settled, or a rejection nobody appealed in time."""

    def apply(c: Case) -> dict[str, Any]:
        running = _appeal_deadline_running(c, closed_on)
        if running:
            raise TransitionRefused(running)
        c.closed_on = closed_on
        return {}

    return _transition(actor, case, "close", version, apply)


# ---------------------------------------------------------------- register of methods and templates


def method_save(*, actor: Principal, method: Method | None, **values: Any) -> Method:
    if not actor.has("abroad.manage_methods"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    with audited_atomic():
        target = method or Method()
        for name, value in values.items():
            setattr(target, name, value)
        target.full_clean()
        target.save()
        audit_record(
            principal=actor,
            action=Action.UPDATE if method else Action.CREATE,
            obj=target,
            label=target.name,
            detail={"decision": target.decision, "decided_on": target.decided_on},
        )
    return target


def letter_template_save(*, actor: Principal, template: LetterTemplate, subject: str, body: str) -> LetterTemplate:
    from vegvis.abroad import letters

    if not actor.has("abroad.manage_letter_templates"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    letters.validate_template(body, subject=subject)
    with audited_atomic():
        template.subject = subject
        template.body = body
        template.updated_by = actor.user
        template.save()
        audit_record(principal=actor, action=Action.UPDATE, obj=template, label=str(template))
    return template


def document_register_incoming(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    title: str,
    document_date: date,
    correspondent: str,
    correspondent_is_private: bool,
    content: bytes | None,
    filename: str,
    content_type: str,
) -> Document:
    with _locked(case, version, actor) as locked:
        document = _register_document(
            locked,
            principal=actor,
            kind=Document.Kind.OTHER,
            direction=Document.Direction.INCOMING,
            title=title,
            document_date=document_date,
            correspondent=correspondent,
            correspondent_is_private=correspondent_is_private,
            content=content,
            filename=filename,
            content_type=content_type,
        )
    return document


# ---------------------------------------------------------------- invoices: plausibility, correction, attestation


class ImplausibleAmount(ValidationError):
    """The amount looks wrong (issue 11); saved only when the person confirms it. ``warnings`` say why."""

    def __init__(self, warnings: list[str]):
        super().__init__({"amount": warnings})
        self.warnings = warnings


def _amount_warnings(
    case: Case, *, kind: str, amount: Decimal, currency: str, amount_nok: Decimal, exclude_pk: int | None = None
) -> list[str]:
    from vegvis.abroad.selectors import expense_amount_warnings

    return expense_amount_warnings(
        case=case, kind=kind, amount=amount, currency=currency, amount_nok=amount_nok, exclude_pk=exclude_pk
    )


# What a correction may change, as the registration form names it.
CORRECTABLE_FIELDS = (
    "kind",
    "category",
    "creditor",
    "reference",
    "invoice_date",
    "booked_date",
    "amount",
    "currency",
    "diagnosis_codes",
    "procedure_codes",
    "drg",
)


def expense_correct(
    *,
    actor: Principal,
    expense: Expense,
    version: int | None,
    kind: str,
    category: str,
    amount: Decimal,
    currency: str,
    invoice_date: date,
    booked_date: date | None = None,
    creditor: str = "",
    reference: str = "",
    diagnosis_codes: str = "",
    procedure_codes: str = "",
    drg: str = "",
    amount_confirmed: bool = False,
) -> Expense:
    """Correct a registered invoice until it is paid; the audit trail keeps every old and new value.

    A correction withdraws an attestation (the attester approved what was there before), and the person who
    corrects it may no more attest it than the one who registered it.
    """
    currency, diagnosis_codes = _checked_invoice(currency=currency, amount=amount, diagnosis_codes=diagnosis_codes)
    with _locked(expense.case, version, actor) as locked:
        current = Expense.objects.select_for_update().get(pk=expense.pk)
        if current.state == Expense.State.SETTLED:
            raise TransitionRefused(_("The invoice is paid and can no longer be corrected."))
        if (currency, invoice_date) == (current.currency, current.invoice_date):
            rate = current.exchange_rate
        else:
            try:
                rate = rates.rate_on(currency, invoice_date)
            except rates.RateMissing as error:
                raise ValidationError({"currency": str(error)}) from error
        amount_nok = rates.to_nok(amount, rate)
        new = {
            "kind": kind,
            "category": category,
            "creditor": creditor,
            "reference": reference,
            "invoice_date": invoice_date,
            "booked_date": booked_date or invoice_date,
            "amount": amount,
            "currency": currency,
            "diagnosis_codes": diagnosis_codes,
            "procedure_codes": procedure_codes.upper(),
            "drg": drg,
            "exchange_rate": rate,
            "amount_nok": amount_nok,
        }
        changes = {
            name: [str(getattr(current, name)), str(value)]
            for name, value in new.items()
            if getattr(current, name) != value
        }
        if not changes:
            expense.__dict__.update(current.__dict__)
            return expense
        warnings: list[str] = []
        if {"amount", "currency", "kind"} & changes.keys():
            warnings = _amount_warnings(
                locked, kind=kind, amount=amount, currency=currency, amount_nok=amount_nok, exclude_pk=current.pk
            )
            if warnings and not amount_confirmed:
                raise ImplausibleAmount(warnings)
        withdrawn = (
            {"attestation_withdrawn": True, "previously_attested_by": current.attested_by_id}
            if current.state == Expense.State.APPROVED
            else {}
        )
        for name, value in new.items():
            setattr(current, name, value)
        current.corrected_by = actor.user
        current.state = Expense.State.RECEIVED
        current.attested_by = None
        current.attested_at = None
        current.save()
        expense.__dict__.update(current.__dict__)
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            expense_corrected=current.pk,
            changes=changes,
            **withdrawn,
            **({"amount_warnings_confirmed": warnings} if warnings else {}),
        )
    return expense


def _may_attest(actor: Principal, case: Case) -> bool:
    """Staff of the case's own office who handle cases; an emergency grant to another office's case is not enough."""
    grant = actor.grant("abroad.handle_case")
    return actor.has("abroad.handle_case") and (grant.everywhere or case.office_id in grant.office_ids)


def expense_attest(*, actor: Principal, expense: Expense) -> Expense:
    """Attest an invoice for payment: a second person of the office, never the one who registered or corrected it.

    States: registered (received) → attested (approved) → paid (settled); see :func:`expense_settle`.
    """
    case = expense.case
    if actor.user is not None and not _may_attest(actor, case):
        _deny(actor, case, "attest invoice")
    with _locked(case, None, actor) as locked:
        current = Expense.objects.select_for_update().get(pk=expense.pk)
        if current.state == Expense.State.SETTLED:
            raise TransitionRefused(_("The invoice is already settled."))
        if current.state == Expense.State.APPROVED:
            raise TransitionRefused(_("The invoice is already attested."))
        if actor.user is not None and actor.user.pk in {current.registered_by_id, current.corrected_by_id}:
            raise TransitionRefused(
                _(
                    "You registered or corrected this invoice, so you cannot attest it: "
                    "another case handler or the office lead must."
                )
            )
        current.state = Expense.State.APPROVED
        current.attested_by = actor.user
        current.attested_at = timezone.now()
        current.save(update_fields=["state", "attested_by", "attested_at"])
        expense.__dict__.update(current.__dict__)
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            expense_attested=current.pk,
            registered_by=current.registered_by_id,
            amount=str(current.amount),
            currency=current.currency,
        )
    return expense


def may_attest(actor: Principal, expense: Expense) -> bool:
    """Whether the page offers this person the attestation of the invoice (the service decides again)."""
    return (
        expense.state == Expense.State.RECEIVED
        and actor.user is not None
        and _may_attest(actor, expense.case)
        and actor.user.pk not in {expense.registered_by_id, expense.corrected_by_id}
    )
