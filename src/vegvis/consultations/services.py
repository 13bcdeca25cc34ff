"""Every write of the consultations: one function, one audited transaction each (the case row locked, its version
checked, the step checked against ``steps.TABLE``, the case file registered through the records kit).

Input: a body invited to an open consultation sends its input (text, attachments); the first version is registered
in the case file with its number and date, and marked late when it comes after the internal deadline (accepted all
the same, until the response is submitted). The body revises it until the internal deadline; every version is kept
(``InputVersion`` and a sealed document). The secretariat records how each input was used and writes the response
in sections; publishing shows the response and every input not exempt on the public page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic
from vegvis.casework.numbering import next_organisation_number
from vegvis.consultations import deadlines
from vegvis.consultations.models import (
    CASE_NUMBER_KIND,
    RESPONSE_OPEN,
    TAKES_INPUT,
    Consultation,
    Document,
    Input,
    InputUse,
    InputVersion,
    IssuerLink,
    MemberBody,
    ResponseSection,
    Status,
)
from vegvis.consultations.policies import runs, submits_for
from vegvis.consultations.steps import TABLE
from vegvis.core.errors import Conflict, DomainError
from vegvis.core.models import Organisation
from vegvis.records.files import files_kept_on_commit
from vegvis.records.services import document_register, public_title


class ConsultationChanged(Conflict):
    code = "consultation_changed"


@dataclass(frozen=True)
class ConsultationData:
    issuer: str
    title: str
    description: str
    issued_on: date
    issuer_deadline: date
    internal_deadline: date
    issuer_reference: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (title, address)


@dataclass(frozen=True)
class Attachment:
    """A file checked by content (``core.uploads.check_upload``) before it reaches a service."""

    content: bytes
    filename: str
    content_type: str


def _stored(message: str, **params: Any) -> str:
    """Text kept in the case file: in the installation's language whatever the user's screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params if params else _(message)


def _check_runs(actor: Principal, organisation: Organisation, what: str) -> None:
    if not runs(actor, organisation.pk):
        audit_denied(actor, obj=organisation, label=organisation.name, detail={"action": what})
        raise PermissionDenied


def _check_data(data: ConsultationData) -> None:
    if data.issuer_deadline < data.issued_on:
        raise DomainError(
            _("The issuer's deadline cannot be before the consultation was sent."), field="issuer_deadline"
        )
    if data.internal_deadline < data.issued_on:
        raise DomainError(
            _("The internal deadline cannot be before the consultation was sent."), field="internal_deadline"
        )
    for _title, url in data.links:
        # Shown as links on every page of the round: an address of the web only (never javascript:, data:, file:).
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DomainError(_("Give each link's address as https://…"), field="links")


def _check_invited(organisation: Organisation, invited: Iterable[MemberBody]) -> list[MemberBody]:
    bodies = list(invited)
    if any(body.parent_id != organisation.pk for body in bodies):
        raise DomainError(_("Only the organisation's own member bodies can be invited."), field="invited")
    return bodies


def _locked(consultation: Consultation, version: int | None) -> Consultation:
    row = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)
    if version is not None and row.version != version:
        raise ConsultationChanged(
            _("The consultation was changed by someone else while you worked on it. Reload it to see the changes.")
        )
    return row


def _audit(actor: Principal, obj: Any, action: str, **detail: Any) -> None:
    audit_record(principal=actor, action=action, obj=obj, label=obj.audit_label, detail=detail or None)


# ---------------------------------------------------------------- the consultation


