"""Who is asking, and with which permissions in which scope: built once per request from role assignments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from vegvis.accounts.models import Role, User


@dataclass
class Grant:
    """Where one permission applies for this user."""

    everywhere: bool = False
    office_ids: set[int] = field(default_factory=set)
    organisation_ids: set[int] = field(default_factory=set)
    assigned: bool = False  # only objects assigned to the user (e.g. a medical adviser's assessments)


@dataclass
class Principal:
    user: User | None
    grants: dict[str, Grant] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    office_ids: set[int] = field(default_factory=set)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    def has(self, permission: str) -> bool:
        return permission in self.grants

    def has_any(self, *permissions: str) -> bool:
        return any(p in self.grants for p in permissions)

    def grant(self, permission: str) -> Grant:
        return self.grants.get(permission, Grant())

    @property
    def role_codes(self) -> list[str]:
        return [r.code for r in self.roles]

    @property
    def primary_role(self) -> Role | None:
        return self.roles[0] if self.roles else None

    @property
    def audit_role(self) -> str:
        return ",".join(self.role_codes)


ANONYMOUS = Principal(user=None)


class SystemPrincipal(Principal):
    """The application acting on its own account, not a person: background tasks, the importer's and the demo's
    own writes, test factories. Explicit where ``None`` used to stand for it: it passes every permission check by
    design (a grant everywhere, as the operator at the shell has), and the audit trail records it as «system»,
    with no user, role or office, exactly as an action without a principal was recorded before."""

    def __init__(self, name: str = "system") -> None:
        super().__init__(user=None)
        self.name = name

    @property
    def is_authenticated(self) -> bool:
        return True

    def has(self, permission: str) -> bool:
        return True

    def has_any(self, *permissions: str) -> bool:
        return True

    def grant(self, permission: str) -> Grant:
        return Grant(everywhere=True)


SYSTEM = SystemPrincipal()


def principal_for(user: User | None) -> Principal:
    """The user's principal, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Principal | None = getattr(user, "_vegvis_principal", None)
    if cached is not None:
        return cached
    from vegvis.accounts.models import Role, RoleAssignment

    today = timezone.localdate()
    # One query for the assignments, their roles and the roles' permissions (a row per permission), not three:
    # this runs on every request, and its cost was a tenth of the worklist's (docs/performance.md).
    role_fields = [f.attname for f in Role._meta.concrete_fields]
    rows = (
        RoleAssignment.objects.filter(user=user, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("role__home_order", "pk", "role__permissions__pk")
        .values_list(
            "office_id",
            "organisation_id",
            *(f"role__{name}" for name in role_fields),
            "role__permissions__content_type__app_label",
            "role__permissions__codename",
        )
    )
    principal = Principal(user=user)
    roles: dict[int, Role] = {}
    for office_id, organisation_id, *values in rows:
        app_label, codename = values[-2], values[-1]
        role_values = dict(zip(role_fields, values[:-2], strict=True))
        role = roles.get(role_values["id"])
        if role is None:
            role = roles[role_values["id"]] = Role(**role_values)
            role._state.adding = False
            role._state.db = RoleAssignment.objects.db
            principal.roles.append(role)
        if office_id:
            principal.office_ids.add(office_id)
        if codename is None:  # a role without permissions
            continue
        grant = principal.grants.setdefault(f"{app_label}.{codename}", Grant())
        if role.scope == role.Scope.GLOBAL:
            grant.everywhere = True
        elif role.scope == role.Scope.OFFICE and office_id:
            grant.office_ids.add(office_id)
        elif role.scope == role.Scope.ORGANISATION and organisation_id:
            grant.organisation_ids.add(organisation_id)
        elif role.scope == role.Scope.ASSIGNED:
            grant.assigned = True
    user._vegvis_principal = principal  # type: ignore[attr-defined]
    return principal
