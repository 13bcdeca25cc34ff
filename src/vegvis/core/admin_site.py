"""The administration pages (Django admin) for reference data, users and roles.

Only models without patients' data are registered here. Entry is decided by the permission layer:
``accounts.administer`` (system administrators). Cases and persons are handled in Vegvis' own pages,
where every read is audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vegvis.access.rules import principal

ADMIN_PERMISSION = "accounts.administer"


class VegvisAdminSite(admin.AdminSite):
    site_header = _("Vegvis administration")
    site_title = _("Vegvis administration")
    index_title = _("Reference data, users and roles")
    access_permission = ADMIN_PERMISSION

    def has_permission(self, request: HttpRequest) -> bool:
        return principal(request).has(self.access_permission)


admin_site = VegvisAdminSite(name="vegvis_admin")


class AdministerOnly(admin.ModelAdmin):
    """Model admin whose every action is allowed exactly when the site is."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return admin_site.has_permission(request)
