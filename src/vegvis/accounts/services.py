"""Writes for users, roles and API tokens."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegvis.access.principal import Principal
from vegvis.accounts.models import ApiToken, Role, RoleAssignment, User
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core.models import Office, Organisation


def user_create(
    *,
    actor: Principal,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    with audited_atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(principal=actor, action=Action.CREATE, obj=user, label=username)
    return user


def role_assign(
    *,
    actor: Principal,
    user: User,
    role_code: str,
    office: Office | None = None,
    organisation: Organisation | None = None,
    valid_from: date | None = None,
) -> RoleAssignment:
    role = Role.objects.get(code=role_code)
    if role.scope == Role.Scope.OFFICE and office is None:
        raise ValueError(f"The role {role_code} needs an office")
    if role.scope == Role.Scope.ORGANISATION and organisation is None:
        raise ValueError(f"The role {role_code} needs an organisation")
    with audited_atomic():
        assignment, _created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            office=office,
            organisation=organisation,
            defaults={"valid_from": valid_from or timezone.localdate()},
        )
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={"role_assigned": role_code, "office": office.code if office else None},
        )
    user.__dict__.pop("_vegvis_principal", None)
    return assignment


def api_token_issue(
    *,
    actor: Principal,
    user: User,
    name: str,
    scope: str = ApiToken.Scope.READ,
    lifetime_days: int = ApiToken.DEFAULT_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """Create a token with a scope and an expiry; the clear key is returned once and never stored."""
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"Unknown token scope {scope!r}")
    if not 1 <= lifetime_days <= ApiToken.MAX_LIFETIME_DAYS:
        raise ValueError(f"A token lives 1 to {ApiToken.MAX_LIFETIME_DAYS} days, not {lifetime_days}")
    key = "vgv_" + secrets.token_urlsafe(32)
    with audited_atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            expires_at=timezone.now() + timedelta(days=lifetime_days),
            key_hash=ApiToken.hash_key(key),
            prefix=key[4:12],
        )
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=token,
            label=f"API token {token.prefix}",
            detail={"user": user.username, "scope": scope, "expires_at": token.expires_at},
        )
    return token, key


def api_token_revoke(*, actor: Principal, token: ApiToken) -> None:
    with audited_atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=token,
            label=f"API token {token.prefix}",
            detail={"revoked": True, "user": token.user.username},
        )


def user_audit_admin_roles(
    *,
    actor: Principal,
    user: User,
    granted: list[RoleAssignment],
    changed: list[RoleAssignment],
    revoked: list[RoleAssignment],
) -> None:
    """Audit entries for role assignments an administrator added, changed or removed on the user form.

    Called inside the form's transaction, after the formset saved them; one entry per grant or revocation.
    """
    for assignment, key in [*((a, "role_assigned") for a in granted), *((a, "role_changed") for a in changed)]:
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={
                key: assignment.role.code,
                "office": assignment.office.code if assignment.office else None,
                "organisation": assignment.organisation_id,
                "valid_from": assignment.valid_from,
                "valid_until": assignment.valid_until,
            },
        )
    for assignment in revoked:
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={
                "role_revoked": assignment.role.code,
                "office": assignment.office.code if assignment.office else None,
                "organisation": assignment.organisation_id,
            },
        )
    user.__dict__.pop("_vegvis_principal", None)


def user_audit_admin_change(*, actor: Principal, user: User, was_active: bool | None, password_changed: bool) -> None:
    """Audit entries for what an administrator changed on a user beyond the admin's own change record:
    activation or deactivation, and a new (or disabled) password. Called inside the admin's transaction."""
    if was_active is not None and was_active != user.is_active:
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={"activated" if user.is_active else "deactivated": True},
        )
    if password_changed:
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={"password_changed": "admin" if user.has_usable_password() else "admin_disabled"},
        )


def user_password_change(*, actor: Principal, user: User, new_password: str) -> None:
    """A user changes their own password (the old one already checked by the form)."""
    with audited_atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(
            principal=actor, action=Action.UPDATE, obj=user, label=user.username, detail={"password_changed": "self"}
        )


def otp_device_confirm(*, actor: Principal, device: TOTPDevice) -> None:
    """A user has proved a new authenticator app with a code: it becomes their device, replacing any other.

    The caller (the set-up page) has checked that the user may enrol: no device yet, a session already past the
    second factor, or devices removed by an administrator's reset. The entry names the kind of device, never
    its secret.
    """
    user = device.user
    with audited_atomic():
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).count()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={"second_factor_enrolled": "totp", "device": device.persistent_id, "replaced": replaced},
        )


def otp_reset(*, actor: Principal, user: User) -> int:
    """An administrator removes all of a user's second-factor devices; the user enrols anew at next login."""
    with audited_atomic():
        removed = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=user,
            label=user.username,
            detail={"second_factor_reset": True, "devices_removed": removed},
        )
    return removed
