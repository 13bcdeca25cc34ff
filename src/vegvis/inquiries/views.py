"""Pages of the inquiry desk: parse, authorise, call a service or selector, audit reads, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegvis.access import policies
from vegvis.access.rules import principal, public, requires
from vegvis.audit.services import read_for, read_rows
from vegvis.casework.steps import NEXT_STEPS
from vegvis.core.errors import DomainError
from vegvis.core.models import Organisation
from vegvis.inquiries import ratelimit, selectors, steps
from vegvis.inquiries import views_letters as letters_views
from vegvis.inquiries.forms import AssignForm, InquiryForm, PublicInquiryForm, TriagePersonForm
from vegvis.inquiries.models import Case, Document
from vegvis.inquiries.services import cases, inquiries
from vegvis.records.files import serve_document_file

VIEW = ("inquiries.view_case", "inquiries.assess_case")
CASE_SHOWN = ["name", "account", "contact", "case_number", "power_of_attorney", "claims", "documents"]


def _apply_errors(form: forms.BaseForm, error: ValidationError | DomainError) -> None:
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, str(error))
    elif hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


@requires(*VIEW)
def worklist(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    scope = "desk" if request.GET.get("vis") == "desk" and who.has("inquiries.view_case") else "mine"
    work = selectors.worklist(who, scope)
    rows: list[Any] = [*work.inquiries, *work.cases]
    # Persons are linked only when known to the register; a web-form inquiry names nobody in it.
    persons = [row.audit_person_id for row in rows if row.audit_person_id is not None]
    read_rows(who, rows, label=_("Inquiry desk worklist"), shown=["name", "case_number"], person_ids=persons)
    return render(
        request,
        "inquiries/worklist.html",
        {"work": work, "scope": scope, "today": timezone.localdate(), "desk": who.has("inquiries.view_case")},
    )


@requires("inquiries.handle_case")
def inquiry_new(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    organisations = selectors.desk_organisations(who)
    form = InquiryForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation", None) or organisations.first()
        if organisation is None:
            raise Http404
        try:
            inquiry = inquiries.inquiry_register(actor=who, organisation=organisation, **data)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Inquiry %(reference)s is registered.") % {"reference": inquiry.reference})
            return redirect("inquiries:inquiry", pk=inquiry.pk)
    return render(request, "inquiries/form.html", {"form": form, "title": _("Register an inquiry")})


@requires("inquiries.view_case")
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The inquiry as it came in, the same person's open cases, and its triage into a case (linking the person by
    national id: the number comes by POST only, and is never shown back, put in a URL or logged)."""
    who = principal(request)
    inquiry = selectors.inquiry_for_page(who, pk)
    case = Case.objects.filter(inquiry=inquiry).first() or (
        Case.objects.filter(pk=inquiry.attached_to_id).first() if inquiry.attached_to_id else None
    )
    may_triage = case is None and policies.policy_for(type(inquiry)).can(who, "handle", inquiry)
    form = (
        TriagePersonForm(
            request.POST or None,
            initial={"name": inquiry.display_name},
            triage=request.POST.get("action") != "check",
        )
        if may_triage
        else None
    )
    lookup: dict[str, Any] = {}
    if request.method == "POST":
        if form is None:
            policies.require(who, "handle", inquiry)
            return redirect("inquiries:inquiry", pk=pk)
        if request.POST.get("action") == "attach":
            return _attach(request, who, inquiry)
        if form.is_valid():
            data = form.cleaned_data
            lookup = {k: data[k] for k in ("national_id", "name", "birth_date") if data.get(k)}
            if request.POST.get("action") != "check":
                try:
                    if data["national_id"]:
                        inquiries.inquiry_link_person(
                            actor=who,
                            inquiry=inquiry,
                            national_id=data["national_id"],
                            name=data["name"],
                            home_region=data["home_region"],
                            birth_date=data["birth_date"],
                        )
                    made = inquiries.inquiry_triage(actor=who, inquiry=inquiry, kind=data["kind"])
                except (ValidationError, DomainError) as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("Case %(number)s is made.") % {"number": made.number})
                    return redirect("inquiries:case", pk=made.pk)
    duplicates = selectors.duplicate_suggestions(who, inquiry, **lookup) if case is None else []
    read_for(who, inquiry, shown=["name", "account", "contact"])
    if duplicates:
        read_rows(who, duplicates, label=_("Possible duplicates"), shown=["name", "case_number"])
    return render(
        request,
        "inquiries/inquiry_detail.html",
        {"inquiry": inquiry, "case": case, "form": form, "duplicates": duplicates, "looked_up": bool(lookup)},
    )


