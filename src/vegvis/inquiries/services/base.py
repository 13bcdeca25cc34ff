"""What every desk write shares: the permission check, the row lock and version check, the step (checked against
``steps.TABLE``), the due date, the audit entry and the case file."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic, retry_on_conflict
from vegvis.core.errors import Conflict
from vegvis.core.models import Organisation
from vegvis.inquiries import deadlines
from vegvis.inquiries.models import Case, Document
from vegvis.inquiries.steps import TABLE
from vegvis.records import files
from vegvis.records import services as records_services


class CaseChanged(Conflict):
    code = "case_changed"


def check_organisation(actor: Principal, organisation: Organisation, what: str) -> None:
    """Only the association's own desk staff write its inquiries; a refusal is audited (call outside
    transactions, so the refusal is kept)."""
    grant = actor.grant("inquiries.handle_case")
    if not (grant.everywhere or organisation.pk in grant.organisation_ids):
        audit_denied(actor, obj=organisation, label=organisation.name, detail={"action": what})
        raise PermissionDenied


def audit_case(principal: Principal, case: Case, action: str, **detail: Any) -> None:
    audit_record(
        principal=principal,
        action=action,
        obj=case,
        label=case.number,
        person_id=case.person_id,
        detail=detail or None,
    )


def _values(case: Case) -> dict[str, Any]:
    return {f.name: copy.deepcopy(getattr(case, f.attname)) for f in Case._meta.concrete_fields if not f.primary_key}


@contextmanager
def locked(case: Case, version: int | None, principal: Principal, action: str = "handle") -> Iterator[Case]:
    """Check access (before the transaction, so a refusal's audit entry is kept), lock the case row, refuse a
    stale version; afterwards bump the version, recompute the due date and write only the changed columns."""
    policies.require(principal, action, case)
    with files.files_kept_on_commit(), audited_atomic():
        row = Case.objects.select_for_update(of=("self",)).select_related("inquiry").get(pk=case.pk)
        if version is not None and row.version != version:
            raise CaseChanged(
                _("The case was changed by someone else while you worked on it. Reload it to see the changes.")
            )
        before = _values(row)
        yield row
        row.version += 1
        deadlines.refresh(row)
        after = _values(row)
        row.save(update_fields=[name for name, value in after.items() if before[name] != value])
        case.__dict__.update(row.__dict__)


@retry_on_conflict
def take_step(
    principal: Principal,
    case: Case,
    event: str,
    version: int | None,
    apply: Callable[[Case], dict[str, Any] | None] | None = None,
) -> Case:
    """The one path every step takes: permission, lock, the step checked (kind, state, guards), the data applied,
    the state moved, audited, in one transaction."""
    if not principal.has_any(*TABLE.permissions[event]):
        audit_denied(principal, obj=case, label=case.number, detail={"action": event})
        raise PermissionDenied
    with locked(case, version, principal, TABLE.step(event).policy_action) as row:
        before = row.status
        TABLE.check_step(row, event)
        detail = (apply(row) if apply else None) or {}
        TABLE.move(row, event)
        audit_case(principal, row, Action.TRANSITION, event=event, status=[before, row.status], **detail)
    return case


def stored(message: str, **params: Any) -> str:
    """Text kept in the case file: in the installation's language whatever the user's screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params if params else _(message)


def register_document(
    case: Case,
    *,
    principal: Principal,
    kind: str,
    direction: str,
    title: str,
    document_date: date,
    correspondent: str = "",
    body: str = "",
    content: bytes | None = None,
    filename: str = "",
    content_type: str = "",
    sent: bool = False,
) -> Document:
    """Register a document in the case file: numbered ``<case number>-<n>``, the person's name screened."""
    return records_services.document_register(
        model=Document,
        case=case,
        principal=principal,
        kind=kind,
        direction=direction,
        title=title,
        public_title=records_services.public_title(Document.Kind(kind).label),
        document_date=document_date,
        correspondent=correspondent,
        screened_names=[case.inquiry.display_name, case.inquiry.contact_name],
        body=body,
        content=content,
        filename=filename,
        content_type=content_type,
        sent=sent,
        person_id=case.person_id,
    )
