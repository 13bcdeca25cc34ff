"""The administration pages (Django admin) for reference data, users and roles.

Only models without patients' data are registered here. Entry is decided by the permission layer:
``accounts.administer`` (system administrators). Cases and persons are handled in Vegvis' own pages,
where every read is audited.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
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

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Vegvis' login page for visitors, and 403 (audited) for users without the permission, instead of the
        admin's own login form (which only knows Django's is_staff)."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            who = principal(request)
            if not who.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not self.has_permission(request):
                from vegvis.audit.services import audit_denied

                audit_denied(who, label=request.path[:200], detail={"needs": [self.access_permission]})
                raise PermissionDenied
            if request.method == "POST":
                # Django's admin opens its own transaction for a change and audits inside it (log_change and the
                # account admin's entries): opened here first, the chain head is the first lock it takes.
                from vegvis.audit.services import audited_atomic

                with audited_atomic():
                    return inner(request, *args, **kwargs)
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if principal(request).is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", reverse(f"{self.name}:index")), settings.LOGIN_URL)


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

    # Every change made here also goes into the hash-chained audit trail (vegvis.audit), in the same transaction
    # as the change: Django's own admin log (LogEntry) is an ordinary, mutable table.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        _audit_admin(request, "create", obj, message)
        return entry

    # Fields whose old and new values the audit entry of a change holds (reference data, never a secret).
    audited_values: tuple[str, ...] = ()

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        if not add:
            setattr(request, _CHANGED_VALUES, self.changed_values(form))
        return super().construct_change_message(request, form, formsets, add)

    def changed_values(self, form: Any) -> dict[str, list[Any]]:
        """{field: [old, new]} of the ``audited_values`` the form changed."""
        return {
            name: [_plain_value(form.initial.get(name)), _plain_value(form.cleaned_data.get(name))]
            for name in form.changed_data
            if name in self.audited_values
        }

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        _audit_admin(request, "update", obj, message, changes=getattr(request, _CHANGED_VALUES, None))
        return entry

    def response_action(self, request: HttpRequest, queryset: Any, *args: Any, **kwargs: Any) -> Any:
        """Actions (delete selected, reset second factor, revoke tokens) change and audit in one transaction."""
        from vegvis.audit.services import audited_atomic

        with audited_atomic():
            return super().response_action(request, queryset, *args, **kwargs)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            _audit_admin(request, "delete", obj, [])
        return entries


_CHANGED_VALUES = "_vegvis_admin_changed_values"


def _plain_value(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool | date | Decimal) else str(value)


def _audit_admin(
    request: HttpRequest, action: str, obj: Any, message: Any, *, changes: dict[str, Any] | None = None
) -> None:
    from vegvis.audit.services import audit_record

    detail: dict[str, Any] = {"admin": message if isinstance(message, list) else str(message)}
    if changes:
        detail["changes"] = changes
    audit_record(principal=principal(request), action=action, obj=obj, label=str(obj), detail=detail)
