"""Inquiries in (staff registration, the public web form) and triage into a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access import policies
from vegvis.access.principal import SYSTEM, Principal
from vegvis.accounts.models import User
from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic, retry_on_conflict
from vegvis.casework.numbering import next_organisation_number
from vegvis.core.errors import Conflict, DomainError
from vegvis.core.models import Organisation, Person, Region
from vegvis.core.services import person_get_or_create
from vegvis.inquiries.models import (
    CASE_NUMBER_KIND,
    INQUIRY_NUMBER_KIND,
    Case,
    Channel,
    Document,
    Inquiry,
    Kind,
    Status,
)
from vegvis.inquiries.services.base import audit_case, check_organisation, locked, register_document, stored
from vegvis.records import files


def inquiry_reference(year: int, serial: int) -> str:
    return f"H{year}-{serial:04d}"


def case_number(year: int, serial: int) -> str:
    return f"{year}/{serial:04d}"


def _create(*, actor: Principal, organisation: Organisation, received_at: datetime, **values: Any) -> Inquiry:
    year = timezone.localtime(received_at).year
    serial = next_organisation_number(organisation, year, INQUIRY_NUMBER_KIND)
    inquiry = Inquiry.objects.create(
        organisation=organisation,
        year=year,
        serial=serial,
        reference=inquiry_reference(year, serial),
        received_at=received_at,
        registered_by=actor.user,
        **values,
    )
    audit_record(
        principal=actor,
        action=Action.CREATE,
        obj=inquiry,
        label=inquiry.audit_label,
        person_id=inquiry.person_id,
        detail={"channel": inquiry.channel},
    )
    return inquiry


@retry_on_conflict
def inquiry_register(
    *,
    actor: Principal,
    organisation: Organisation,
    channel: str,
    contacted_by: str,
    service: str,
    account: str,
    received_at: datetime | None = None,
    provider: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    person: Person | None = None,
) -> Inquiry:
    """A phone call, e-mail or letter registered by the desk's staff (linked to a registered person if known)."""
    check_organisation(actor, organisation, "register inquiry")
    if channel == Channel.WEB_FORM:
        raise DomainError(_("Inquiries from the web form come in through the form itself."), field="channel")
    with audited_atomic():
        return _create(
            actor=actor,
            organisation=organisation,
            received_at=received_at or timezone.now(),
            channel=channel,
            contacted_by=contacted_by,
            service=service,
            account=account,
            provider=provider,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            person=person,
        )


def _receipt_mail(reference: str, organisation_name: str, to: str) -> None:
    """The receipt: the reference number and nothing of what the person wrote (no health data by mail)."""
    subject = stored(
        "Your inquiry to %(organisation)s: %(reference)s", organisation=organisation_name, reference=reference
    )
    body = stored(
        "We have received your inquiry. Its reference number is %(reference)s.\n\n"
        "Please give this number if you contact us about it. We do not repeat what you wrote in e-mail, "
        "because e-mail is not a safe channel for health information.\n\n%(organisation)s",
        reference=reference,
        organisation=organisation_name,
    )
    send_mail(subject, body, None, [to])


