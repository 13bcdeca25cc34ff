"""Early access's API: the same programmes, agreements, patients, experimental treatments and regional overview
as the pages, for the hospitals' and the regional health authorities' systems.

Every operation goes through the one permission layer: the rule on the operation (``api_requires``) and the
policies (a patient of another hospital is 404, as one that does not exist). Writes go through ``services`` (the
same as the pages, with the same guards): a refused start answers 409 with the page's Norwegian reason. Every read
of a patient is audited as on the pages; the overview is aggregates only, its export audited like the download.
The national id is sent in the body of a start and never answered back.

Schema names start with ``Early`` so they cannot replace another system's in the OpenAPI document.

(No ``from __future__ import annotations`` here: ninja resolves the annotations of the wrapped operations.)
"""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Path, Router, Schema, Status

from vegvis.abroad.selectors import method_choices
from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.access.rules import api_requires, principal
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audit_record, audited_atomic, read_for, read_rows
from vegvis.casework.paging import Keyset
from vegvis.core.models import Organisation, Region
from vegvis.core.national_id import NationalIdError, parse
from vegvis.earlyaccess import overview, selectors, services
from vegvis.earlyaccess.models import ExperimentalTreatment, PatientTreatment, Programme
from vegvis.earlyaccess.policies import ANY_ROLE, MANAGE_PROGRAMME, MANAGE_TREATMENT, VIEW_OVERVIEW, VIEW_TREATMENT
from vegvis.earlyaccess.views import EXPERIMENTAL_SHOWN, TREATMENT_SHOWN
from vegvis.statistics import exports

API_PREFIX = "/earlyaccess"
router = Router(tags=[gettext_noop("early access")])
PAGE_SIZE = 50
# The largest id a database column holds (cooperation/api.py): a larger number is a 422, not a driver error.
MAX_ID = 2**63 - 1
BY_ID = Keyset[Programme]("id", kind=int)
NEWEST_TREATMENT = Keyset[PatientTreatment]("started_on", descending=True)
NEWEST_EXPERIMENTAL = Keyset[ExperimentalTreatment]("started_on", descending=True)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Year = Annotated[int, Path(ge=2019, le=2999, description="The year the overview counts")]
# Dates a service can count months and years from without leaving the calendar.
Day = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2999, 12, 31))]
Text = Annotated[str, Field(max_length=4000)]
Part = Annotated[str, Field(min_length=1, max_length=4000)]  # a part of the plan: required

BasisCode = Literal["programme", "exemption"]
KindCode = Literal["standard", "short_duration"]
StopCode = Literal["completed", "no_effect", "adverse", "authorised", "patient_choice", "death", "other"]
SeriousnessCode = Literal["non_serious", "serious", "life_threatening", "fatal"]
OutcomeCode = Literal["recovered", "recovering", "not_recovered", "sequelae", "fatal", "unknown"]
BenefitCode = Literal["clear", "some", "none", "unclear"]
RiskCode = Literal["acceptable", "uncertain", "unacceptable"]
# "patient" is in the schema so a caller learns the rule in words (422), not as "not one of the choices".
PayerCode = Literal["hospital", "region", "supplier", "patient"]


class EarlyErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: dict[str, list[str]] | None = None


# ---------------------------------------------------------------- schemas: programmes


class EarlyAgreementOut(Schema):
    region: str = Field(description="The regional health authority's code")
    region_name: str
    signed_on: date
    reference: str


class EarlyExemptionOut(Schema):
    granted_on: date
    valid_until: date
    reference: str


class EarlyMethodOut(Schema):
    id: int
    name: str
    reference: str
    decision: str
    decision_label: str
    decided_on: date | None


class EarlyProgrammeRow(Schema):
    id: int
    drug_name: str
    active_substance: str
    atc_code: str
    supplier_id: int
    supplier: str
    basis: BasisCode
    agreement_kind: KindCode
    owner_id: int
    owner: str
    exemption_flag: Literal["expiring", "expired"] | None = Field(
        description="For a programme resting on an exemption: its newest exemption ends soon, or has ended"
    )
    version: int


