from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vegvis.access.rules import principal
from vegvis.accounts import services
from vegvis.accounts.models import ApiToken, Role, RoleAssignment, User
from vegvis.audit.services import audited_atomic
from vegvis.core.admin_site import AdministerOnly, admin_site


class RoleAssignmentInline(admin.StackedInline):
    """Stacked, not tabular: each field keeps its own label (a tabular inline's fields have only column
    headings, which leaves them unnamed for screen readers); a plain select, as select2's autocomplete box has
    no accessible name."""

    model = RoleAssignment
    extra = 1

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
    """Users and their roles. Besides the admin's own change record (audited by AdministerOnly), activation,
    deactivation, new passwords, role grants and revocations and second-factor resets each get an entry in the
    hash-chained audit trail, in the same transaction as the change."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_second_factor"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        services.user_audit_admin_change(
            actor=principal(request), user=obj, was_active=was_active, password_changed=False
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is RoleAssignment:
            services.user_audit_admin_roles(
                actor=principal(request),
                user=form.instance,
                granted=list(formset.new_objects),
                changed=[assignment for assignment, _fields in formset.changed_objects],
                revoked=list(formset.deleted_objects),
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's password form, with the new password audited in the same transaction."""
        with audited_atomic():
            hashes = User.objects.filter(pk=unquote(id)).values_list("password", flat=True)
            before = hashes.first()
            response = super().user_change_password(request, id, form_url)
            if before is not None and hashes.first() != before:
                services.user_audit_admin_change(
                    actor=principal(request),
                    user=User.objects.get(pk=unquote(id)),
                    was_active=None,
                    password_changed=True,
                )
        return response

    @admin.action(description=_("Reset second factor (the user sets up the authenticator app again)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        who = principal(request)
        users = list(queryset)
        for user in users:
            services.otp_reset(actor=who, user=user)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d user was reset.",
                "The second factor of %(count)d users was reset.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


@admin.register(Role, site=admin_site)
class RoleAdmin(AdministerOnly):
    list_display = ["code", "name_nb", "scope"]
    # Check boxes in a fieldset, not the filter_horizontal widget (its icons carry aria-label without a role).
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(AdministerOnly):
    """Tokens are made by their owners (the key is shown only to them); an administrator can see and revoke."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "name", "scope", "key_hash", "prefix", "created_at", "expires_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        who = principal(request)
        tokens = list(queryset.filter(revoked_at__isnull=True).select_related("user"))
        for token in tokens:
            services.api_token_revoke(actor=who, token=token)
        self.message_user(
            request,
            ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
