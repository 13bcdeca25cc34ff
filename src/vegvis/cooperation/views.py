"""The register's pages: thin (parse, authorise, call a service or selector, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegvis.access.policies import policy_for
from vegvis.access.rules import principal, public, requires
from vegvis.cooperation import public as public_data
from vegvis.cooperation import selectors, services
from vegvis.cooperation.forms import AgreementForm, DisputeForm, PublicFilterForm
from vegvis.cooperation.models import Agreement, Cover, Document, Status
from vegvis.cooperation.navigation import ANY_ROLE
from vegvis.records.files import serve_document_file
from vegvis.statistics import exports


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@requires(*ANY_ROLE)
def register(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    return render(
        request,
        "cooperation/register.html",
        {"rows": selectors.register_list(who), "can_enter": who.has("cooperation.enter_agreement")},
    )


@requires(*ANY_ROLE)
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.agreement_for(who, pk)
    policy = policy_for(Agreement)
    can_review = policy.can(who, "review", found) and found.status != Status.PUBLISHED
    event = getattr(found, "event", None)
    covers = dict(Cover.choices)
    return render(
        request,
        "cooperation/agreement.html",
        {
            "agreement": found,
            "findings": selectors.agreement_findings(found),
            "event": event,
            "event_covers": [str(covers.get(c, c)) for c in event.covers] if event else [],
            "logo_uses": list(found.logo_uses.all()),
            "documents": list(found.documents.all()),
            "versions": list(found.published_versions.order_by("-sequence")),
            "can_correct": policy.can(who, "correct", found),
            "can_review": can_review,
            "can_publish": policy.can(who, "publish", found) and found.status != Status.PUBLISHED,
            "review_open_until": services.review_open_until(found),
        },
    )


def _agreement_form(request: HttpRequest, instance: Agreement | None) -> HttpResponse:
    who = principal(request)
    initial = AgreementForm.initial_from(instance) if instance else {}
    form = AgreementForm(
        request.POST or None, request.FILES or None, initial=initial, suppliers=selectors.supplier_choices(who)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                saved = services.agreement_enter(
                    actor=who, data=form.agreement_data(), signed_pdf=form.cleaned_data["signed_pdf"]
                )
            else:
                saved = services.agreement_correct(
                    actor=who,
                    agreement=instance,
                    version=_version(request),
                    data=form.agreement_data(),
                    signed_pdf=form.cleaned_data["signed_pdf"],
                )
        except services.AgreementRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("cooperation:agreement", pk=saved.pk)
    return render(
        request,
        "cooperation/agreement_form.html",
        {
            "form": form,
            "agreement": instance,
            "title": _("Correct agreement %(number)s") % {"number": instance.number}
            if instance
            else _("New agreement"),
        },
    )


@requires("cooperation.enter_agreement")
def agreement_new(request: HttpRequest) -> HttpResponse:
    return _agreement_form(request, None)


@requires("cooperation.enter_agreement")
def agreement_correct(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.agreement_for(who, pk)
    if not policy_for(Agreement).can(who, "correct", found):
        raise PermissionDenied
    return _agreement_form(request, found)


@require_POST
@requires("cooperation.review_agreement")
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.agreement_for(who, pk)
    if not policy_for(Agreement).can(who, "review", found):
        raise PermissionDenied
    try:
        services.agreement_confirm(actor=who, agreement=found, version=_version(request))
    except services.AgreementRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The organisation has confirmed the agreement."))
    return redirect("cooperation:agreement", pk=found.pk)


@requires("cooperation.review_agreement")
def agreement_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.agreement_for(who, pk)
    if not policy_for(Agreement).can(who, "review", found):
        raise PermissionDenied
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_dispute(
                actor=who, agreement=found, version=_version(request), reason=form.cleaned_data["reason"]
            )
        except services.AgreementRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The organisation has disputed the agreement."))
            return redirect("cooperation:agreement", pk=found.pk)
    return render(request, "cooperation/dispute.html", {"form": form, "agreement": found})


@require_POST
@requires("cooperation.administer_register")
def agreement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = selectors.agreement_for(who, pk)
    try:
        services.agreement_publish(actor=who, agreement=found, version=_version(request))
    except services.AgreementRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The agreement is published."))
    return redirect("cooperation:agreement", pk=found.pk)


@requires(*ANY_ROLE)
def agreement_document(request: HttpRequest, pk: int, document_pk: int) -> Any:
    return serve_document_file(principal(request), Document.objects.select_related("case"), pk=document_pk, case_id=pk)


# ---------------------------------------------------------------- public


def _year(value: int | None) -> int:
    year = value or timezone.localdate().year
    if not 2000 <= year <= 2999:
        raise Http404
    return year


@public
def public_register(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = _year(year)
    form = PublicFilterForm(
        request.GET or None,
        suppliers=selectors.public_suppliers(year),
        organisations=selectors.public_organisations(year),
    )
    filters = selectors.PublicFilter(year=year)
    if form.is_valid():
        filters = selectors.PublicFilter(
            year=year, **{k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        )
    rows = selectors.published(filters)
    return render(
        request,
        "cooperation/public.html",
        {
            "form": form,
            "year": year,
            "this_year": timezone.localdate().year,
            "years": selectors.published_years(),
            "rows": list(rows.select_related("agreement")),
            "tables": public_data.totals_tables(rows, year),
        },
    )


@public
def public_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    year = _year(year)
    rows = selectors.published(selectors.PublicFilter(year=year))
    if fmt == "csv":
        content = exports.csv_bytes(public_data.rows_table(rows, year))
    elif fmt == "json":
        content = exports.json_bytes(public_data.rows_json(rows, year))
    else:
        raise Http404
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="samarbeidsavtaler-{year}.{fmt}"'
    return response