class EarlyProgrammePage(Schema):
    items: list[EarlyProgrammeRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class EarlyProgrammeOut(EarlyProgrammeRow):
    indication: str
    marketing_authorised_on: date | None
    cost_terms: str
    method: EarlyMethodOut | None
    agreements: list[EarlyAgreementOut]
    exemptions: list[EarlyExemptionOut]


class EarlyProgrammeIn(Schema):
    drug_name: str = Field(min_length=1, max_length=200)
    active_substance: str = Field(min_length=1, max_length=200)
    atc_code: str = Field("", max_length=10, description="When known (checked by form only)")
    supplier_id: int = Field(ge=1, le=MAX_ID)
    indication: str = Field(min_length=1, max_length=4000)
    basis: BasisCode
    agreement_kind: KindCode
    marketing_authorised_on: Day | None = None
    method_id: int | None = Field(None, ge=1, le=MAX_ID, description="The Nye metoder method, if any")
    cost_terms: Text = ""
    owner_id: int = Field(ge=1, le=MAX_ID, description="The hospital that keeps the programme (your own)")


class EarlyAgreementIn(Schema):
    region: str = Field(min_length=1, max_length=32, description="The regional health authority's code")
    signed_on: Day
    reference: str = Field(min_length=1, max_length=100)


class EarlyExemptionIn(Schema):
    granted_on: Day
    valid_until: Day
    reference: str = Field("", max_length=100)


# ---------------------------------------------------------------- schemas: patients


class EarlyTreatmentRow(Schema):
    id: int
    number: str
    programme_id: int
    drug_name: str
    hospital_id: int
    name: str = Field(description="The patient's name (the national id is never answered)")
    consultant: str
    started_on: date
    expected_end_on: date | None
    stopped_on: date | None
    past_expected_duration: bool = Field(description="A running short-duration treatment past its expected end")
    exemption_flag: Literal["expiring", "expired"] | None
    version: int


class EarlyTreatmentPage(Schema):
    items: list[EarlyTreatmentRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class EarlyTreatmentOut(EarlyTreatmentRow):
    hospital: str
    region: str
    stop_reason: StopCode | Literal[""]
    stop_note: str


class EarlyPatientIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    national_id: str = Field(min_length=1, max_length=13, description="11 digits; never answered back")
    home_region: str = Field(min_length=1, max_length=32, description="The patient's regional health authority")


class EarlyStartIn(EarlyPatientIn):
    programme_id: int = Field(ge=1, le=MAX_ID)
    hospital_id: int = Field(ge=1, le=MAX_ID, description="Your own hospital")
    consultant: str = Field(min_length=1, max_length=200)
    started_on: Day
    expected_end_on: Day | None = Field(None, description="Empty under the short-duration agreement: six months")


class EarlyStopIn(Schema):
    version: int = Field(description="The treatment version you last read; a changed treatment answers 409")
    stopped_on: Day
    reason: StopCode
    note: Text = ""


# ---------------------------------------------------------------- schemas: experimental treatment


class EarlyExperimentalRow(Schema):
    id: int
    number: str
    hospital_id: int
    name: str
    treatment: str
    consultant: str
    started_on: date
    ended_on: date | None


class EarlyExperimentalPage(Schema):
    items: list[EarlyExperimentalRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class EarlyAdverseEventOut(Schema):
    id: int
    occurred_on: date
    seriousness: SeriousnessCode
    description: str
    outcome: OutcomeCode


class EarlyEvaluationOut(Schema):
    id: int
    evaluated_on: date
    benefit: BenefitCode
    risk: RiskCode
    assessment: str


class EarlyCostOut(Schema):
    id: int
    incurred_on: date
    description: str
    amount_nok: Decimal
    payer: Literal["hospital", "region", "supplier"]


class EarlyPlan(Schema):
    treatment: str = Field(min_length=1, max_length=300)
    consultant: str = Field(min_length=1, max_length=200)
    started_on: Day
    why_no_study: Part
    soundness: Part
    consent_on: Day
    consent_taken_by: str = Field(min_length=1, max_length=200)
    consent_information: Part
    purpose: Part
    goals: Part
    frequency_and_duration: Part
    monitoring: Part
    responsible_persons: Part
    stop_criteria: Part
    evaluation_plan: Part
    risk_analysis: Part


class EarlyExperimentalOut(EarlyExperimentalRow, EarlyPlan):
    hospital: str
    region: str
    adverse_events: list[EarlyAdverseEventOut]
    evaluations: list[EarlyEvaluationOut]
    costs: list[EarlyCostOut]


class EarlyExperimentalIn(EarlyPatientIn, EarlyPlan):
    hospital_id: int = Field(ge=1, le=MAX_ID, description="Your own hospital")


class EarlyAdverseEventIn(Schema):
    occurred_on: Day
    seriousness: SeriousnessCode
    description: str = Field(min_length=1, max_length=4000)
    outcome: OutcomeCode


class EarlyEvaluationIn(Schema):
    evaluated_on: Day
    benefit: BenefitCode
    risk: RiskCode
    assessment: str = Field(min_length=1, max_length=4000)


class EarlyCostIn(Schema):
    incurred_on: Day
    description: str = Field(min_length=1, max_length=300)
    amount_nok: Decimal = Field(ge=0, max_digits=12, decimal_places=2, description="NOK, two decimals at most")
    payer: PayerCode = Field(description="Who bears the cost; the patient never does (refused with 422)")


# ---------------------------------------------------------------- schemas: the overview


class EarlyColumnOut(Schema):
    label: str
    kind: str


class EarlyTableOut(Schema):
    key: str
    caption: str
    columns: list[EarlyColumnOut]
    rows: list[list[Any]] = Field(description="A row's label, then its numbers; a hidden (small) number is null")
    total_last: bool
    note: str | None
    hidden: list[list[int]] = Field(description="[row, column] of each hidden number")


class EarlyOverviewOut(Schema):
    region: str
    year: int
    tables: list[EarlyTableOut]


# ---------------------------------------------------------------- helpers


def _invalid(errors: dict[str, list[str]]) -> Status[dict[str, Any]]:
    return Status(422, {"detail": "The data is not valid", "code": "invalid", "errors": errors})


def _refused(refused: Exception) -> Status[dict[str, Any]]:
    return Status(409, {"detail": str(refused), "code": "refused"})


def _pick(obj: Any, schema: type[Schema], *leave: str) -> dict[str, Any]:
    """The schema's fields read from the object of the same names (``leave`` out: named differently)."""
    return {name: getattr(obj, name) for name in schema.model_fields if name not in leave}


def _programme_row(programme: Programme) -> dict[str, Any]:
    return {
        **_pick(programme, EarlyProgrammeRow, "supplier", "owner", "exemption_flag"),
        "supplier": programme.supplier.name,
        "owner": programme.owner.name,
        "exemption_flag": selectors.exemption_flag(programme),
    }


def _programme(programme: Programme) -> dict[str, Any]:
    decision = selectors.method_decision(programme)
    return {
        **_programme_row(programme),
        "indication": programme.indication,
        "marketing_authorised_on": programme.marketing_authorised_on,
        "cost_terms": programme.cost_terms,
        "method": asdict(decision) if decision is not None else None,
        "agreements": [
            {"region": a.region.code, "region_name": a.region.name, "signed_on": a.signed_on, "reference": a.reference}
            for a in programme.agreements.select_related("region")
        ],
        "exemptions": [
            {"granted_on": e.granted_on, "valid_until": e.valid_until, "reference": e.reference}
            for e in programme.exemptions.all()
        ],
    }


def _treatment_row(treatment: PatientTreatment, flags: dict[int, str | None]) -> dict[str, Any]:
    if treatment.programme_id not in flags:
        flags[treatment.programme_id] = selectors.exemption_flag(treatment.programme)
    return {
        "id": treatment.pk,
        "number": treatment.number,
        "programme_id": treatment.programme_id,
        "drug_name": treatment.programme.drug_name,
        "hospital_id": treatment.hospital_id,
        "name": treatment.patient_name,
        "consultant": treatment.consultant,
        "started_on": treatment.started_on,
        "expected_end_on": treatment.expected_end_on,
        "stopped_on": treatment.stopped_on,
        "past_expected_duration": selectors.past_expected_duration(treatment, timezone.localdate()),
        "exemption_flag": flags[treatment.programme_id] if treatment.stopped_on is None else None,
        "version": treatment.version,
    }


def _treatment(who: Principal, treatment: PatientTreatment) -> dict[str, Any]:
    read_for(who, treatment, shown=TREATMENT_SHOWN)
    return {
        **_treatment_row(treatment, {}),
        "hospital": treatment.hospital.name,
        "region": treatment.region.code,
        "stop_reason": treatment.stop_reason,
        "stop_note": treatment.stop_note,
    }


def _experimental_row(treatment: ExperimentalTreatment) -> dict[str, Any]:
    return {**_pick(treatment, EarlyExperimentalRow, "name"), "name": treatment.patient_name}


def _experimental(who: Principal, treatment: ExperimentalTreatment) -> dict[str, Any]:
    read_for(who, treatment, shown=EXPERIMENTAL_SHOWN)
    plan = {name: getattr(treatment, name) for name in services.ExperimentalData.__dataclass_fields__}
    return {
        **plan,
        **_experimental_row(treatment),
        "hospital": treatment.hospital.name,
        "region": treatment.region.code,
        "adverse_events": [_pick(e, EarlyAdverseEventOut) for e in treatment.adverse_events.all()],
        "evaluations": [_pick(e, EarlyEvaluationOut) for e in treatment.evaluations.all()],
        "costs": [{**_pick(c, EarlyCostOut, "amount_nok"), "amount_nok": c.amount} for c in treatment.costs.all()],
    }


def _person(who: Principal, payload: EarlyPatientIn) -> tuple[str, Region] | Status[dict[str, Any]]:
    """The patient's national id (as written canonically) and home region, or 422 naming the bad field."""
    errors: dict[str, list[str]] = {}
    national_id = ""
    try:
        national_id = parse(payload.national_id.strip(), allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS).value
    except NationalIdError as error:
        errors["national_id"] = [str(error)]
    home = Region.objects.filter(code=payload.home_region).first()
    if home is None:
        errors["home_region"] = [_("Choose a regional health authority.")]
    if errors:
        return _invalid(errors)
    assert home is not None
    return national_id, home


# ---------------------------------------------------------------- programmes and agreements


@router.get(
    "/programmes",
    response=EarlyProgrammePage,
    summary=gettext_noop("Early-access programmes (no patient data), in the order they were registered"),
)
@api_requires(*ANY_ROLE)
def list_earlyaccess_programmes(request: HttpRequest, cursor: str | None = None) -> dict[str, Any]:
    page, next_cursor = BY_ID.page(selectors.programmes(principal(request)), after=cursor, limit=PAGE_SIZE)
    return {"items": [_programme_row(p) for p in page], "next_cursor": next_cursor}


@router.get(
    "/programmes/{programme_id}",
    response={200: EarlyProgrammeOut, 404: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("A programme with its agreements per region, exemptions and Nye metoder decision"),
)
@api_requires(*ANY_ROLE)
def get_earlyaccess_programme(request: HttpRequest, programme_id: Id) -> dict[str, Any]:
    return _programme(selectors.programme_for(principal(request), programme_id))


@router.post(
    "/programmes",
    response={201: EarlyProgrammeOut, 403: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("Register a programme for your hospital (pharmacy) or any hospital (national)"),
)
@api_requires(MANAGE_PROGRAMME)
def register_earlyaccess_programme(request: HttpRequest, payload: EarlyProgrammeIn) -> Any:
    who = principal(request)
    errors: dict[str, list[str]] = {}
    supplier = Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER, pk=payload.supplier_id).first()
    if supplier is None:
        errors["supplier_id"] = [_("Choose a supplier.")]
    owner = selectors.hospitals_for_programmes(who).filter(pk=payload.owner_id).first()
    if owner is None:
        errors["owner_id"] = [_("You may register programmes only for your own hospital.")]
    if payload.method_id is not None and payload.method_id not in dict(method_choices()):
        errors["method_id"] = [_("Choose a method of the register.")]
    if errors:
        return _invalid(errors)
    assert supplier is not None and owner is not None
    data = services.ProgrammeData(
        drug_name=payload.drug_name.strip(),
        active_substance=payload.active_substance.strip(),
        atc_code=payload.atc_code.strip(),
        supplier=supplier,
        indication=payload.indication.strip(),
        basis=payload.basis,
        agreement_kind=payload.agreement_kind,
        marketing_authorised_on=payload.marketing_authorised_on,
        method_id=payload.method_id,
        cost_terms=payload.cost_terms.strip(),
        owner=owner,
    )
    try:
        made = services.programme_register(actor=who, data=data)
    except services.Refused as refused:
        return _invalid({"atc_code" if payload.atc_code else "__all__": [str(refused)]})
    except ValidationError as invalid:
        return _invalid(invalid.message_dict)
    return Status(201, _programme(selectors.programme_for(who, made.pk)))


@router.post(
    "/programmes/{programme_id}/agreements",
    response={201: EarlyProgrammeOut, 403: EarlyErrorOut, 404: EarlyErrorOut, 409: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("Register the programme's signed standard agreement for a region (your own region)"),
)
@api_requires(MANAGE_PROGRAMME)
def register_earlyaccess_agreement(request: HttpRequest, programme_id: Id, payload: EarlyAgreementIn) -> Any:
    who = principal(request)
    programme = selectors.programme_for(who, programme_id)
    region = selectors.agreement_regions(who).filter(code=payload.region).first()
    if region is None:
        return _invalid({"region": [_("You may register agreements only for your own region.")]})
    try:
        services.agreement_register(
            actor=who, programme=programme, region=region, signed_on=payload.signed_on, reference=payload.reference
        )
    except services.Refused as refused:
        return _refused(refused)
    return Status(201, _programme(selectors.programme_for(who, programme_id)))


@router.post(
    "/programmes/{programme_id}/exemptions",
    response={201: EarlyProgrammeOut, 403: EarlyErrorOut, 404: EarlyErrorOut, 409: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("Register a named-patient exemption or its renewal (at most a year)"),
)
@api_requires(MANAGE_PROGRAMME)
def register_earlyaccess_exemption(request: HttpRequest, programme_id: Id, payload: EarlyExemptionIn) -> Any:
    who = principal(request)
    programme = selectors.programme_for(who, programme_id)
    policies.require(who, "manage", programme)
    try:
        services.exemption_add(
            actor=who,
            programme=programme,
            granted_on=payload.granted_on,
            valid_until=payload.valid_until,
            reference=payload.reference,
        )
    except services.Refused as refused:
        return _refused(refused)
    return Status(201, _programme(selectors.programme_for(who, programme_id)))


# ---------------------------------------------------------------- patients in programmes


@router.get(
    "/treatments",
    response=EarlyTreatmentPage,
    summary=gettext_noop("Your hospital's patients in programmes, newest start first, with the worklist's flags"),
)
@api_requires(VIEW_TREATMENT)
def list_earlyaccess_treatments(
    request: HttpRequest, running: bool = True, flagged: bool = False, cursor: str | None = None
) -> dict[str, Any]:
    who = principal(request)
    rows = policies.visible(who, PatientTreatment.objects.select_related("programme", "person"))
    if running or flagged:
        rows = rows.filter(stopped_on__isnull=True)
    if flagged:
        rows = rows.filter(programme__agreement_kind="short_duration", expected_end_on__lt=timezone.localdate())
    page, next_cursor = NEWEST_TREATMENT.page(rows, after=cursor, limit=PAGE_SIZE)
    read_rows(who, page, label="API early access treatments", shown=["name", "programme", "start"])
    flags: dict[int, str | None] = {}
    return {"items": [_treatment_row(t, flags) for t in page], "next_cursor": next_cursor}


@router.get(
    "/treatments/{treatment_id}",
    response={200: EarlyTreatmentOut, 404: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("A patient's treatment in a programme"),
)
@api_requires(VIEW_TREATMENT)
def get_earlyaccess_treatment(request: HttpRequest, treatment_id: Id) -> dict[str, Any]:
    who = principal(request)
    return _treatment(who, selectors.treatment_for(who, treatment_id))


@router.post(
    "/treatments",
    response={201: EarlyTreatmentOut, 403: EarlyErrorOut, 409: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop(
        "Start a patient on a programme's drug; refused (409, the reason in Norwegian) without a signed agreement "
        "for the hospital's region, before its date, or without a valid exemption"
    ),
)
@api_requires(MANAGE_TREATMENT)
def start_earlyaccess_treatment(request: HttpRequest, payload: EarlyStartIn) -> Any:
    who = principal(request)
    patient = _person(who, payload)
    if isinstance(patient, Status):
        return patient
    national_id, home = patient
    errors: dict[str, list[str]] = {}
    programme = selectors.programmes(who).filter(pk=payload.programme_id).first()
    if programme is None:
        errors["programme_id"] = [_("Choose a programme.")]
    hospital = selectors.hospitals_for_treatment(who).filter(pk=payload.hospital_id).first()
    if hospital is None:
        errors["hospital_id"] = [_("You may start treatments only at your own hospital.")]
    if payload.expected_end_on is not None and payload.expected_end_on < payload.started_on:
        errors["expected_end_on"] = [_("The expected end cannot be before the start.")]
    if errors:
        return _invalid(errors)
    assert programme is not None and hospital is not None
    try:
        with audited_atomic():
            person = services.patient_for(actor=who, national_id=national_id, name=payload.name, home_region=home)
            started = services.treatment_start(
                actor=who,
                programme=programme,
                person=person,
                hospital=hospital,
                consultant=payload.consultant,
                started_on=payload.started_on,
                expected_end_on=payload.expected_end_on,
            )
    except services.Refused as refused:
        return _refused(refused)
    return Status(201, _treatment(who, selectors.treatment_for(who, started.pk)))


@router.post(
    "/treatments/{treatment_id}/stop",
    response={200: EarlyTreatmentOut, 403: EarlyErrorOut, 404: EarlyErrorOut, 409: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("Stop a patient's treatment, with the date and the reason"),
)
@api_requires(MANAGE_TREATMENT)
def stop_earlyaccess_treatment(request: HttpRequest, treatment_id: Id, payload: EarlyStopIn) -> Any:
    who = principal(request)
    treatment = selectors.treatment_for(who, treatment_id)
    policies.require(who, "manage", treatment)
    try:
        services.treatment_stop(
            actor=who,
            treatment=treatment,
            version=payload.version,
            stopped_on=payload.stopped_on,
            reason=payload.reason,
            note=payload.note,
        )
    except services.Refused as refused:
        return _refused(refused)
    return Status(200, _treatment(who, selectors.treatment_for(who, treatment_id)))


# ---------------------------------------------------------------- experimental treatment


@router.get(
    "/experimental",
    response=EarlyExperimentalPage,
    summary=gettext_noop("Your hospital's experimental treatments outside studies, newest start first"),
)
@api_requires(VIEW_TREATMENT)
def list_earlyaccess_experimental(request: HttpRequest, cursor: str | None = None) -> dict[str, Any]:
    who = principal(request)
    rows = policies.visible(who, ExperimentalTreatment.objects.select_related("person"))
    page, next_cursor = NEWEST_EXPERIMENTAL.page(rows, after=cursor, limit=PAGE_SIZE)
    read_rows(who, page, label="API experimental treatments", shown=["name", "treatment", "start"])
    return {"items": [_experimental_row(t) for t in page], "next_cursor": next_cursor}


@router.get(
    "/experimental/{treatment_id}",
    response={200: EarlyExperimentalOut, 404: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("An experimental treatment with its plan, adverse events, evaluations and costs"),
)
@api_requires(VIEW_TREATMENT)
def get_earlyaccess_experimental(request: HttpRequest, treatment_id: Id) -> dict[str, Any]:
    who = principal(request)
    return _experimental(who, selectors.experimental_for(who, treatment_id))


@router.post(
    "/experimental",
    response={201: EarlyExperimentalOut, 403: EarlyErrorOut, 409: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("Register an experimental treatment with its justification, consent and whole plan"),
)
@api_requires(MANAGE_TREATMENT)
def register_earlyaccess_experimental(request: HttpRequest, payload: EarlyExperimentalIn) -> Any:
    who = principal(request)
    patient = _person(who, payload)
    if isinstance(patient, Status):
        return patient
    national_id, home = patient
    hospital = selectors.hospitals_for_treatment(who).filter(pk=payload.hospital_id).first()
    if hospital is None:
        return _invalid({"hospital_id": [_("You may register treatments only at your own hospital.")]})
    data = services.ExperimentalData(
        **{name: getattr(payload, name) for name in services.ExperimentalData.__dataclass_fields__}
    )
    try:
        with audited_atomic():
            person = services.patient_for(actor=who, national_id=national_id, name=payload.name, home_region=home)
            made = services.experimental_register(actor=who, person=person, hospital=hospital, data=data)
    except services.Refused as refused:
        return _refused(refused)
    return Status(201, _experimental(who, selectors.experimental_for(who, made.pk)))


def _follow_up(request: HttpRequest, treatment_id: int, register: Any, **values: Any) -> Any:
    who = principal(request)
    treatment = selectors.experimental_for(who, treatment_id)
    policies.require(who, "manage", treatment)
    try:
        register(actor=who, treatment=treatment, **values)
    except services.Refused as refused:
        return _refused(refused)
    except ValidationError as invalid:
        return _invalid(invalid.message_dict)
    return Status(201, _experimental(who, selectors.experimental_for(who, treatment_id)))


FOLLOW_UP = {
    201: EarlyExperimentalOut,
    403: EarlyErrorOut,
    404: EarlyErrorOut,
    409: EarlyErrorOut,
    422: EarlyErrorOut,
}


@router.post(
    "/experimental/{treatment_id}/adverse-events",
    response=FOLLOW_UP,
    summary=gettext_noop("Register an adverse event as it happens"),
)
@api_requires(MANAGE_TREATMENT)
def register_earlyaccess_adverse_event(request: HttpRequest, treatment_id: Id, payload: EarlyAdverseEventIn) -> Any:
    return _follow_up(request, treatment_id, services.adverse_event_register, **payload.dict())


@router.post(
    "/experimental/{treatment_id}/evaluations",
    response=FOLLOW_UP,
    summary=gettext_noop("Register an evaluation of benefit and risk"),
)
@api_requires(MANAGE_TREATMENT)
def register_earlyaccess_evaluation(request: HttpRequest, treatment_id: Id, payload: EarlyEvaluationIn) -> Any:
    return _follow_up(request, treatment_id, services.evaluation_register, **payload.dict())


@router.post(
    "/experimental/{treatment_id}/costs",
    response=FOLLOW_UP,
    summary=gettext_noop("Register a cost and who bears it; one charging the patient is refused (422)"),
)
@api_requires(MANAGE_TREATMENT)
def register_earlyaccess_cost(request: HttpRequest, treatment_id: Id, payload: EarlyCostIn) -> Any:
    if payload.payer == "patient":
        # Refused before the treatment is read, as the form refuses it next to the field.
        return _invalid({"payer": [_(services.PATIENT_NEVER_PAYS)]})
    return _follow_up(
        request,
        treatment_id,
        services.cost_register,
        incurred_on=payload.incurred_on,
        description=payload.description,
        amount=payload.amount_nok,
        payer=payload.payer,
    )


# ---------------------------------------------------------------- the regional overview (aggregates only)


@router.get(
    "/overview/{region}/{year}",
    response={200: EarlyOverviewOut, 404: EarlyErrorOut, 422: EarlyErrorOut},
    summary=gettext_noop("A region's overview of a year: the page's tables, small numbers hidden"),
)
@api_requires(VIEW_OVERVIEW)
def get_earlyaccess_overview(
    request: HttpRequest, region: Annotated[str, Path(max_length=32)], year: Year
) -> dict[str, Any]:
    who = principal(request)
    found = selectors.overview_region_choices(who).filter(code=region).first()
    if found is None or year > timezone.localdate().year:
        raise Http404
    tables = overview.overview_tables(found, year)
    with audited_atomic():
        audit_record(
            principal=who,
            action=AuditEntry.Action.EXPORT,
            label=f"early access overview {found.code} {year}",
            detail={"format": "api"},
        )
    return {"region": found.code, "year": year, "tables": [exports.table_data(t) for t in tables]}
