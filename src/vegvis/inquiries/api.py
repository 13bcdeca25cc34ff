"""The inquiry desk's API: the same inquiries, cases and steps as the desk's pages, for the association's systems.

Steps are validated with the pages' forms and taken through the same services (``steps.TABLE``), so a page and
the API cannot offer or allow different steps; every read of personal data is audited as on the pages. A step's
file (the signed power of attorney) comes base64-encoded in ``files`` and is checked by content like an upload.
A step that sends a letter is taken at once, its letter sealed in the case file: the page's preview and "confirm"
are for a person; a calling system has composed its data already (docs/modules/inquiries.md, *Decisions*).

(No ``from __future__ import annotations`` here: ninja resolves the annotations of the wrapped operations.)
"""

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema, Status

from vegvis.access.policies import get_visible_or_404
from vegvis.access.rules import api_requires, principal
from vegvis.audit.services import audit_denied, read_for, read_rows
from vegvis.core.errors import DomainError
from vegvis.inquiries import selectors
from vegvis.inquiries.models import Case, Inquiry
from vegvis.inquiries.steps import TABLE

API_PREFIX = "/inquiries"
router = Router(tags=[gettext_noop("inquiry desk")])
VIEW = ("inquiries.view_case", "inquiries.assess_case")
STEP_PERMISSIONS = ("inquiries.handle_case", "inquiries.assess_case", "inquiries.lead_desk")
# A step's file is at most this large once decoded (the pages' upload limit is the web server's).
MAX_FILE_BYTES = 20 * 1024 * 1024

ChannelCode = Literal["phone", "email", "letter", "web_form"]
StatusCode = Literal["open", "at_npe", "npe_decided", "at_board", "closed"]
KindCode = Literal["information", "assistance"]


class DeskErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: dict[str, list[str]] | None = None


class DeskInquiryRow(Schema):
    id: int
    reference: str
    channel: ChannelCode
    contacted_by: str
    service: str
    provider: str
    name: str
    received_at: datetime
    triaged: bool
    case_id: int | None


