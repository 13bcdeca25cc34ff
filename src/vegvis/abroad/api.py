"""The treatment-abroad API: the same cases, steps and worklists as the pages, for hospitals' and offices' systems.

Operations validate with the same forms and change data through the same services as the web pages, so the
rules cannot differ between the two; every read of personal data is audited as on the pages.

(No ``from __future__ import annotations`` here: ninja resolves the annotations of the wrapped operations.)
"""

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema, Status

from vegvis.abroad import selectors
from vegvis.abroad.forms import ACTION_FORMS, CaseCorrectForm, CaseReassignForm
from vegvis.abroad.models import DUE_REASONS, Case, Route
from vegvis.abroad.services import base, cases
from vegvis.abroad.steps import ACTIONS, action_form, run_action
from vegvis.access import policies
from vegvis.access.policies import get_visible_or_404
from vegvis.access.rules import api_requires, principal
from vegvis.audit.services import audit_read
from vegvis.core.errors import DomainError
from vegvis.core.models import Organisation, Region
from vegvis.core.services import organisation_get_or_create

API_PREFIX = "/abroad"
router = Router(tags=[gettext_noop("treatment abroad")])


class CaseRow(Schema):
    id: int
    number: str
    office: str
    route: str
    status: str
    patient_name: str
    received_date: date
    due_on: date | None
    due_reason: str
    version: int


class WorklistPage(Schema):
    items: list[CaseRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class DocumentOut(Schema):
    number: str
    kind: str
    direction: Literal["I", "U", "N"]
    title: str
    document_date: date
    correspondent: str
    sent: bool
    has_file: bool


class CaseOut(CaseRow):
    patient_birth_date: date | None
    home_region: str
    diagnosis_icd10: str
    requested_treatment: str
    hospital: str | None
    outcome: str
    final_outcome: str
    decided_on: date | None
    handler_id: int | None = Field(None, description="The user who handles the case (see /reassignment)")
    letter_language: str = Field(description="Written language of the case's letters: nb (bokmål) or nn (nynorsk)")
    allowed_events: list[str] = Field(description="Steps the caller may take now (POST them to /transitions).")
    documents: list[DocumentOut]


class HospitalIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    city: str = Field("", max_length=100)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")


class ApplicationIn(Schema):
    national_id: str = Field(min_length=11, max_length=13, description="Fødselsnummer or D-number")
    patient_name: str = Field(min_length=1, max_length=200)
    home_region: Literal["helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"]
    route: Literal["treatment_abroad", "pgd", "particle_therapy", "nordic_drug_protocol", "helfo_advice"]
    received_date: date
    diagnosis_icd10: str = Field(min_length=3, max_length=8)
    requested_treatment: str = Field("", max_length=4000)
    applicant: Literal["hospital_doctor", "gp", "patient", "referring_body"] = "hospital_doctor"
    applicant_name: str = Field("", max_length=200)
    hospital: HospitalIn | None = None
    letter_language: Literal["nb", "nn"] = Field(
        "nb", description="Written language of the case's letters: nb (bokmål) or nn (nynorsk)"
    )
    external_id: str | None = Field(
        None, min_length=1, max_length=64, description="Your system's id; submitting it again returns the same case"
    )


class TransitionIn(Schema):
    event: str = Field(description="One of the case's allowed_events")
    version: int = Field(description="The case version you last read; a changed case answers 409")
    data: dict[str, Any] = Field(default_factory=dict, description="The step's fields, as in the web form")


class ErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: dict[str, list[str]] | None = None


def _row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "office": case.office.code,
        "route": case.route,
        "status": case.status,
        "patient_name": case.patient_display_name,
        "received_date": case.received_date,
        "due_on": case.due_on,
        "due_reason": case.due_reason,
        "version": case.version,
    }


def _detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    who = principal(request)
    documents = [
        {
            "number": d.number,
            "kind": d.kind,
            "direction": d.direction,
            "title": d.title,
            "document_date": d.document_date,
            "correspondent": d.correspondent,
            "sent": d.is_sent,
            "has_file": bool(d.file),
        }
        for d in selectors.case_documents(case)
    ]
    audit_read(
        who,
        obj=case,
        label=case.number,
        person_id=case.patient_id,
        shown=["name", "birth_date", "diagnosis", "documents"],
        emergency=selectors.is_emergency_view(who, case),
    )
    return {
        **_row(case),
        "patient_birth_date": case.patient.birth_date,
        "home_region": region.code if (region := case.patient_display_region) else "",
        "diagnosis_icd10": case.diagnosis_icd10,
        "requested_treatment": case.requested_treatment,
        "letter_language": case.letter_language,
        "hospital": str(case.hospital) if case.hospital else None,
        "outcome": case.outcome,
        "final_outcome": case.final_outcome,
        "decided_on": case.decided_on,
        "handler_id": case.handler_id,
        "allowed_events": base.available_events(who, case),
        "documents": documents,
    }


