from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vegvis.core.admin_site import AdministerOnly, admin_site
from vegvis.core.models import ExchangeRate, Icd10Supplement, LegalDeadline, Office, Organisation, Region


@admin.register(Region, site=admin_site)
class RegionAdmin(AdministerOnly):
    list_display = ["name", "code", "order"]


@admin.register(Office, site=admin_site)
class OfficeAdmin(AdministerOnly):
    list_display = ["name", "code", "health_trust"]
    # Check boxes in a fieldset, not the filter_horizontal widget (its icons carry aria-label without a role).
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(AdministerOnly):
    list_display = ["name", "kind", "city", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city"]


@admin.register(Icd10Supplement, site=admin_site)
class Icd10SupplementAdmin(AdministerOnly):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]


@admin.register(ExchangeRate, site=admin_site)
class ExchangeRateAdmin(AdministerOnly):
    list_display = ["currency", "date", "nok_per_unit", "source"]
    list_filter = ["currency"]
    date_hierarchy = "date"


@admin.register(LegalDeadline, site=admin_site)
class LegalDeadlineAdmin(AdministerOnly):
    """The deadlines the systems compute due dates from. An administrator changes a period when the law or the
    practice changes; the next due date computed follows it, and the audit entry holds the old and new period.
    The key is what the code reads a deadline by, so it stays, and rows are neither added nor deleted here (the
    systems' migrations seed them)."""

    list_display = ["name", "period", "legal_reference", "key"]
    fields = ["key", "name", "amount", "unit", "legal_reference"]
    readonly_fields = ["key"]
    audited_values = ("name", "amount", "unit", "legal_reference")

    @admin.display(description=_("period"))
    def period(self, obj: LegalDeadline) -> str:
        return obj.period

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changed_values(self, form: Any) -> dict[str, list[Any]]:
        changes = super().changed_values(form)
        if {"amount", "unit"} & set(changes):
            # In the unit's code, not the page's language: the trail reads the same whatever language wrote it.
            changes["period"] = [
                f"{form.initial['amount']} {form.initial['unit']}",
                f"{form.cleaned_data['amount']} {form.cleaned_data['unit']}",
            ]
        return changes
