"""The cooperation register's API: the same agreements, findings and review as the register's pages, for the
suppliers' and organisations' systems; and the public register, read-only and without login.

Every operation goes through the one permission layer: the rule on the operation (``api_requires``,
``api_public``) and the agreement policy (another supplier's or organisation's agreement is 404, as one that does
not exist). Writes go through ``services`` (the same as the pages), each version-checked: a stale ``version``
answers 409. The agreements are between organisations and hold no person, so no read is audited; the public
operations read only the published versions (names of organisations and suppliers, and the terms).

Schema names start with ``Coop`` so they cannot replace another system's in the OpenAPI document.

(No ``from __future__ import annotations`` here: ninja resolves the annotations of the wrapped operations.)
"""

import base64
import binascii
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_countries import countries
from ninja import Field, Path, Query, Router, Schema, Status

from vegvis.access.policies import policy_for
from vegvis.access.rules import api_public, api_requires, principal
from vegvis.audit.services import audit_denied
from vegvis.casework.paging import Keyset
from vegvis.cooperation import public as public_data
from vegvis.cooperation import rules, selectors, services
from vegvis.cooperation.models import Agreement, Document, PublishedVersion
from vegvis.cooperation.navigation import ANY_ROLE
from vegvis.core.uploads import UploadRefused, check_upload
from vegvis.records.files import serve_document_file
from vegvis.statistics.numbers import percent

API_PREFIX = "/cooperation"
router = Router(tags=[gettext_noop("cooperation register")])
PAGE_SIZE = 50
NEWEST = Keyset[Agreement]("starts_on", descending=True)
PUBLISHED = Keyset[PublishedVersion]("agreement_id", kind=int)

KindCode = Literal["financial_support", "purchase_of_services", "advertising", "event_support"]
CoverCode = Literal["travel", "registration", "lodging", "meals", "entertainment", "gifts", "other"]
StatusCode = Literal["in_review", "confirmed", "disputed", "published"]

Amount = Field(None, ge=0, max_digits=14, decimal_places=2, description="NOK, two decimals at most")
Year = Annotated[int, Path(ge=2000, le=2999, description="The year the agreements start")]


# The largest id a database column holds (SQLite's INTEGER, PostgreSQL's bigint): a larger number is a 422 in
# the schema, not a server error in the driver (found by the schemathesis fuzz).
MAX_ID = 2**63 - 1


class CoopErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: dict[str, list[str]] | None = None


class CoopFindingOut(Schema):
    rule: str = Field(description="The rule's id, as in `vegvis cooperation check`")
    paragraph: str
    sentence: str = Field(description="What is wrong, in Norwegian")


class CoopEventOut(Schema):
    name: str
    country: str
    covers: list[str]


class CoopLogoUseOut(Schema):
    approved_on: date | None
    purpose: str
    manner: str


class CoopAgreementRow(Schema):
    id: int
    number: str
    supplier_id: int
    supplier: str
    organisation_id: int
    organisation: str
    kind: KindCode
    starts_on: date
    ends_on: date | None
    amount_nok: Decimal | None
    in_kind_value_nok: Decimal | None
    status: StatusCode
    version: int = Field(description="Send it back with a change; a changed agreement answers 409")
    findings: list[CoopFindingOut]


