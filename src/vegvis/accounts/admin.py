from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from vegvis.accounts.models import ApiToken, Role, RoleAssignment, User
from vegvis.core.admin_site import AdministerOnly, admin_site


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["organisation"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_site.has_permission(request)


@admin.register(User, site=admin_site)
class UserAdmin(AdministerOnly, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Role, site=admin_site)
class RoleAdmin(AdministerOnly):
    list_display = ["code", "name_nb", "scope"]
    filter_horizontal = ["permissions"]


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(AdministerOnly):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
