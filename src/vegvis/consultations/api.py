"""The consultations' API: the same consultations, inputs, uses and steps as the pages, for the secretariat's and
the member bodies' systems.

Every operation goes through the one permission layer: the rule on the operation (``api_requires``) and the
policies (a consultation or input outside the caller's scope is 404, as one that does not exist). Writes go
through ``services`` (the same as the pages); a stale ``version`` answers 409, a refused step 409 with the
reason. Reads of inputs are audited (their text may name people). Input over the API takes text only; the
attachments are sent on the page, where each file is checked by content.

Schema names start with ``Consult`` so they cannot replace another system's in the OpenAPI document.

(No ``from __future__ import annotations`` here: ninja resolves the annotations of the wrapped operations.)
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema, Status

from vegvis.access import policies
from vegvis.access.rules import api_requires, principal
from vegvis.audit.services import read_for, read_rows
from vegvis.consultations import selectors, services, similarity
from vegvis.consultations.models import Consultation, Input
from vegvis.consultations.policies import RUN, SUBMIT, runs
from vegvis.consultations.steps import TABLE

API_PREFIX = "/consultations"
router = Router(tags=[gettext_noop("consultations")])
MAX_ID = 2**63 - 1

StatusCode = Literal["draft", "open", "closed", "writing", "submitted", "published"]
UseCode = Literal["used", "partly", "not_used"]


class ConsultErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: dict[str, list[str]] | None = None


class ConsultRow(Schema):
    id: int
    number: str
    organisation: str
    issuer: str
    title: str
    issued_on: date
    issuer_deadline: date
    internal_deadline: date
    status: StatusCode
    version: int = Field(description="Send it back with a step; a changed consultation answers 409")


class ConsultInputOut(Schema):
    id: int
    number: str
    body: str
    text: str
    registered_at: datetime
    revised_at: datetime | None
    late: bool
    contains_personal_data: bool
    versions: int
    version: int
    use: UseCode | None
    use_explanation: str


class ConsultSectionOut(Schema):
    order: int
    heading: str
    text: str
    inputs: list[str] = Field(description="The registration numbers of the inputs bearing on it")


class ConsultNearDuplicateOut(Schema):
    input_id: int
    number: str
    similarity: float | None = Field(description="Similarity to the group's first input (0–1); null for the first")


class ConsultOut(ConsultRow):
    description: str
    issuer_reference: str
    invited: list[str]
    warnings: list[str]
    allowed_steps: list[str] = Field(description="The steps you can take now (the page offers the same)")
    inputs: list[ConsultInputOut]
    sections: list[ConsultSectionOut] = Field(description="The response's sections (for a body's user: once published)")
    near_duplicates: list[list[ConsultNearDuplicateOut]] = Field(
        description="The groups of near-identical inputs (the secretariat only; empty for a body)"
    )
    near_duplicate_threshold: float = Field(description="The similarity at or above which inputs are grouped")


class ConsultInputIn(Schema):
    text: str = Field(min_length=1, max_length=100_000)
    contains_personal_data: bool = False


class ConsultRevisionIn(ConsultInputIn):
    version: int = Field(ge=1, le=MAX_ID)


class ConsultUseIn(Schema):
    use: UseCode
    explanation: str = Field(min_length=1, max_length=500)
    contains_personal_data: bool | None = None


class ConsultStepIn(Schema):
    event: str = Field(max_length=60)
    version: int = Field(ge=1, le=MAX_ID)


class ConsultUseOut(Schema):
    input_id: int
    use: UseCode
    explanation: str


def _row(consultation: Consultation) -> dict[str, Any]:
    return {
        "id": consultation.pk,
        "number": consultation.number,
        "organisation": consultation.organisation.name,
        "issuer": consultation.issuer,
        "title": consultation.title,
        "issued_on": consultation.issued_on,
        "issuer_deadline": consultation.issuer_deadline,
        "internal_deadline": consultation.internal_deadline,
        "status": consultation.status,
        "version": consultation.version,
    }


def _input(item: Input) -> dict[str, Any]:
    use = getattr(item, "use", None)
    return {
        "id": item.pk,
        "number": item.number,
        "body": item.body.organisation.name,
        "text": item.text,
        "registered_at": item.registered_at,
        "revised_at": item.revised_at,
        "late": item.late,
        "contains_personal_data": item.contains_personal_data,
        "versions": item.versions.count(),
        "version": item.version,
        "use": use.use if use else None,
        "use_explanation": use.explanation if use else "",
    }


def _detail(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    who = principal(request)
    inputs = selectors.inputs_of(who, consultation)
    # The response is the secretariat's until it is published: a body's user sees its sections only then.
    shows_response = runs(who, consultation.organisation_id) or consultation.is_published
    read_for(who, consultation, shown=["consultation", "inputs"])
    read_rows(who, inputs, label=consultation.audit_label, shown=["input", "text"], person_ids=[])
    return {
        **_row(consultation),
        "description": consultation.description,
        "issuer_reference": consultation.issuer_reference,
        "invited": [b.organisation.name for b in consultation.invited.select_related("organisation")],
        "warnings": selectors.consultation_warnings(consultation),
        "allowed_steps": TABLE.available_steps(who, consultation),
        "inputs": [_input(i) for i in inputs],
        "near_duplicates": [
            [{"input_id": m.input.pk, "number": m.input.number, "similarity": m.similarity} for m in group.members]
            for group in (
                selectors.near_duplicates(inputs)
                if policies.policy_for(Consultation).can(who, "handle", consultation)
                else []
            )
        ],
        "near_duplicate_threshold": similarity.THRESHOLD,
        "sections": [
            {"order": s.order, "heading": s.heading, "text": s.text, "inputs": [i.number for i in s.inputs.all()]}
            for s in (selectors.sections_of(consultation) if shows_response else [])
        ],
    }


@router.get(
    "/",
    response=list[ConsultRow],
    summary=gettext_noop("Consultations you run or your body is invited to"),
)
@api_requires(RUN, SUBMIT)
def list_consultations(request: HttpRequest, status: StatusCode | Literal[""] = "") -> list[dict[str, Any]]:
    rows = policies.visible(principal(request), Consultation.objects.select_related("organisation"))
    if status:
        rows = rows.filter(status=status)
    return [_row(c) for c in rows.order_by("-internal_deadline", "-pk")[:500]]


@router.get(
    "/{consultation_id}",
    response={200: ConsultOut, 404: ConsultErrorOut},
    summary=gettext_noop("A consultation with the inputs you may read and the response"),
)
@api_requires(RUN, SUBMIT)
def get_consultation(request: HttpRequest, consultation_id: int) -> Any:
    if consultation_id > MAX_ID:
        return Status(404, {"detail": "Not found", "code": "not_found"})
    return _detail(request, selectors.consultation_for(principal(request), consultation_id))


@router.post(
    "/{consultation_id}/inputs",
    response={
        201: ConsultInputOut,
        400: ConsultErrorOut,
        403: ConsultErrorOut,
        404: ConsultErrorOut,
        409: ConsultErrorOut,
    },
    summary=gettext_noop("Send your body's input (after the internal deadline it is registered as late)"),
)
@api_requires(SUBMIT)
def submit_consultation_input(request: HttpRequest, consultation_id: int, payload: ConsultInputIn) -> Any:
    who = principal(request)
    if consultation_id > MAX_ID:
        return Status(404, {"detail": "Not found", "code": "not_found"})
    consultation = selectors.consultation_for(who, consultation_id)
    invitation = selectors.invitation_for(who, consultation)
    item = services.input_submit(
        actor=who,
        consultation=consultation,
        body=invitation.body,
        text=payload.text,
        contains_personal_data=payload.contains_personal_data,
    )
    return Status(201, _input(item))


@router.post(
    "/inputs/{input_id}/revisions",
    response={
        200: ConsultInputOut,
        400: ConsultErrorOut,
        403: ConsultErrorOut,
        404: ConsultErrorOut,
        409: ConsultErrorOut,
    },
    summary=gettext_noop("Revise your body's input (until the internal deadline; every version is kept)"),
)
@api_requires(SUBMIT)
def revise_consultation_input(request: HttpRequest, input_id: int, payload: ConsultRevisionIn) -> Any:
    who = principal(request)
    if input_id > MAX_ID:
        return Status(404, {"detail": "Not found", "code": "not_found"})
    item = selectors.input_for(who, input_id)
    policies.require(who, "revise", item)
    saved = services.input_revise(
        actor=who,
        input=item,
        version=payload.version,
        text=payload.text,
        contains_personal_data=payload.contains_personal_data,
    )
    read_for(who, saved, shown=["input"])
    return Status(200, _input(saved))


@router.post(
    "/inputs/{input_id}/use",
    response={
        200: ConsultUseOut,
        400: ConsultErrorOut,
        403: ConsultErrorOut,
        404: ConsultErrorOut,
        409: ConsultErrorOut,
    },
    summary=gettext_noop("Record whether and how an input was used in the response"),
)
@api_requires(RUN)
def record_consultation_input_use(request: HttpRequest, input_id: int, payload: ConsultUseIn) -> Any:
    who = principal(request)
    if input_id > MAX_ID:
        return Status(404, {"detail": "Not found", "code": "not_found"})
    item = selectors.input_for(who, input_id)
    policies.require(who, "record_use", item)
    recorded = services.input_use_record(
        actor=who,
        input=item,
        use=payload.use,
        explanation=payload.explanation,
        contains_personal_data=payload.contains_personal_data,
    )
    return {"input_id": item.pk, "use": recorded.use, "explanation": recorded.explanation}


@router.post(
    "/{consultation_id}/steps",
    response={200: ConsultOut, 403: ConsultErrorOut, 404: ConsultErrorOut, 409: ConsultErrorOut, 422: ConsultErrorOut},
    summary=gettext_noop("Take a step of the consultation (the steps in allowed_steps)"),
)
@api_requires(RUN)
def take_consultation_step(request: HttpRequest, consultation_id: int, payload: ConsultStepIn) -> Any:
    who = principal(request)
    if consultation_id > MAX_ID:
        return Status(404, {"detail": "Not found", "code": "not_found"})
    consultation = selectors.consultation_for(who, consultation_id)
    policies.require(who, "handle", consultation)
    if payload.event not in TABLE.actions:
        return Status(
            422,
            {
                "detail": "Unknown step",
                "code": "unknown_event",
                "errors": {"event": [f"Choose one of {sorted(TABLE.actions)}"]},
            },
        )
    services.consultation_step(actor=who, case=consultation, version=payload.version, event=payload.event)
    return _detail(request, selectors.consultation_for(who, consultation_id))