class CoopAgreementPage(Schema):
    items: list[CoopAgreementRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class CoopAgreementOut(CoopAgreementRow):
    third_party: str
    written: bool
    signed_on: date | None
    purpose: str
    exclusive: bool
    transparency_clause: bool
    market_value_stated: bool
    event: CoopEventOut | None
    logo_uses: list[CoopLogoUseOut]
    review_due_on: date
    correction_due_on: date
    review_open_until: date = Field(description="The organisation may confirm or dispute until this day")
    dispute_reason: str
    corrected: bool


class CoopEventIn(Schema):
    name: str = Field("", max_length=200)
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country where the event takes place")
    covers: list[CoverCode] = Field(default_factory=list)


class CoopLogoUseIn(Schema):
    approved_on: date | None = Field(None, description="When the organisation approved it in writing; null if not")
    purpose: str = Field("", max_length=300)
    manner: str = Field("", max_length=300)


class CoopAgreementIn(Schema):
    supplier_id: int = Field(
        ge=1, le=MAX_ID, description="Your company (a supplier user may enter only its own company's)"
    )
    organisation_id: int = Field(ge=1, le=MAX_ID, description="The patient organisation")
    kind: KindCode
    third_party: str = Field("", max_length=200)
    written: bool
    signed_on: date | None = None
    starts_on: date
    ends_on: date | None = None
    amount_nok: Decimal | None = Amount
    in_kind_value_nok: Decimal | None = Amount
    purpose: str = Field("", max_length=5000)
    exclusive: bool
    transparency_clause: bool
    market_value_stated: bool
    event: CoopEventIn | None = None
    logo_uses: list[CoopLogoUseIn] = Field(default_factory=list, max_length=20)


class CoopVersionIn(Schema):
    version: int = Field(description="The agreement version you last read; a changed agreement answers 409")


class CoopCorrectionIn(CoopAgreementIn):
    version: int = Field(description="The agreement version you last read; a changed agreement answers 409")


class CoopDocumentIn(Schema):
    filename: str = Field(min_length=1, max_length=200, description="The file's name (for the record only)")
    content_base64: str = Field(
        min_length=1, description="The signed agreement's bytes, base64-encoded; checked by content: a PDF only"
    )


class CoopDocumentOut(Schema):
    id: int
    number: str = Field(description="The document's number in the agreement's file")
    title: str
    registered_on: date
    sealed: bool = Field(description="Sealed documents are never changed; a new one is registered beside them")


class CoopDisputeIn(CoopVersionIn):
    reason: str = Field(min_length=1, max_length=2000, description="Why the organisation disputes the agreement")


class CoopPublishedRow(Schema):
    agreement: str = Field(description="The agreement's number")
    version: int = Field(description="The published version's number (1 for the first publication)")
    published_on: date
    supplier_id: int
    supplier: str
    organisation_id: int
    organisation: str
    kind: KindCode
    starts_on: date
    ends_on: date | None
    signed_on: date | None
    amount_nok: Decimal | None
    in_kind_value_nok: Decimal | None
    total_nok: Decimal
    purpose: str
    third_party: str
    disputed: bool
    dispute_reason: str = Field(description="The organisation's reason, published with a disputed agreement")
    changed: list[str] = Field(description="Fields changed since the version published before")
    findings: list[str] = Field(description="Ids of the rules the published version breaks")


class CoopPublishedPage(Schema):
    year: int
    items: list[CoopPublishedRow]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last page.")


class CoopOrganisationTotal(Schema):
    organisation_id: int
    organisation: str
    total_nok: Decimal
    budget_nok: Decimal | None = Field(description="The organisation's budget for the year; null if not registered")
    share_of_budget_percent: int | None


class CoopSupplierTotal(Schema):
    supplier_id: int
    supplier: str
    total_nok: Decimal


class CoopTotalsOut(Schema):
    year: int
    organisations: list[CoopOrganisationTotal]
    suppliers: list[CoopSupplierTotal]


class CoopPublicFilter(Schema):
    q: str = Field("", max_length=100, description="Search in the names of suppliers and organisations and purpose")
    supplier: int | None = Field(None, ge=1, le=MAX_ID)
    organisation: int | None = Field(None, ge=1, le=MAX_ID)
    kind: KindCode | Literal[""] = ""
    min_total: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    max_total: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)


# ---------------------------------------------------------------- helpers


def _findings(ids: list[str]) -> list[dict[str, str]]:
    return [{"rule": i, "paragraph": rules.RULES[i].paragraph, "sentence": str(rules.RULES[i].sentence)} for i in ids]