def _attach(request: HttpRequest, who: Any, inquiry: Any) -> HttpResponse:
    """Triage the inquiry into the person's open case chosen among the suggestions: only an open case of the
    inquiry's own association is found (another association's is 404, as one that does not exist)."""
    raw = request.POST.get("case", "")
    if not (raw.isdigit() and len(raw) <= 9):
        raise Http404
    target = selectors.attachable_case(who, inquiry, int(raw))
    try:
        inquiries.inquiry_attach(actor=who, inquiry=inquiry, case=target)
    except (ValidationError, DomainError) as error:
        messages.error(request, str(getattr(error, "message", error)))
        return redirect("inquiries:inquiry", pk=inquiry.pk)
    messages.success(
        request,
        _("Inquiry %(reference)s is added to case %(number)s.")
        % {"reference": inquiry.reference, "number": target.number},
    )
    return redirect("inquiries:case", pk=target.pk)


@requires(*VIEW)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    case = selectors.case_for_page(who, pk)
    available = steps.TABLE.available_steps(who, case)
    events = [(e, steps.TABLE.button_label(e)) for e in available if steps.TABLE.step(e).offered == NEXT_STEPS]
    can_handle = policies.policy_for(Case).can(who, "handle", case)
    # Why the steps that act for the person are not offered, said once (the guard's own message).
    blocked = (
        steps.TABLE.refusal(case, "request_records")
        if can_handle and case.is_open and steps.TABLE.applies_to("request_records", case.kind)
        else None
    )
    read_for(who, case, shown=CASE_SHOWN)
    return render(
        request,
        "inquiries/case_detail.html",
        {
            "case": case,
            "inquiry": case.inquiry,
            "events": events,
            "blocked": blocked,
            "can_handle": can_handle,
            "today": timezone.localdate(),
            **selectors.case_file(case),
        },
    )