def consultation_create(
    *, actor: Principal, organisation: Organisation, data: ConsultationData, invited: Iterable[MemberBody] = ()
) -> Consultation:
    """A new consultation, a draft numbered in the organisation's series of its year."""
    _check_runs(actor, organisation, "consultation_create")
    _check_data(data)
    bodies = _check_invited(organisation, invited)
    year = timezone.localdate().year
    with audited_atomic():
        serial = next_organisation_number(organisation, year, CASE_NUMBER_KIND)
        consultation = Consultation.objects.create(
            organisation=organisation,
            year=year,
            serial=serial,
            number=f"{year}/{serial:04d}",
            issuer=data.issuer,
            issuer_reference=data.issuer_reference,
            title=data.title,
            description=data.description,
            issued_on=data.issued_on,
            issuer_deadline=data.issuer_deadline,
            internal_deadline=data.internal_deadline,
            created_by=actor.user,
        )
        consultation.invited.set(bodies)
        IssuerLink.objects.bulk_create(
            IssuerLink(consultation=consultation, title=title, url=url) for title, url in data.links
        )
        _audit(actor, consultation, Action.CREATE, invited=[b.pk for b in bodies], links=len(data.links))
    return consultation


def consultation_update(
    *,
    actor: Principal,
    consultation: Consultation,
    version: int,
    data: ConsultationData,
    invited: Iterable[MemberBody],
) -> Consultation:
    """The secretariat corrects the consultation and its invitations until the response is submitted."""
    _check_runs(actor, consultation.organisation, "consultation_update")
    _check_data(data)
    bodies = _check_invited(consultation.organisation, invited)
    with audited_atomic():
        row = _locked(consultation, version)
        if row.status in (Status.SUBMITTED, Status.PUBLISHED):
            raise Conflict(_("The response is submitted: the consultation can no longer be changed."))
        for name in ("issuer", "issuer_reference", "title", "description", "issued_on", "issuer_deadline"):
            setattr(row, name, getattr(data, name))
        row.internal_deadline = data.internal_deadline
        row.version += 1
        row.save()
        row.invited.set(bodies)
        row.links.all().delete()
        IssuerLink.objects.bulk_create(IssuerLink(consultation=row, title=title, url=url) for title, url in data.links)
        _audit(actor, row, Action.UPDATE, invited=[b.pk for b in bodies], links=len(data.links))
    consultation.__dict__.update(row.__dict__)
    return row


def issuer_document_add(
    *, actor: Principal, consultation: Consultation, title: str, attachment: Attachment
) -> Document:
    """One of the issuer's documents (the draft, its letter) in the case file."""
    _check_runs(actor, consultation.organisation, "issuer_document_add")
    with files_kept_on_commit(), audited_atomic():
        row = _locked(consultation, None)
        return document_register(
            model=Document,
            case=row,
            principal=actor,
            kind=Document.Kind.ISSUER_DOCUMENT,
            direction=Document.Direction.INCOMING,
            title=title,
            public_title=public_title(Document.Kind.ISSUER_DOCUMENT.label),
            document_date=timezone.localdate(),
            correspondent=row.issuer,
            correspondent_is_private=False,
            content=attachment.content,
            filename=attachment.filename,
            content_type=attachment.content_type,
            sent=True,
        )


def consultation_step(*, actor: Principal, case: Consultation, version: int | None, event: str) -> Consultation:
    """Take one step of the table (``steps.TABLE``); submitting and publishing stamp their day."""
    if not actor.has_any(*TABLE.permissions[event]) or not policies.policy_for(Consultation).can(
        actor, TABLE.step(event).policy_action, case
    ):
        audit_denied(actor, obj=case, label=case.audit_label, detail={"action": event})
        raise PermissionDenied
    with audited_atomic():
        row = _locked(case, version)
        before = row.status
        TABLE.check_step(row, event)
        TABLE.move(row, event)
        if row.status == Status.SUBMITTED:
            row.submitted_on = timezone.localdate()
        row.published_on = timezone.localdate() if row.status == Status.PUBLISHED else None
        row.version += 1
        row.save(update_fields=["status", "submitted_on", "published_on", "version"])
        _audit(actor, row, Action.TRANSITION, event=event, status=[before, row.status])
    case.__dict__.update(row.__dict__)
    return case


# ---------------------------------------------------------------- input