@retry_on_conflict
def inquiry_submit(
    *,
    organisation: Organisation,
    contacted_by: str,
    service: str,
    account: str,
    consent_text: str,
    provider: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Inquiry:
    """An inquiry sent through the public web form, with the consent text the person agreed to. The application
    registers it (SYSTEM); a receipt mail goes after commit when an e-mail address was given."""
    if organisation.kind != Organisation.Kind.PATIENT_ORGANISATION:
        raise DomainError(_("This organisation takes no inquiries here."))
    if not consent_text.strip():
        raise DomainError(_("The inquiry needs your consent to processing."), field="consent")
    now = timezone.now()
    with audited_atomic():
        inquiry = _create(
            actor=SYSTEM,
            organisation=organisation,
            received_at=now,
            channel=Channel.WEB_FORM,
            contacted_by=contacted_by,
            service=service,
            account=account,
            provider=provider,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            consent_text=consent_text,
            consent_given_at=now,
        )
        if contact_email:
            reference, name = inquiry.reference, organisation.name
            transaction.on_commit(lambda: _receipt_mail(reference, name, contact_email))
    return inquiry


@retry_on_conflict
def inquiry_triage(*, actor: Principal, inquiry: Inquiry, kind: str, case_worker: User | None = None) -> Case:
    """Make the inquiry an information or an assistance case, numbered in the association's series; the inquiry
    is the first document of its case file."""
    if not policies.policy_for(Inquiry).can(actor, "handle", inquiry):
        audit_denied(actor, obj=inquiry, label=inquiry.reference, detail={"action": "triage"})
        raise PermissionDenied
    if kind not in Kind.values:
        raise DomainError(_("Choose the kind of case."), field="kind")
    with files.files_kept_on_commit(), audited_atomic():
        row = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if row.triaged_at is not None:
            raise Conflict(_("The inquiry has already been triaged."))
        year = timezone.localdate().year
        serial = next_organisation_number(row.organisation_id, year, CASE_NUMBER_KIND)
        case = Case.objects.create(
            organisation_id=row.organisation_id,
            inquiry=row,
            person_id=row.person_id,
            kind=kind,
            year=year,
            serial=serial,
            number=case_number(year, serial),
            case_worker=case_worker or actor.user,
        )
        row.triaged_at = timezone.now()
        row.save(update_fields=["triaged_at"])
        register_document(
            case,
            principal=actor,
            kind=Document.Kind.INQUIRY,
            direction=Document.Direction.INCOMING,
            title=stored("Inquiry %(reference)s", reference=row.reference),
            document_date=timezone.localdate(row.received_at),
            correspondent=row.display_name,
            body=row.account,
        )
        audit_case(actor, case, Action.CREATE, inquiry=row.reference, kind=kind)
    inquiry.triaged_at = row.triaged_at
    return case


@retry_on_conflict
def inquiry_attach(*, actor: Principal, inquiry: Inquiry, case: Case) -> Case:
    """Triage the inquiry into an open case the same person already has at the association, instead of making a
    new one: no case number is used; the inquiry is registered in that case's file and the case's history."""
    if not policies.policy_for(Inquiry).can(actor, "handle", inquiry):
        audit_denied(actor, obj=inquiry, label=inquiry.reference, detail={"action": "attach"})
        raise PermissionDenied
    if case.organisation_id != inquiry.organisation_id:
        # Never another association's case, whatever the form says.
        audit_denied(actor, obj=case, label=case.number, detail={"action": "attach", "inquiry": inquiry.reference})
        raise PermissionDenied
    with files.files_kept_on_commit(), locked(case, None, actor) as row:
        found = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if found.triaged_at is not None:
            raise Conflict(_("The inquiry has already been triaged."))
        if row.status == Status.CLOSED:
            raise DomainError(_("A closed case cannot take a new inquiry; the lead can reopen it."))
        if found.person_id and row.person_id and found.person_id != row.person_id:
            raise DomainError(_("The inquiry is about another person than the case."))
        found.person_id = found.person_id or row.person_id
        row.person_id = row.person_id or found.person_id
        found.triaged_at = timezone.now()
        found.attached_to = row
        found.save(update_fields=["person", "triaged_at", "attached_to"])
        register_document(
            row,
            principal=actor,
            kind=Document.Kind.INQUIRY,
            direction=Document.Direction.INCOMING,
            title=stored("Inquiry %(reference)s", reference=found.reference),
            document_date=timezone.localdate(found.received_at),
            correspondent=found.display_name,
            body=found.account,
        )
        audit_case(actor, row, Action.UPDATE, attached_inquiry=found.reference)
    inquiry.triaged_at, inquiry.attached_to_id = found.triaged_at, row.pk
    return case


@retry_on_conflict
def inquiry_link_person(
    *,
    actor: Principal,
    inquiry: Inquiry,
    national_id: str,
    name: str,
    home_region: Region,
    birth_date: date | None = None,
) -> Person:
    """Link the inquiry to the person with this national id, registering them if new. The number is validated
    and kept only encrypted on the person; the audit entry names the person by id, never the number."""
    if not policies.policy_for(Inquiry).can(actor, "handle", inquiry):
        audit_denied(actor, obj=inquiry, label=inquiry.reference, detail={"action": "link person"})
        raise PermissionDenied
    with audited_atomic():
        person, created = person_get_or_create(
            actor=actor, national_id=national_id, name=name, home_region=home_region, birth_date=birth_date
        )
        row = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if row.triaged_at is not None:
            raise Conflict(_("The inquiry has already been triaged."))
        row.person = person
        row.save(update_fields=["person"])
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=row,
            label=row.audit_label,
            person_id=person.pk,
            detail={"person": person.pk, "registered": created},
        )
    inquiry.person = person
    return person