@requires("inquiries.handle_case")
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    case = selectors.case_for_page(who, pk)
    policies.require(who, "handle", case)
    form = AssignForm(
        request.POST or None,
        case=case,
        initial={
            "version": case.version,
            "case_worker": case.case_worker_id,
            "medical_adviser": case.medical_adviser_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            cases.case_assign(actor=who, case=case, **form.cleaned_data)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The case is assigned."))
            return redirect("inquiries:case", pk=case.pk)
    read_for(who, case, shown=["name", "case_number"])
    return render(request, "inquiries/form.html", {"case": case, "form": form, "title": _("Assign the case")})


@requires("inquiries.handle_case", "inquiries.assess_case")
def case_action(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    """One step of the case's workflow: its form, and the change when it is sent."""
    who = principal(request)
    if event not in steps.TABLE.actions:
        raise Http404
    case = selectors.case_for_page(who, pk)
    policies.require(who, steps.TABLE.step(event).policy_action, case)
    form_class: Any = steps.TABLE.forms[event]
    form = form_class.for_step(steps.TABLE.step(event), case, request.POST or None, request.FILES or None)
    refusal = steps.TABLE.refusal(case, event)
    sends_letter = steps.TABLE.step(event).sends_letter
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        try:
            if sends_letter and "confirm" not in request.POST:
                # A letter is sealed once sent: first the letter as it will be sent, then the confirmation.
                return letters_views.preview(request, who, case, event, form)
            steps.TABLE.take(event, who, case, form)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": steps.TABLE.labels[event]})
            return redirect("inquiries:case", pk=case.pk)
    read_for(who, case, shown=["name", "case_number"])
    return render(
        request,
        "inquiries/form.html",
        {
            "case": case,
            "form": form,
            "title": steps.TABLE.labels[event],
            "refusal": refusal,
            "multipart": getattr(form, "multipart", False),
        },
    )


@requires(*VIEW)
def document_file(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    return serve_document_file(
        principal(request),
        Document.objects.select_related("case"),
        person_id=lambda document: document.case.person_id,
        pk=document_pk,
        case_id=pk,
    )


# ---------------------------------------------------------------- the public web form (no login)

# The consent the person agrees to, stored with the inquiry word for word.
CONSENT_TEXT = gettext_lazy(
    "I agree that %(organisation)s registers and processes what I have written here, including information about "
    "my health or the health of the person I write for, in order to answer and help with my inquiry. I can "
    "withdraw this consent at any time by contacting the association."
)
RECEIPT_SESSION_KEY = "inquiries_receipt"


def _association(organisation: int) -> Organisation:
    return get_object_or_404(Organisation, pk=organisation, kind=Organisation.Kind.PATIENT_ORGANISATION)


@public
def public_form(request: HttpRequest, organisation: int) -> HttpResponse:
    association = _association(organisation)
    consent_text = str(CONSENT_TEXT) % {"organisation": association.name}
    form = PublicInquiryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not ratelimit.allowed(request):
            form.add_error(
                None, _("Too many inquiries have been sent from your address in a short time. Please try again later.")
            )
            status = 429
        elif form.is_valid():
            if not form.is_trapped:
                data = dict(form.cleaned_data)
                data.pop("consent")
                data.pop("website")
                inquiry = inquiries.inquiry_submit(organisation=association, consent_text=consent_text, **data)
                request.session[RECEIPT_SESSION_KEY] = inquiry.reference
            else:
                # A robot filled in the hidden field: it gets the receipt page, and nothing is stored.
                request.session[RECEIPT_SESSION_KEY] = ""
            return redirect("inquiries:public_receipt", organisation=association.pk)
    return render(
        request,
        "inquiries/public_form.html",
        {"form": form, "association": association, "consent_text": consent_text},
        status=status,
    )


@public
def public_receipt(request: HttpRequest, organisation: int) -> HttpResponse:
    association = _association(organisation)
    reference = request.session.get(RECEIPT_SESSION_KEY)
    return render(request, "inquiries/public_receipt.html", {"association": association, "reference": reference})


# ---------------------------------------------------------------- statistics for the yearly account


def _statistics_context(request: HttpRequest, year: int) -> tuple[Any, Any]:
    """The association asked for (``?forening=``) and its figures for ``year``; 404 outside the years served."""
    from vegvis.inquiries import statistics as desk_statistics

    if not desk_statistics.FIRST_YEAR <= year <= desk_statistics.LAST_YEAR:
        raise Http404
    raw = request.GET.get("forening", "")
    organisation = desk_statistics.statistics_organisation(principal(request), int(raw) if raw.isdigit() else None)
    return organisation, desk_statistics.desk_statistics(organisation, year)


@requires("inquiries.view_case")
def statistics_index(request: HttpRequest) -> HttpResponse:
    from django.urls import reverse

    from vegvis.inquiries import statistics as desk_statistics

    raw = request.GET.get("forening", "")
    organisation = desk_statistics.statistics_organisation(principal(request), int(raw) if raw.isdigit() else None)
    year = request.GET.get("aar", "")
    chosen = (
        int(year) if year.isdigit() and desk_statistics.FIRST_YEAR <= int(year) <= desk_statistics.LAST_YEAR else None
    )
    url = reverse("inquiries:statistics", args=[chosen or desk_statistics.default_year(organisation)])
    return redirect(f"{url}?forening={organisation.pk}")


@requires("inquiries.view_case")
def statistics_page(request: HttpRequest, year: int) -> HttpResponse:
    from vegvis.inquiries import statistics as desk_statistics

    organisation, stats = _statistics_context(request, year)
    tables = stats.tables()
    titles = desk_statistics.chart_titles()
    sections = [
        (key, table, (titles[key], desk_statistics.chart_alt(key, stats)) if key in desk_statistics.CHARTS else None)
        for key, table in tables.items()
    ]
    return render(
        request,
        "inquiries/statistics.html",
        {
            "stats": stats,
            "organisation": organisation,
            "organisations": desk_statistics.statistics_organisations(principal(request)),
            "sections": sections,
            "assistance_share": tables["summary"].rendered_rows()[1][2][0],
            "total_inquiries": tables["service"].rendered_rows()[-1][-1][0],
            "years": sorted(
                {*desk_statistics.statistics_years(organisation), timezone.localdate().year, year}, reverse=True
            ),
            "downloads": [("pdf", _("Download PDF")), ("xlsx", _("Excel (XLSX)")), ("json", _("JSON"))],
        },
    )


@requires("inquiries.view_case")
def statistics_figure(request: HttpRequest, year: int, name: str) -> HttpResponse:
    from vegvis.inquiries import statistics as desk_statistics

    if name not in desk_statistics.CHARTS:
        raise Http404
    _organisation, stats = _statistics_context(request, year)
    response = HttpResponse(desk_statistics.chart_svg(name, stats), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@requires("inquiries.view_case")
def statistics_download(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """The figures as a file; every download is written to the audit trail (aggregates only: no person)."""
    from vegvis.audit.services import Action, audit_record
    from vegvis.inquiries import statistics as desk_statistics
    from vegvis.statistics.exports import CONTENT_TYPES

    if kind not in desk_statistics.DOWNLOADS:
        raise Http404
    organisation, stats = _statistics_context(request, year)
    content = desk_statistics.export(kind, stats)
    audit_record(
        principal=principal(request),
        action=Action.EXPORT,
        obj=organisation,
        label=f"inquiry desk statistics {year}",
        detail={"year": year, "kind": kind},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    disposition = "inline" if kind == "json" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="henvendelser-statistikk-{year}.{kind}"'
    return response