def _register_version(
    actor: Principal,
    row: Consultation,
    item: Input,
    text: str,
    sequence: int,
    now: Any,
    attachments: Sequence[Attachment],
) -> InputVersion:
    body_name = item.body.name
    document = document_register(
        model=Document,
        case=row,
        principal=actor,
        kind=Document.Kind.INPUT,
        direction=Document.Direction.INCOMING,
        title=_stored("Input from %(body)s, version %(version)s", body=body_name, version=sequence),
        public_title=public_title(Document.Kind.INPUT.label),
        document_date=timezone.localtime(now).date(),
        correspondent=body_name,
        correspondent_is_private=False,
        body=text,
        sent=True,
    )
    Document.objects.filter(pk=document.pk).update(input=item)
    for attachment in attachments:
        attached = document_register(
            model=Document,
            case=row,
            principal=actor,
            kind=Document.Kind.ATTACHMENT,
            direction=Document.Direction.INCOMING,
            title=_stored("Attachment to input from %(body)s: %(name)s", body=body_name, name=attachment.filename),
            public_title=public_title(Document.Kind.ATTACHMENT.label),
            document_date=timezone.localtime(now).date(),
            correspondent=body_name,
            correspondent_is_private=False,
            content=attachment.content,
            filename=attachment.filename,
            content_type=attachment.content_type,
            sent=True,
        )
        Document.objects.filter(pk=attached.pk).update(input=item)
    return InputVersion.objects.create(
        input=item,
        sequence=sequence,
        text=text,
        submitted_at=now,
        author=actor.user,
        late=deadlines.is_late(now, row.internal_deadline),
        document=document,
    )


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(_("Write the input."), field="text")
    return text


def input_submit(
    *,
    actor: Principal,
    consultation: Consultation,
    body: MemberBody,
    text: str,
    contains_personal_data: bool = False,
    attachments: Sequence[Attachment] = (),
) -> Input:
    """A body's first input to the consultation; late (after the internal deadline) is accepted and marked late."""
    text = _clean_text(text)
    if not submits_for(actor, body.organisation_id):
        audit_denied(actor, obj=consultation, label=consultation.audit_label, detail={"action": "input_submit"})
        raise PermissionDenied
    now = timezone.now()
    with files_kept_on_commit(), audited_atomic():
        row = _locked(consultation, None)
        if not row.invited.filter(pk=body.pk).exists():
            raise DomainError(_("Your body is not invited to this consultation."))
        if row.status not in TAKES_INPUT:
            raise Conflict(_("The consultation does not take input now."))
        if Input.objects.filter(consultation=row, body=body).exists():
            raise Conflict(_("Your body has sent its input already: revise it instead."))
        item = Input(
            consultation=row,
            body=body,
            author=actor.user,
            text=text,
            number="",
            registered_at=now,
            late=deadlines.is_late(now, row.internal_deadline),
            contains_personal_data=contains_personal_data,
        )
        item.save()
        version = _register_version(actor, row, item, text, 1, now, attachments)
        item.number = version.document.number if version.document else ""
        item.save(update_fields=["number"])
        _audit(actor, item, Action.CREATE, late=item.late, attachments=len(attachments), exempt=contains_personal_data)
    return item


def input_revise(
    *,
    actor: Principal,
    input: Input,
    version: int,
    text: str,
    contains_personal_data: bool,
    attachments: Sequence[Attachment] = (),
) -> Input:
    """The body's new version of its input, until the end of the internal deadline's day; the old ones are kept."""
    text = _clean_text(text)
    if not submits_for(actor, input.body.organisation_id):
        audit_denied(actor, obj=input, label=input.audit_label, detail={"action": "input_revise"})
        raise PermissionDenied
    now = timezone.now()
    with files_kept_on_commit(), audited_atomic():
        row = _locked(input.consultation, None)
        item = Input.objects.select_for_update(of=("self",)).select_related("body__organisation").get(pk=input.pk)
        if item.version != version:
            raise ConsultationChanged(_("The input was changed while you worked on it. Reload it to see the changes."))
        if not deadlines.may_revise(now, row.internal_deadline):
            raise Conflict(
                _("The input can be revised only until the internal deadline, %(day)s.")
                % {"day": row.internal_deadline.strftime("%d.%m.%Y")}
            )
        if row.status not in TAKES_INPUT:
            raise Conflict(_("The consultation does not take input now."))
        last = item.versions.aggregate(last=Max("sequence"))["last"] or 0
        _register_version(actor, row, item, text, last + 1, now, attachments)
        item.text = text
        item.revised_at = now
        item.author = actor.user
        # A revision may mark the input as holding personal data, never lift the mark: once it is exempt (by the
        # body or by the secretariat), only the secretariat lifts it (input_use), so a revision cannot publish it.
        item.contains_personal_data = item.contains_personal_data or contains_personal_data
        item.version += 1
        item.save(update_fields=["text", "revised_at", "author", "contains_personal_data", "version"])
        _audit(actor, item, Action.UPDATE, version=last + 1, attachments=len(attachments))
    input.__dict__.update(item.__dict__)
    return item