@router.get("/cases", response=WorklistPage, summary=gettext_noop("Worklist: open cases, what is due first"))
@api_requires("abroad.view_case")
def list_cases(
    request: HttpRequest,
    scope: Literal["office", "mine"] = "office",
    category: Literal[
        "",
        "overdue",
        "provisional_reply",
        "assessment_overdue",
        "appeal_deadline",
        "appeal_reconsideration",
        "appeals_body",
        "unpaid_invoices",
    ] = "",
    route: Literal["", "treatment_abroad", "pgd", "particle_therapy", "nordic_drug_protocol", "helfo_advice"] = "",
    region: Literal["", "helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"] = "",
    cursor: str | None = None,
) -> dict[str, Any]:
    who = principal(request)
    rows = selectors.worklist(
        who,
        selectors.WorklistFilter(
            scope=scope, category=category, route=route, region=region, after=selectors.parse_cursor(cursor)
        ),
    )
    if rows:
        audit_read(
            who, label="API worklist", person_ids=[c.patient_id for c in rows], shown=["name", "case_number", "status"]
        )
    return {"items": [_row(c) for c in rows], "next_cursor": selectors.next_cursor(rows)}


@router.post(
    "/cases",
    response={201: CaseOut, 200: CaseOut, 422: ErrorOut},
    summary=gettext_noop("Submit an application or referral"),
)
@api_requires("abroad.handle_case")
def create_case(request: HttpRequest, payload: ApplicationIn) -> Status[dict[str, Any]]:
    who = principal(request)
    if payload.external_id and Case.objects.filter(external_id=payload.external_id).exists():
        # Submitting the same application again returns the case it made; someone else's id is a conflict.
        existing = selectors.cases_visible(who).filter(external_id=payload.external_id).first()
        if existing is None:
            # Neutral: whether the other case exists, and whose it is, is not the caller's to learn.
            raise DomainError("external_id cannot be used; choose another", field="external_id", code="conflict")
        return Status(
            200,
            _detail(
                request,
                Case.objects.select_related("patient__home_region", "stated_home_region", "office", "hospital").get(
                    pk=existing.pk
                ),
            ),
        )
    hospital = None
    if payload.hospital:
        hospital = organisation_get_or_create(
            kind=Organisation.Kind.HOSPITAL,
            name=payload.hospital.name,
            city=payload.hospital.city,
            country=payload.hospital.country,
        )
    values = {
        "national_id": payload.national_id,
        "patient_name": payload.patient_name,
        "home_region": Region.objects.get(code=payload.home_region),
        "route": payload.route,
        "received_date": payload.received_date,
        "diagnosis_icd10": payload.diagnosis_icd10,
        "requested_treatment": payload.requested_treatment,
        "applicant": payload.applicant,
        "applicant_name": payload.applicant_name,
        "hospital": hospital,
        "letter_language": payload.letter_language,
        "external_id": payload.external_id,
    }
    case = cases.application_register(actor=who, values=values)
    fresh = Case.objects.select_related("patient__home_region", "stated_home_region", "office", "hospital").get(
        pk=case.pk
    )
    return Status(201, _detail(request, fresh))


@router.get(
    "/cases/{case_id}", response=CaseOut, summary=gettext_noop("A case with its status, next steps and case file")
)
@api_requires("abroad.view_case", "abroad.assess_case")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = get_visible_or_404(
        principal(request),
        Case.objects.select_related("patient__home_region", "stated_home_region", "office", "hospital"),
        pk=case_id,
    )
    return _detail(request, case)


@router.post(
    "/cases/{case_id}/transitions",
    # 507: the letter could not be stored (the server's disk is full); nothing was saved, try again later.
    response={200: CaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 507: ErrorOut},
    summary=gettext_noop("Take a step in the workflow"),
)
@api_requires("abroad.handle_case", "abroad.decide_case")
def transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    who = principal(request)
    case = get_visible_or_404(
        who,
        Case.objects.select_related("patient__home_region", "stated_home_region", "office", "hospital", "method"),
        pk=case_id,
    )
    if payload.event not in ACTIONS:
        return Status(
            422,
            {
                "detail": "Unknown step",
                "code": "unknown_event",
                "errors": {"event": [f"Choose one of {sorted(ACTION_FORMS)}"]},
            },
        )
    form = action_form(payload.event, case, {**payload.data, "version": payload.version})
    if not form.is_valid():
        return Status(
            422,
            {
                "detail": "The data is not valid",
                "code": "invalid",
                "errors": {k: list(v) for k, v in form.errors.items()},
            },
        )
    try:
        run_action(payload.event, who, case, form)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": "The data is not valid", "code": "invalid", "errors": errors})
    except DomainError as error:
        return Status(error.status, {"detail": str(error), "code": error.code})
    fresh = Case.objects.select_related("patient__home_region", "stated_home_region", "office", "hospital").get(
        pk=case.pk
    )
    return Status(200, _detail(request, fresh))


