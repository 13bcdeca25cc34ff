"""Writes for users, roles and API tokens."""

from __future__ import annotations

import secrets
from datetime import date

from django.utils import timezone

from vegvis.access.principal import Principal
from vegvis.accounts.models import ApiToken, Role, RoleAssignment, User
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core.models import Office, Organisation


def user_create(
    *,
    actor: Principal | None,
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
    actor: Principal | None,
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


def api_token_issue(*, actor: Principal, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear key is returned once and never stored."""
    key = "vgv_" + secrets.token_urlsafe(32)
    with audited_atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[4:12])
        audit_record(principal=actor, action=Action.CREATE, obj=token, label=f"API token {token.prefix}")
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
            detail={"revoked": True},
        )