def input_use_record(
    *,
    actor: Principal,
    input: Input,
    use: str,
    explanation: str,
    contains_personal_data: bool | None = None,
) -> InputUse:
    """The secretariat records whether and how the input was used (and may mark it exempt from publication)."""
    explanation = explanation.strip()
    if not explanation:
        raise DomainError(_("Say in a sentence how the input was used."), field="explanation")
    if not runs(actor, input.consultation.organisation_id):
        audit_denied(actor, obj=input, label=input.audit_label, detail={"action": "input_use_record"})
        raise PermissionDenied
    with audited_atomic():
        row = _locked(input.consultation, None)
        if row.status not in (*RESPONSE_OPEN, Status.OPEN, Status.SUBMITTED):
            raise Conflict(_("The use of inputs can be recorded only until the response is published."))
        recorded, _created = InputUse.objects.update_or_create(
            input=input, defaults={"use": use, "explanation": explanation, "recorded_by": actor.user}
        )
        if contains_personal_data is not None and contains_personal_data != input.contains_personal_data:
            Input.objects.filter(pk=input.pk).update(contains_personal_data=contains_personal_data)
            input.contains_personal_data = contains_personal_data
        _audit(actor, input, Action.UPDATE, use=use, exempt=input.contains_personal_data)
    return recorded


# ---------------------------------------------------------------- the response


def section_save(
    *,
    actor: Principal,
    consultation: Consultation,
    heading: str,
    text: str,
    order: int,
    inputs: Iterable[Input] = (),
    section: ResponseSection | None = None,
) -> ResponseSection:
    """A section of the response (new, or ``section`` changed), with the inputs that bear on it."""
    if not runs(actor, consultation.organisation_id):
        audit_denied(actor, obj=consultation, label=consultation.audit_label, detail={"action": "section_save"})
        raise PermissionDenied
    chosen = list(inputs)
    if any(item.consultation_id != consultation.pk for item in chosen):
        raise DomainError(_("Choose among this consultation's inputs."), field="inputs")
    with audited_atomic():
        row = _locked(consultation, None)
        if row.status not in (*RESPONSE_OPEN, Status.OPEN):
            raise Conflict(_("The response can be written only until it is submitted."))
        if section is None:
            section = ResponseSection.objects.create(consultation=row, heading=heading, text=text, order=order)
        else:
            if section.consultation_id != row.pk:
                raise DomainError(_("The section belongs to another consultation."))
            section.heading, section.text, section.order = heading, text, order
            section.save(update_fields=["heading", "text", "order"])
        section.inputs.set(chosen)
        _audit(actor, row, Action.UPDATE, section=section.pk, inputs=[i.pk for i in chosen])
    return section


def response_introduction_save(
    *, actor: Principal, consultation: Consultation, version: int, text: str
) -> Consultation:
    if not runs(actor, consultation.organisation_id):
        audit_denied(actor, obj=consultation, label=consultation.audit_label, detail={"action": "introduction"})
        raise PermissionDenied
    with audited_atomic():
        row = _locked(consultation, version)
        if row.status in (Status.SUBMITTED, Status.PUBLISHED):
            raise Conflict(_("The response can be written only until it is submitted."))
        row.response_introduction = text.strip()
        row.version += 1
        row.save(update_fields=["response_introduction", "version"])
        _audit(actor, row, Action.UPDATE, introduction=True)
    consultation.__dict__.update(row.__dict__)
    return row
