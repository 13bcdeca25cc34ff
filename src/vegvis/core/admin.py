from django import forms
from django.contrib import admin
from django.db import models

from vegvis.core.admin_site import AdministerOnly, admin_site
from vegvis.core.models import ExchangeRate, Icd10Supplement, Office, Organisation, Region


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