def _row(agreement: Agreement, findings: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "number": agreement.number,
        "supplier_id": agreement.supplier_id,
        "supplier": agreement.supplier.name,
        "organisation_id": agreement.organisation_id,
        "organisation": agreement.organisation.name,
        "kind": agreement.kind,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "amount_nok": agreement.amount_nok,
        "in_kind_value_nok": agreement.in_kind_value_nok,
        "status": agreement.status,
        "version": agreement.version,
        "findings": findings,
    }


def _detail(agreement: Agreement) -> dict[str, Any]:
    findings = [
        {"rule": f.id, "paragraph": f.paragraph, "sentence": f.sentence}
        for f in selectors.agreement_findings(agreement)
    ]
    event = getattr(agreement, "event", None)
    return {
        **_row(agreement, findings),
        "third_party": agreement.third_party,
        "written": agreement.written,
        "signed_on": agreement.signed_on,
        "purpose": agreement.purpose,
        "exclusive": agreement.exclusive,
        "transparency_clause": agreement.transparency_clause,
        "market_value_stated": agreement.market_value_stated,
        "event": ({"name": event.name, "country": str(event.country), "covers": list(event.covers)} if event else None),
        "logo_uses": [
            {"approved_on": u.approved_on, "purpose": u.purpose, "manner": u.manner}
            for u in agreement.logo_uses.order_by("pk")
        ],
        "review_due_on": agreement.review_due_on,
        "correction_due_on": agreement.correction_due_on,
        "review_open_until": services.review_open_until(agreement),
        "dispute_reason": agreement.dispute_reason,
        "corrected": agreement.corrected,
    }


def _invalid(errors: dict[str, list[str]]) -> Status[dict[str, Any]]:
    return Status(422, {"detail": "The data is not valid", "code": "invalid", "errors": errors})


def _refused(refused: services.AgreementRefused) -> Status[dict[str, Any]]:
    return Status(409, {"detail": str(refused), "code": "refused"})


def _stale(agreement: Agreement, version: int) -> Status[dict[str, Any]] | None:
    if agreement.version == version:
        return None
    message = _("Someone else changed the agreement while you worked on it. Open it again.")
    return Status(409, {"detail": message, "code": "stale"})


def _agreement_data(request: HttpRequest, payload: CoopAgreementIn) -> services.AgreementData | Status[Any]:
    """The payload as the services' terms, or 422 naming each bad field (the form's rules, in typed fields)."""
    errors: dict[str, list[str]] = {}
    supplier = selectors.supplier_choices(principal(request)).filter(pk=payload.supplier_id).first()
    if supplier is None:
        errors["supplier_id"] = [_("You may enter agreements only for your own company.")]
    organisation = selectors.organisation_choices().filter(pk=payload.organisation_id).first()
    if organisation is None:
        errors["organisation_id"] = [_("Choose a patient organisation of the register.")]
    if payload.ends_on is not None and payload.ends_on < payload.starts_on:
        errors["ends_on"] = [_("The cooperation cannot end before it starts.")]
    if payload.event is not None and payload.event.country not in dict(countries):
        errors["event.country"] = [_("Choose the country where the event takes place.")]
    if errors:
        return _invalid(errors)
    assert supplier is not None and organisation is not None
    return services.AgreementData(
        supplier=supplier,
        organisation=organisation,
        kind=payload.kind,
        third_party=payload.third_party.strip(),
        written=payload.written,
        signed_on=payload.signed_on,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        amount_nok=payload.amount_nok,
        in_kind_value_nok=payload.in_kind_value_nok,
        purpose=payload.purpose,
        exclusive=payload.exclusive,
        transparency_clause=payload.transparency_clause,
        market_value_stated=payload.market_value_stated,
        event=(
            services.EventData(
                name=payload.event.name,
                country=payload.event.country,
                covers=tuple(dict.fromkeys(payload.event.covers)),
            )
            if payload.event is not None
            else None
        ),
        logo_uses=tuple(
            services.LogoUseData(approved_on=u.approved_on, purpose=u.purpose, manner=u.manner)
            for u in payload.logo_uses
        ),
    )