# ---------------------------------------------------------------- reassignment and corrections (issue 11)


class ReassignIn(Schema):
    version: int = Field(description="The case version you last read; a changed case answers 409")
    handler: int = Field(description="Id of an active case handler at the case's office")


class CorrectionIn(Schema):
    version: int = Field(description="The case version you last read; a changed case answers 409")
    route: Literal["treatment_abroad", "pgd", "particle_therapy", "nordic_drug_protocol", "helfo_advice"] | None = (
        Field(None, description="Only before the decision")
    )
    method: int | None = Field(None, description="Id of a method in Nye metoder; 0 removes it")
    hospital: int | None = Field(None, description="Id of a hospital abroad; 0 removes it")
    diagnosis_icd10: str | None = Field(None, max_length=8)
    requested_treatment: str | None = Field(None, max_length=4000)
    letter_language: Literal["nb", "nn"] | None = Field(None, description="nb (bokmål) or nn (nynorsk)")


def _invalid(form: Any) -> Status[dict[str, Any]]:
    return Status(
        422,
        {"detail": "The data is not valid", "code": "invalid", "errors": {k: list(v) for k, v in form.errors.items()}},
    )


def _run_change(request: HttpRequest, case: Case, change: Any) -> Any:
    try:
        change()
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": "The data is not valid", "code": "invalid", "errors": errors})
    except DomainError as error:
        return Status(error.status, {"detail": str(error), "code": error.code})
    fresh = Case.objects.select_related("patient__home_region", "office", "hospital").get(pk=case.pk)
    return Status(200, _detail(request, fresh))


@router.post(
    "/cases/{case_id}/reassignment",
    response={200: CaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary=gettext_noop("Hand the case to another case handler of its office"),
)
@api_requires("abroad.handle_case")
def reassign_case(request: HttpRequest, case_id: int, payload: ReassignIn) -> Any:
    who = principal(request)
    case = get_visible_or_404(who, Case.objects.select_related("patient__home_region", "office"), pk=case_id)
    policies.require(who, "handle", case)
    form = CaseReassignForm({"version": payload.version, "handler": payload.handler}, case=case)
    if not form.is_valid():
        return _invalid(form)
    return _run_change(
        request,
        case,
        lambda: cases.case_reassign(
            actor=who, case=case, version=form.cleaned_data["version"], handler=form.cleaned_data["handler"]
        ),
    )


@router.post(
    "/cases/{case_id}/correction",
    response={200: CaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary=gettext_noop("Correct the case's route, method, hospital, diagnosis or requested treatment"),
)
@api_requires("abroad.handle_case")
def correct_case(request: HttpRequest, case_id: int, payload: CorrectionIn) -> Any:
    """Only the fields sent are changed; they are validated as in the page's form."""
    who = principal(request)
    case = get_visible_or_404(
        who, Case.objects.select_related("patient__home_region", "office", "method", "hospital"), pk=case_id
    )
    policies.require(who, "handle", case)
    sent = payload.model_dump(exclude_unset=True)
    sent.pop("version", None)
    form = CaseCorrectForm(case=case, route_correctable=True)
    data = {name: form.initial.get(name) for name in form.fields}
    data.update({name: ("" if value in (0, None) else value) for name, value in sent.items()})
    data["version"] = payload.version
    form = CaseCorrectForm({k: "" if v is None else v for k, v in data.items()}, case=case, route_correctable=True)
    if not form.is_valid():
        return _invalid(form)
    values = {name: form.cleaned_data[name] for name in sent}
    if not values:
        return Status(422, {"detail": "Send at least one field to correct", "code": "invalid", "errors": None})
    return _run_change(
        request,
        case,
        lambda: cases.case_correct(actor=who, case=case, version=form.cleaned_data["version"], **values),
    )


@router.get("/routes", response=list[dict[str, str]], summary=gettext_noop("Routes and what they mean"))
@api_requires("abroad.view_case", "abroad.handle_case")
def routes(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": r.value, "label": str(r.label)} for r in Route]


@router.get("/due-reasons", response=list[dict[str, str]], summary=gettext_noop("The reasons a case is due"))
@api_requires("abroad.view_case")
def due_reasons(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": key, "label": str(label)} for key, label in DUE_REASONS.items()]
