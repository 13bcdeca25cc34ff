"""The register administrator's pages: suppliers' rule sets, patient organisations' home country and budgets,
positions of trust held by supplier employees. Thin: parse, authorise (the rule here, ``policies.may_administer``
in the services), call ``administration``, render. A refused change is shown next to the form, input kept."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegvis.access.rules import principal, requires
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audit_record
from vegvis.cooperation import administration
from vegvis.cooperation.forms import BudgetForm, HomeCountryForm, PositionForm, RuleSetsForm
from vegvis.cooperation.models import OrganisationBudget, PositionOfTrust, SupplierRuleSet
from vegvis.core.models import Organisation

ADMINISTER = "cooperation.administer_register"


def _suppliers() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)
        .prefetch_related(Prefetch("cooperation_rule_sets", queryset=SupplierRuleSet.objects.order_by("rule_set")))
        .order_by("name")
    )


def _organisations() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)
        .prefetch_related(Prefetch("cooperation_budgets", queryset=OrganisationBudget.objects.order_by("-year")))
        .order_by("name")
    )


@requires(ADMINISTER)
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cooperation/admin/overview.html",
        {"suppliers": _suppliers(), "organisations": _organisations()},
    )


@requires(ADMINISTER)
def supplier(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.SUPPLIER)
    current = sorted(SupplierRuleSet.objects.filter(supplier=company).values_list("rule_set", flat=True))
    form = RuleSetsForm(request.POST if request.method == "POST" else None, initial={"rule_sets": current})
    if request.method == "POST" and form.is_valid():
        try:
            administration.rule_sets_set(
                actor=principal(request), supplier=company, rule_sets=form.cleaned_data["rule_sets"]
            )
        except administration.AdministrationRefused as refused:
            form.add_error("rule_sets", str(refused))
        else:
            messages.success(request, _("The supplier's rule sets are saved."))
            return redirect("cooperation:admin_overview")
    return render(request, "cooperation/admin/supplier.html", {"supplier": company, "form": form})


@requires(ADMINISTER)
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.PATIENT_ORGANISATION)
    who = principal(request)
    action = request.POST.get("action") if request.method == "POST" else None
    country_form = HomeCountryForm(
        request.POST if action == "country" else None, initial={"country": str(found.country)}, prefix="country"
    )
    budget_form = BudgetForm(
        request.POST if action == "budget" else None,
        initial={"year": timezone.localdate().year},
        prefix="budget",
    )
    if action == "country" and country_form.is_valid():
        try:
            administration.home_country_set(actor=who, organisation=found, country=country_form.cleaned_data["country"])
        except administration.AdministrationRefused as refused:
            country_form.add_error("country", str(refused))
        else:
            messages.success(request, _("The home country is saved."))
            return redirect("cooperation:admin_organisation", pk=found.pk)
    if action == "budget" and budget_form.is_valid():
        try:
            administration.budget_set(
                actor=who,
                organisation=found,
                year=budget_form.cleaned_data["year"],
                amount=budget_form.cleaned_data["amount"],
            )
        except administration.AdministrationRefused as refused:
            budget_form.add_error("amount", str(refused))
        else:
            messages.success(request, _("The budget is saved."))
            return redirect("cooperation:admin_organisation", pk=found.pk)
    return render(
        request,
        "cooperation/admin/organisation.html",
        {
            "organisation": found,
            "country_form": country_form,
            "budget_form": budget_form,
            "budgets": list(OrganisationBudget.objects.filter(organisation=found).order_by("-year")),
        },
    )


@requires(ADMINISTER)
def positions(request: HttpRequest) -> HttpResponse:
    rows = list(
        PositionOfTrust.objects.select_related("employee__supplier", "organisation").order_by(
            "employee__supplier__name", "employee__name", "starts_on", "pk"
        )
    )
    # The names of supplier employees are personal data: the read is audited (who saw the list, not the names).
    audit_record(
        principal=principal(request),
        action=AuditEntry.Action.READ,
        label="cooperation: positions of trust",
        detail={"positions": len(rows)},
    )
    return render(request, "cooperation/admin/positions.html", {"positions": rows})


def _position_form(request: HttpRequest, position: PositionOfTrust | None) -> HttpResponse:
    initial = (
        {
            "supplier": position.employee.supplier_id,
            "employee_name": position.employee.name,
            "organisation": position.organisation_id,
            "role": position.role,
            "starts_on": position.starts_on,
            "ends_on": position.ends_on,
        }
        if position
        else {}
    )
    form = PositionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = administration.PositionData(**form.cleaned_data)
        try:
            administration.position_save(actor=principal(request), data=data, position=position)
        except administration.AdministrationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The position of trust is saved."))
            return redirect("cooperation:admin_positions")
    return render(request, "cooperation/admin/position_form.html", {"form": form, "position": position})


@requires(ADMINISTER)
def position_new(request: HttpRequest) -> HttpResponse:
    return _position_form(request, None)


@requires(ADMINISTER)
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(PositionOfTrust.objects.select_related("employee"), pk=pk)
    if request.method == "GET":
        audit_record(
            principal=principal(request),
            action=AuditEntry.Action.READ,
            obj=position,
            label=f"cooperation: position of trust {position.pk}",
        )
    return _position_form(request, position)


@require_POST
@requires(ADMINISTER)
def position_delete(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(PositionOfTrust, pk=pk)
    administration.position_delete(actor=principal(request), position=position)
    messages.success(request, _("The position of trust is removed."))
    return redirect("cooperation:admin_positions")