def _may(request: HttpRequest, action: str, agreement: Agreement) -> None:
    who = principal(request)
    if not policy_for(Agreement).can(who, action, agreement):
        audit_denied(who, obj=agreement, label=agreement.audit_label, detail={"action": action})
        raise PermissionDenied


# ---------------------------------------------------------------- the register (logged in)


@router.get(
    "/agreements",
    response=CoopAgreementPage,
    summary=gettext_noop("Agreements you may see, newest first, with the rules each breaks"),
)
@api_requires(*ANY_ROLE)
def list_cooperation_agreements(
    request: HttpRequest, status: StatusCode | Literal[""] = "", cursor: str | None = None
) -> dict[str, Any]:
    rows = selectors.visible_agreements(principal(request))
    if status:
        rows = rows.filter(status=status)
    page, next_cursor = NEWEST.page(rows, after=cursor, limit=PAGE_SIZE)
    found = (
        rules.evaluate(selectors.register_from_db(organisation_ids={a.organisation_id for a in page})).agreements
        if page
        else {}
    )
    return {"items": [_row(a, _findings(list(found.get(str(a.pk), [])))) for a in page], "next_cursor": next_cursor}


@router.get(
    "/agreements/{agreement_id}",
    response={200: CoopAgreementOut, 404: CoopErrorOut},
    summary=gettext_noop("An agreement with its findings and review"),
)
@api_requires(*ANY_ROLE)
def get_cooperation_agreement(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    return _detail(selectors.agreement_for(principal(request), agreement_id))


@router.post(
    "/agreements",
    response={201: CoopAgreementOut, 403: CoopErrorOut, 422: CoopErrorOut},
    summary=gettext_noop("Enter an agreement; its organisation is asked to review it"),
)
@api_requires("cooperation.enter_agreement")
def enter_cooperation_agreement(request: HttpRequest, payload: CoopAgreementIn) -> Any:
    data = _agreement_data(request, payload)
    if isinstance(data, Status):
        return data
    try:
        saved = services.agreement_enter(actor=principal(request), data=data)
    except services.AgreementRefused as refused:
        return _invalid({"supplier_id": [str(refused)]})
    return Status(201, _detail(selectors.agreement_for(principal(request), saved.pk)))


@router.post(
    "/agreements/{agreement_id}/confirm",
    response={200: CoopAgreementOut, 403: CoopErrorOut, 404: CoopErrorOut, 409: CoopErrorOut, 422: CoopErrorOut},
    summary=gettext_noop("Confirm an agreement with your organisation"),
)
@api_requires("cooperation.review_agreement")
def confirm_cooperation_agreement(request: HttpRequest, agreement_id: int, payload: CoopVersionIn) -> Any:
    who = principal(request)
    agreement = selectors.agreement_for(who, agreement_id)
    _may(request, "review", agreement)
    stale = _stale(agreement, payload.version)
    if stale is not None:
        return stale
    try:
        services.agreement_confirm(actor=who, agreement=agreement, version=payload.version)
    except services.AgreementRefused as refused:
        return _refused(refused)
    return Status(200, _detail(selectors.agreement_for(who, agreement_id)))


@router.post(
    "/agreements/{agreement_id}/dispute",
    response={200: CoopAgreementOut, 403: CoopErrorOut, 404: CoopErrorOut, 409: CoopErrorOut, 422: CoopErrorOut},
    summary=gettext_noop("Dispute an agreement with your organisation, saying why"),
)
@api_requires("cooperation.review_agreement")
def dispute_cooperation_agreement(request: HttpRequest, agreement_id: int, payload: CoopDisputeIn) -> Any:
    who = principal(request)
    agreement = selectors.agreement_for(who, agreement_id)
    _may(request, "review", agreement)
    if not payload.reason.strip():
        return _invalid({"reason": [_("Say why the organisation disputes the agreement.")]})
    stale = _stale(agreement, payload.version)
    if stale is not None:
        return stale
    try:
        services.agreement_dispute(actor=who, agreement=agreement, version=payload.version, reason=payload.reason)
    except services.AgreementRefused as refused:
        return _refused(refused)
    return Status(200, _detail(selectors.agreement_for(who, agreement_id)))


@router.put(
    "/agreements/{agreement_id}",
    response={200: CoopAgreementOut, 403: CoopErrorOut, 404: CoopErrorOut, 409: CoopErrorOut, 422: CoopErrorOut},
    summary=gettext_noop("Correct an agreement of your company (all its terms, as when entered)"),
)
@api_requires("cooperation.enter_agreement")
def correct_cooperation_agreement(request: HttpRequest, agreement_id: int, payload: CoopCorrectionIn) -> Any:
    who = principal(request)
    agreement = selectors.agreement_for(who, agreement_id)
    _may(request, "correct", agreement)
    data = _agreement_data(request, payload)
    if isinstance(data, Status):
        return data
    if data.supplier.pk != agreement.supplier_id:
        return _invalid({"supplier_id": [_("The supplier of an agreement cannot be changed.")]})
    stale = _stale(agreement, payload.version)
    if stale is not None:
        return stale
    try:
        services.agreement_correct(actor=who, agreement=agreement, version=payload.version, data=data)
    except services.AgreementRefused as refused:
        return _refused(refused)
    return Status(200, _detail(selectors.agreement_for(who, agreement_id)))


@router.post(
    "/agreements/{agreement_id}/publish",
    response={200: CoopAgreementOut, 403: CoopErrorOut, 404: CoopErrorOut, 409: CoopErrorOut, 422: CoopErrorOut},
    summary=gettext_noop("Publish an agreement (the register's administrators)"),
)
@api_requires("cooperation.administer_register")
def publish_cooperation_agreement(request: HttpRequest, agreement_id: int, payload: CoopVersionIn) -> Any:
    who = principal(request)
    agreement = selectors.agreement_for(who, agreement_id)
    _may(request, "publish", agreement)
    stale = _stale(agreement, payload.version)
    if stale is not None:
        return stale
    try:
        services.agreement_publish(actor=who, agreement=agreement, version=payload.version)
    except services.AgreementRefused as refused:
        return _refused(refused)
    return Status(200, _detail(selectors.agreement_for(who, agreement_id)))


def _document(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "number": document.number,
        "title": document.title,
        "registered_on": document.registered_on,
        "sealed": document.sent_at is not None,
    }


@router.get(
    "/agreements/{agreement_id}/documents",
    response={200: list[CoopDocumentOut], 404: CoopErrorOut},
    summary=gettext_noop("The agreement's file: the signed agreements registered"),
)
@api_requires(*ANY_ROLE)
def list_cooperation_documents(request: HttpRequest, agreement_id: int) -> Any:
    agreement = selectors.agreement_for(principal(request), agreement_id)
    return [_document(d) for d in agreement.documents.order_by("sequence")]


@router.post(
    "/agreements/{agreement_id}/documents",
    response={201: CoopDocumentOut, 403: CoopErrorOut, 404: CoopErrorOut, 422: CoopErrorOut},
    summary=gettext_noop("Register the signed agreement (a PDF) in the agreement's file"),
)
@api_requires("cooperation.enter_agreement")
def add_cooperation_document(request: HttpRequest, agreement_id: int, payload: CoopDocumentIn) -> Any:
    who = principal(request)
    agreement = selectors.agreement_for(who, agreement_id)
    _may(request, "correct", agreement)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        return _invalid({"content_base64": [_("The file is not base64.")]})
    upload = SimpleUploadedFile(payload.filename, content)
    try:
        check_upload(upload, allowed={"application/pdf"})
    except UploadRefused as refused:
        return _invalid({"content_base64": [str(refused)]})
    try:
        document = services.agreement_add_signed_pdf(
            actor=who, agreement=agreement, pdf=services.SignedPdf(content=content, filename=payload.filename)
        )
    except services.AgreementRefused as refused:
        return _invalid({"agreement_id": [str(refused)]})
    return Status(201, _document(document))


@router.get(
    "/agreements/{agreement_id}/documents/{document_id}",
    response={404: CoopErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The signed agreement",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary=gettext_noop("Download a signed agreement (PDF)"),
)
@api_requires(*ANY_ROLE)
def get_cooperation_document(
    request: HttpRequest,
    agreement_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    document_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> Any:
    return serve_document_file(
        principal(request), Document.objects.select_related("case"), pk=document_id, case_id=agreement_id
    )


# ---------------------------------------------------------------- the public register (no login)


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))  # SQLite's sum drops the decimals


def _public_filter(year: int, filters: CoopPublicFilter) -> selectors.PublicFilter:
    return selectors.PublicFilter(
        year=year,
        q=filters.q.strip(),
        supplier=filters.supplier,
        organisation=filters.organisation,
        kind=filters.kind,
        min_total=filters.min_total,
        max_total=filters.max_total,
    )


def _published_row(version: PublishedVersion) -> dict[str, Any]:
    row = public_data.row(version)
    return {**row, "supplier_id": version.supplier_id, "organisation_id": version.organisation_id}


@router.get(
    "/public/years", response=list[int], auth=None, summary=gettext_noop("Years of the public register, newest first")
)
@api_public
def list_cooperation_public_years(request: HttpRequest) -> list[int]:
    return selectors.published_years()


@router.get(
    "/public/{year}/agreements",
    response={200: CoopPublishedPage, 422: CoopErrorOut},
    auth=None,
    summary=gettext_noop("Published agreements of a year, with the public page's filters (no login)"),
)
@api_public
def list_cooperation_public_agreements(
    request: HttpRequest,
    year: Year,
    filters: Query[CoopPublicFilter],
    cursor: str | None = None,
) -> dict[str, Any]:
    rows = selectors.published(_public_filter(year, filters)).select_related("agreement")
    page, next_cursor = PUBLISHED.page(rows, after=cursor, limit=PAGE_SIZE)
    return {"year": year, "items": [_published_row(v) for v in page], "next_cursor": next_cursor}


@router.get(
    "/public/{year}/totals",
    response={200: CoopTotalsOut, 422: CoopErrorOut},
    auth=None,
    summary=gettext_noop("Totals of a year per patient organisation and per supplier (no login)"),
)
@api_public
def get_cooperation_public_totals(
    request: HttpRequest,
    year: Year,
    filters: Query[CoopPublicFilter],
) -> dict[str, Any]:
    rows = selectors.published(_public_filter(year, filters))
    per_organisation = selectors.totals(rows, "organisation")
    budgets = selectors.budgets_of(year, [r["organisation_id"] for r in per_organisation])
    return {
        "year": year,
        "organisations": [
            {
                "organisation_id": r["organisation_id"],
                "organisation": r["organisation__name"],
                "total_nok": _cents(r["total"]),
                "budget_nok": budgets.get(r["organisation_id"]),
                "share_of_budget_percent": (
                    percent(r["total"], budgets[r["organisation_id"]]) if budgets.get(r["organisation_id"]) else None
                ),
            }
            for r in per_organisation
        ],
        "suppliers": [
            {"supplier_id": r["supplier_id"], "supplier": r["supplier__name"], "total_nok": _cents(r["total"])}
            for r in selectors.totals(rows, "supplier")
        ],
    }
