"""What every treatment-abroad write shares: offices, case numbering, the permission and edge checks, the row lock,
the workflow guards and the transition, and the registration of documents in the case file.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from statemachine.exceptions import TransitionNotAllowed

from vegvis.abroad import deadlines, screening
from vegvis.abroad.models import Appeal, Case, CaseCounter, Document, Expense, Outcome, Route, Status
from vegvis.abroad.policies import CasePolicy
from vegvis.abroad.workflow import EVENT_LABELS, EVENT_PERMISSIONS, ROUTE_EVENTS, allowed_events, machine_for
from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic, retry_on_conflict
from vegvis.core import icd10
from vegvis.core.errors import Conflict, DomainError
from vegvis.core.models import LegalDeadline, Office, Person, Region

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


# Files stored by the change under way (see _locked), removed again when its transaction does not commit.
_files_written: ContextVar[list[tuple[Any, str]] | None] = ContextVar("abroad_files_written", default=None)


@contextmanager
def _locked(case: Case, expected_version: int | None, principal: Principal, action: str = "handle") -> Iterator[Case]:
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
    deadline = LegalDeadline.get("appeal").after(deadlines.decision_letter_date(case))
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
    principal: Principal,
    case: Case,
    event: str,
    expected_version: int | None,
    apply: Callable[[Case], dict[str, Any]] | None = None,
    action: str = "handle",
) -> Case:
    """The one path every status change takes: lock, check the edge, apply (guards and data), move, audit —
    in one transaction. Guards run before the move, so they see the state the user saw."""
    if not principal.has_any(*EVENT_PERMISSIONS[event]):
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
        created_by=principal.user,
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