class DeskInquiryPage(Schema):
    items: list[DeskInquiryRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class DeskInquiryOut(DeskInquiryRow):
    account: str = Field(description="The account in the person's words")
    contact_email: str
    contact_phone: str
    consent_given_at: datetime | None


class DeskCaseRow(Schema):
    id: int
    number: str
    kind: KindCode
    status: StatusCode
    name: str
    due_on: date | None
    due_reason: str
    version: int
    case_worker_id: int | None
    medical_adviser_id: int | None


class DeskCasePage(Schema):
    items: list[DeskCaseRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class DeskPowerOfAttorneyOut(Schema):
    id: int
    granted_by: str
    scopes: list[str]
    signed_on: date
    valid_until: date | None
    revoked_on: date | None
    has_scan: bool


class DeskRecordRequestOut(Schema):
    id: int
    provider: str
    sent_on: date
    due_on: date
    received_on: date | None


class DeskComplaintOut(Schema):
    id: int
    recipient: str
    provider: str
    decision_on: date
    deadline: date
    sent_on: date | None


class DeskClaimOut(Schema):
    id: int
    knew_on: date
    act_on: date
    relative_limit: date = Field(description="Limitation: 3 years from when the patient knew of the injury")
    absolute_limit: date = Field(description="Limitation: 20 years from the act")
    claimed_loss: Decimal | None
    below_threshold: bool = Field(description="The claimed loss is under 10 000 NOK, outside the scheme")
    sent_on: date | None
    decision: str
    decision_received_on: date | None
    appeal_deadline: date | None
    appealed_on: date | None
    board_decision: str
    board_decided_on: date | None


class DeskDocumentOut(Schema):
    number: str
    kind: str
    direction: Literal["I", "U", "N"]
    title: str
    document_date: date
    has_file: bool


class DeskCaseOut(DeskCaseRow):
    inquiry_id: int
    inquiry_reference: str
    outcome: str
    failure_type: str
    outcome_note: str
    amount_granted: Decimal | None
    closed_at: datetime | None
    allowed_events: list[str] = Field(description="Steps the caller may take now (POST them to /transitions).")
    powers_of_attorney: list[DeskPowerOfAttorneyOut]
    record_requests: list[DeskRecordRequestOut]
    complaints: list[DeskComplaintOut]
    claims: list[DeskClaimOut]
    documents: list[DeskDocumentOut]


class DeskFileIn(Schema):
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(description="The file's bytes, base64-encoded; checked by content, not by name")


class DeskTransitionIn(Schema):
    event: str = Field(description="One of the case's allowed_events")
    version: int = Field(description="The case version you last read; a changed case answers 409")
    data: dict[str, Any] = Field(default_factory=dict, description="The step's fields, as in the web form")
    files: dict[str, DeskFileIn] = Field(
        default_factory=dict, description="The step's files by field (register_power_of_attorney: `scan`)"
    )


def _inquiry_row(inquiry: Inquiry) -> dict[str, Any]:
    case = (getattr(inquiry, "case", None) or inquiry.attached_to) if inquiry.triaged_at else None
    return {
        "id": inquiry.pk,
        "reference": inquiry.reference,
        "channel": inquiry.channel,
        "contacted_by": inquiry.contacted_by,
        "service": inquiry.service,
        "provider": inquiry.provider,
        "name": inquiry.display_name,
        "received_at": inquiry.received_at,
        "triaged": inquiry.triaged_at is not None,
        "case_id": case.pk if case is not None else None,
    }


def _case_row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "status": case.status,
        "name": case.display_name,
        "due_on": case.due_on,
        "due_reason": case.due_reason,
        "version": case.version,
        "case_worker_id": case.case_worker_id,
        "medical_adviser_id": case.medical_adviser_id,
    }


def _case_detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    who = principal(request)
    file = selectors.case_file(case)
    read_for(who, case, shown=["name", "account", "case_number", "power_of_attorney", "claims", "documents"])
    return {
        **_case_row(case),
        "inquiry_id": case.inquiry_id,
        "inquiry_reference": case.inquiry.reference,
        "outcome": case.outcome,
        "failure_type": case.failure_type,
        "outcome_note": case.outcome_note,
        "amount_granted": case.amount_granted,
        "closed_at": case.closed_at,
        "allowed_events": TABLE.available_steps(who, case),
        "powers_of_attorney": [
            {
                "id": p.pk,
                "granted_by": p.granted_by,
                "scopes": [scope for scope in ("records", "complaints", "compensation", "meetings") if p.covers(scope)],
                "signed_on": p.signed_on,
                "valid_until": p.valid_until,
                "revoked_on": p.revoked_on,
                "has_scan": p.scan_id is not None,
            }
            for p in file["powers_of_attorney"]
        ],
        "record_requests": [
            {"id": r.pk, "provider": r.provider, "sent_on": r.sent_on, "due_on": r.due_on, "received_on": r.received_on}
            for r in file["record_requests"]
        ],
        "complaints": [
            {
                "id": c.pk,
                "recipient": c.recipient,
                "provider": c.provider,
                "decision_on": c.decision_on,
                "deadline": c.deadline,
                "sent_on": c.sent_on,
            }
            for c in file["complaints"]
        ],
        "claims": [
            {
                "id": c.pk,
                "knew_on": c.knew_on,
                "act_on": c.act_on,
                "relative_limit": c.relative_limit,
                "absolute_limit": c.absolute_limit,
                "claimed_loss": c.claimed_loss,
                "below_threshold": c.below_threshold,
                "sent_on": c.sent_on,
                "decision": c.decision,
                "decision_received_on": c.decision_received_on,
                "appeal_deadline": c.appeal_deadline,
                "appealed_on": c.appealed_on,
                "board_decision": c.board_decision,
                "board_decided_on": c.board_decided_on,
            }
            for c in file["claims"]
        ],
        "documents": [
            {
                "number": d.number,
                "kind": d.kind,
                "direction": d.direction,
                "title": d.title,
                "document_date": d.document_date,
                "has_file": bool(d.file),
            }
            for d in file["documents"]
        ],
    }


def _case(request: HttpRequest, case_id: int) -> Case:
    return get_visible_or_404(
        principal(request),
        Case.objects.select_related("inquiry__person", "organisation", "case_worker", "medical_adviser"),
        pk=case_id,
    )


@router.get("/inquiries", response=DeskInquiryPage, summary=gettext_noop("Inquiries to the desk, newest first"))
@api_requires("inquiries.view_case")
def list_inquiries(request: HttpRequest, untriaged: bool = False, cursor: str | None = None) -> dict[str, Any]:
    who = principal(request)
    rows, next_cursor = selectors.inquiries_page(who, untriaged_only=untriaged, after=cursor)
    read_rows(
        who,
        rows,
        label="API inquiries",
        shown=["name"],
        person_ids=[r.person_id for r in rows if r.person_id is not None],
    )
    return {"items": [_inquiry_row(i) for i in rows], "next_cursor": next_cursor}


@router.get(
    "/inquiries/{inquiry_id}",
    response=DeskInquiryOut,
    summary=gettext_noop("An inquiry as it came in, with its case once triaged"),
)
@api_requires("inquiries.view_case")
def get_inquiry(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    who = principal(request)
    inquiry = get_visible_or_404(who, Inquiry.objects.select_related("person", "case", "attached_to"), pk=inquiry_id)
    read_for(who, inquiry, shown=["name", "account", "contact"])
    return {
        **_inquiry_row(inquiry),
        "account": inquiry.account,
        "contact_email": inquiry.contact_email,
        "contact_phone": inquiry.contact_phone,
        "consent_given_at": inquiry.consent_given_at,
    }


@router.get("/cases", response=DeskCasePage, summary=gettext_noop("The desk's cases, what is due first"))
@api_requires(*VIEW)
def list_inquiry_cases(
    request: HttpRequest,
    scope: Literal["desk", "mine"] = "desk",
    status: Literal["", "open", "at_npe", "npe_decided", "at_board", "closed"] = "",
    kind: Literal["", "information", "assistance"] = "",
    cursor: str | None = None,
) -> dict[str, Any]:
    who = principal(request)
    rows, next_cursor = selectors.cases_page(who, scope=scope, status=status, kind=kind, after=cursor)
    read_rows(
        who,
        rows,
        label="API desk cases",
        shown=["name", "case_number"],
        person_ids=[c.person_id for c in rows if c.person_id is not None],
    )
    return {"items": [_case_row(c) for c in rows], "next_cursor": next_cursor}


@router.get(
    "/cases/{case_id}",
    response=DeskCaseOut,
    summary=gettext_noop("A desk case with its next steps, power of attorney, requests, claims and case file"),
)
@api_requires(*VIEW)
def get_inquiry_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _case_detail(request, _case(request, case_id))


def _files(payload: DeskTransitionIn) -> dict[str, SimpleUploadedFile] | Status[dict[str, Any]]:
    files: dict[str, SimpleUploadedFile] = {}
    for name, sent in payload.files.items():
        try:
            content = base64.b64decode(sent.content_base64, validate=True)
        except (binascii.Error, ValueError):
            return Status(422, {"detail": "The data is not valid", "code": "invalid", "errors": {name: ["Not base64"]}})
        if len(content) > MAX_FILE_BYTES:
            return Status(
                422, {"detail": "The data is not valid", "code": "invalid", "errors": {name: ["The file is too large"]}}
            )
        files[name] = SimpleUploadedFile(sent.filename, content)
    return files


@router.post(
    "/cases/{case_id}/transitions",
    response={200: DeskCaseOut, 403: DeskErrorOut, 404: DeskErrorOut, 409: DeskErrorOut, 422: DeskErrorOut},
    summary=gettext_noop("Take a step in a desk case"),
)
@api_requires(*STEP_PERMISSIONS)
def inquiry_case_transition(request: HttpRequest, case_id: int, payload: DeskTransitionIn) -> Any:
    who = principal(request)
    case = _case(request, case_id)
    if payload.event not in TABLE.actions:
        return Status(
            422,
            {
                "detail": "Unknown step",
                "code": "unknown_event",
                "errors": {"event": [f"Choose one of {sorted(TABLE.forms)}"]},
            },
        )
    files = _files(payload)
    if isinstance(files, Status):
        return files
    step = TABLE.step(payload.event)
    if not TABLE.may_take(who, case, payload.event):
        # Refused (and audited) before the form is read, so the caller learns nothing of the step's rules.
        audit_denied(who, obj=case, label=case.number, detail={"action": payload.event})
        raise PermissionDenied
    refusal = TABLE.refusal(case, payload.event)
    if refusal is not None:
        # The case's kind, state or data does not allow the step: said before its fields are checked.
        return Status(409, {"detail": refusal, "code": "transition_refused"})
    form_class: Any = TABLE.forms[payload.event]
    form = form_class.for_step(step, case, {**payload.data, "version": payload.version}, files or None)
    if not form.is_valid():
        return Status(
            422,
            {
                "detail": "The data is not valid",
                "code": "invalid",
                "errors": {k: [str(m) for m in v] for k, v in form.errors.items()},
            },
        )
    try:
        TABLE.take(payload.event, who, case, form)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": "The data is not valid", "code": "invalid", "errors": errors})
    except DomainError as error:
        return Status(error.status, {"detail": str(error), "code": error.code})
    return Status(200, _case_detail(request, _case(request, case_id)))
