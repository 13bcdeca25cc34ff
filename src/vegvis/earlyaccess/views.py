"""Early access's pages: thin (parse, authorise, call a service or selector, render). Every page that shows a
patient records the read (audit.services.read_for / read_rows); the national id is never shown, nor in a URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.abroad.selectors import method_choices
from vegvis.access.policies import policy_for
from vegvis.access.rules import principal, public, requires
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audit_record, audited_atomic, read_for, read_rows
from vegvis.earlyaccess import forms, overview, selectors, services
from vegvis.earlyaccess.models import ExperimentalTreatment, PatientTreatment, Programme
from vegvis.earlyaccess.policies import ANY_ROLE, MANAGE_PROGRAMME, MANAGE_TREATMENT, VIEW_OVERVIEW, VIEW_TREATMENT
from vegvis.statistics import exports

TREATMENT_SHOWN = ["name", "programme", "hospital", "consultant", "start", "expected end", "stop"]
EXPERIMENTAL_SHOWN = ["name", "treatment", "plan", "consent", "adverse events", "evaluations", "costs"]


def _refuse(form: Any, refused: services.Refused) -> None:
    """The refusal next to the field it concerns (the typed input stays in the form), else above the form."""
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, str(refused))


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


# ---------------------------------------------------------------- programmes


@public
def public_programmes(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.public_programmes())
    methods = selectors.methods_by_programme(rows)
    return render(request, "earlyaccess/public.html", {"rows": [(p, methods.get(p.pk)) for p in rows]})


@requires(*ANY_ROLE)
def programmes(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    rows = list(selectors.programmes(who))
    methods = selectors.methods_by_programme(rows)
    return render(
        request,
        "earlyaccess/programmes.html",
        {
            "rows": [(p, selectors.exemption_flag(p), methods.get(p.pk)) for p in rows],
            "can_register": who.has(MANAGE_PROGRAMME),
        },
    )


@requires(*ANY_ROLE)
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.programme_for(who, pk)
    can_manage = policy_for(Programme).can(who, "manage", found)
    return render(
        request,
        "earlyaccess/programme.html",
        {
            "programme": found,
            "decision": selectors.method_decision(found),
            "agreements": list(found.agreements.select_related("region")),
            "exemptions": list(found.exemptions.all()),
            "exemption_flag": selectors.exemption_flag(found),
            "can_manage": can_manage,
            "can_add_agreement": who.has(MANAGE_PROGRAMME) and selectors.agreement_regions(who).exists(),
        },
    )


@requires(MANAGE_PROGRAMME)
def programme_new(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    form = forms.ProgrammeForm(
        request.POST or None, hospitals=selectors.hospitals_for_programmes(who), methods=method_choices()
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.programme_register(actor=who, data=form.data_for_service())
        except (services.Refused, ValidationError) as refused:
            form.add_error(None, refused.messages if isinstance(refused, ValidationError) else str(refused))
        else:
            messages.success(request, _("The programme is registered."))
            return redirect("earlyaccess:programme", pk=made.pk)
    return render(request, "earlyaccess/form.html", {"form": form, "title": _("New programme"), "back": "programmes"})


@requires(MANAGE_PROGRAMME)
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.programme_for(who, pk)
    if not policy_for(Programme).can(who, "manage", found):
        raise Http404
    form = forms.ProgrammeEditForm(request.POST or None, programme=found, methods=method_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=who, programme=found, version=form.cleaned_data["version"], data=form.data_for_service()
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        except ValidationError as invalid:
            # The service's refusals by field, shown next to the field (its method_id is the form's method).
            errors = invalid.message_dict if hasattr(invalid, "error_dict") else {"__all__": invalid.messages}
            for field, messages_ in errors.items():
                name = field.removesuffix("_id")
                form.add_error(name if name in form.fields else None, messages_)
        else:
            messages.success(request, _("The programme is changed."))
            return redirect("earlyaccess:programme", pk=found.pk)
    title = _("Change %(drug)s") % {"drug": found.drug_name}
    return render(request, "earlyaccess/form.html", {"form": form, "title": title, "programme": found})


@requires(MANAGE_PROGRAMME)
def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.programme_for(who, pk)
    form = forms.AgreementForm(request.POST or None, regions=selectors.agreement_regions(who))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_register(actor=who, programme=found, **form.cleaned_data)
        except services.Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("The agreement is registered."))
            return redirect("earlyaccess:programme", pk=found.pk)
    title = _("Agreement for %(drug)s") % {"drug": found.drug_name}
    return render(request, "earlyaccess/form.html", {"form": form, "title": title, "programme": found})


@requires(MANAGE_PROGRAMME)
def exemption_new(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.programme_for(who, pk)
    if not policy_for(Programme).can(who, "manage", found):
        raise Http404
    form = forms.ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_add(actor=who, programme=found, **form.cleaned_data)
        except services.Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("The exemption is registered."))
            return redirect("earlyaccess:programme", pk=found.pk)
    title = _("Exemption for %(drug)s") % {"drug": found.drug_name}
    return render(request, "earlyaccess/form.html", {"form": form, "title": title, "programme": found})


# ---------------------------------------------------------------- patients in programmes


def _hospital(request: HttpRequest) -> Any:
    hospitals = selectors.hospitals_for_treatment(principal(request))
    raw = request.GET.get("sykehus", "")
    chosen = hospitals.filter(pk=int(raw)).first() if raw.isdigit() else hospitals.first()
    if chosen is None:
        raise Http404
    return chosen, hospitals


@requires(VIEW_TREATMENT)
def worklist(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    hospital, hospitals = _hospital(request)
    running = request.GET.get("alle") != "1"
    rows, cursor = selectors.worklist(who, hospital=hospital, running=running, after=request.GET.get("etter"))
    read_rows(who, [r.treatment for r in rows], label="early access worklist", shown=["name", "programme", "start"])
    return render(
        request,
        "earlyaccess/worklist.html",
        {
            "rows": rows,
            "cursor": cursor,
            "hospital": hospital,
            "hospitals": hospitals,
            "running": running,
            "can_start": who.has(MANAGE_TREATMENT),
        },
    )


@requires(MANAGE_TREATMENT)
def treatment_start(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    form = forms.StartForm(
        request.POST or None, programmes=selectors.programmes(who), hospitals=selectors.hospitals_for_treatment(who)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with audited_atomic():
                person = services.patient_for(
                    actor=who, national_id=d["national_id"], name=d["name"], home_region=d["home_region"]
                )
                started = services.treatment_start(
                    actor=who,
                    programme=d["programme"],
                    person=person,
                    hospital=d["hospital"],
                    consultant=d["consultant"],
                    started_on=d["started_on"],
                    expected_end_on=d["expected_end_on"],
                )
        except services.Refused as refused:
            _refuse(form, refused)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(request, _("The treatment is started: %(number)s.") % {"number": started.number})
            return redirect("earlyaccess:treatment", pk=started.pk)
    return render(request, "earlyaccess/form.html", {"form": form, "title": _("Start a patient"), "back": "worklist"})


@requires(VIEW_TREATMENT)
def treatment(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.treatment_for(who, pk)
    read_for(who, found, shown=TREATMENT_SHOWN)
    return render(
        request,
        "earlyaccess/treatment.html",
        {
            "treatment": found,
            "past_expected": selectors.past_expected_duration(found, timezone.localdate()),
            "exemption_flag": selectors.exemption_flag(found.programme) if found.stopped_on is None else None,
            "can_manage": policy_for(PatientTreatment).can(who, "manage", found) and found.stopped_on is None,
        },
    )


@requires(MANAGE_TREATMENT)
def treatment_stop(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.treatment_for(who, pk)
    form = forms.StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.treatment_stop(
                actor=who,
                treatment=found,
                version=_version(request),
                stopped_on=form.cleaned_data["stopped_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("The treatment is stopped."))
            return redirect("earlyaccess:treatment", pk=found.pk)
    return render(
        request,
        "earlyaccess/form.html",
        {"form": form, "title": _("Stop treatment %(number)s") % {"number": found.number}, "treatment": found},
    )


# ---------------------------------------------------------------- experimental treatment


@requires(VIEW_TREATMENT)
def experimental_list(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    hospital, hospitals = _hospital(request)
    rows = selectors.experimental_list(who, hospital=hospital)
    read_rows(who, rows, label="experimental treatments", shown=["name", "treatment", "start"])
    return render(
        request,
        "earlyaccess/experimental_list.html",
        {"rows": rows, "hospital": hospital, "hospitals": hospitals, "can_register": who.has(MANAGE_TREATMENT)},
    )


@requires(MANAGE_TREATMENT)
def experimental_new(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    form = forms.ExperimentalForm(request.POST or None, hospitals=selectors.hospitals_for_treatment(who))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with audited_atomic():
                person = services.patient_for(
                    actor=who, national_id=d["national_id"], name=d["name"], home_region=d["home_region"]
                )
                made = services.experimental_register(
                    actor=who, person=person, hospital=d["hospital"], data=form.data_for_service()
                )
        except services.Refused as refused:
            _refuse(form, refused)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(
                request, _("The experimental treatment is registered: %(number)s.") % {"number": made.number}
            )
            return redirect("earlyaccess:experimental", pk=made.pk)
    title = _("New experimental treatment")
    return render(request, "earlyaccess/form.html", {"form": form, "title": title, "back": "experimental_list"})


@requires(VIEW_TREATMENT)
def experimental(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.experimental_for(who, pk)
    read_for(who, found, shown=EXPERIMENTAL_SHOWN)
    return render(
        request,
        "earlyaccess/experimental.html",
        {
            "treatment": found,
            "events": list(found.adverse_events.all()),
            "evaluations": list(found.evaluations.all()),
            "costs": list(found.costs.all()),
            "can_manage": policy_for(ExperimentalTreatment).can(who, "manage", found),
        },
    )


@requires(MANAGE_TREATMENT)
def experimental_end(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.experimental_for(who, pk)
    form = forms.ExperimentalEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.experimental_end(actor=who, treatment=found, version=_version(request), **form.cleaned_data)
        except services.Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("The experimental treatment is ended."))
            return redirect("earlyaccess:experimental", pk=found.pk)
    return render(
        request,
        "earlyaccess/form.html",
        {"form": form, "title": _("End treatment %(number)s") % {"number": found.number}, "experimental": found},
    )


# kind: the form, the service that registers it, the page title
FOLLOW_UPS: dict[str, tuple[type[Any], Callable[..., Any], str]] = {
    "event": (forms.AdverseEventForm, services.adverse_event_register, "Register adverse event"),
    "evaluation": (forms.EvaluationForm, services.evaluation_register, "Register evaluation"),
    "cost": (forms.CostForm, services.cost_register, "Register cost"),
}


def _follow_up(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    who = principal(request)
    found = selectors.experimental_for(who, pk)
    form_class, service, title = FOLLOW_UPS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=who, treatment=found, **form.cleaned_data)
        except services.Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("earlyaccess:experimental", pk=found.pk)
    return render(
        request,
        "earlyaccess/form.html",
        {"form": form, "title": f"{_(title)} – {found.number}", "experimental": found},
    )


@requires(MANAGE_TREATMENT)
def adverse_event_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_up(request, pk, "event")


@requires(MANAGE_TREATMENT)
def evaluation_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_up(request, pk, "evaluation")


@requires(MANAGE_TREATMENT)
def cost_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_up(request, pk, "cost")


# ---------------------------------------------------------------- the regional overview


def _overview_choice(request: HttpRequest, code: str | None = None, year: int | None = None) -> tuple[Any, int]:
    regions = selectors.overview_region_choices(principal(request))
    if code is None:
        raw = request.GET.get("region", "")
        region = regions.filter(pk=int(raw)).first() if raw.isdigit() else regions.first()
    else:
        region = regions.filter(code=code).first()
    if region is None:
        raise Http404
    this_year = timezone.localdate().year
    raw_year = request.GET.get("year", "")
    chosen = year if year is not None else (int(raw_year) if raw_year.isdigit() else this_year)
    if not 2019 <= chosen <= this_year:
        raise Http404
    return region, chosen


@requires(VIEW_OVERVIEW)
def overview_page(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    region, year = _overview_choice(request)
    years = list(range(timezone.localdate().year, 2018, -1))
    form = forms.OverviewForm(
        initial={"region": region.pk, "year": year}, regions=selectors.overview_region_choices(who), years=years
    )
    return render(
        request,
        "earlyaccess/overview.html",
        {"region": region, "year": year, "tables": overview.overview_tables(region, year), "form": form},
    )


@requires(VIEW_OVERVIEW)
def overview_download(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    who = principal(request)
    if fmt not in ("xlsx", "json"):
        raise Http404
    region, year = _overview_choice(request, code, year)
    tables = overview.overview_tables(region, year)
    content = (overview.overview_xlsx if fmt == "xlsx" else overview.overview_json)(region, year, tables)
    with audited_atomic():
        audit_record(
            principal=who,
            action=AuditEntry.Action.EXPORT,
            label=f"early access overview {region.code} {year}",
            detail={"format": fmt},
        )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="tidlig-tilgang-{region.code}-{year}.{fmt}"'
    return response
