"""Default roles, kept as data.

Each app may declare ``ROLES`` (new roles) and ``GRANTS`` (permissions for existing roles) in its own
``roles.py``. After every ``migrate`` the defaults are brought in: missing roles are created and default
permissions not yet seeded are added, once. An administrator's later changes to a role are never undone,
because every seeded (role, permission) pair is remembered in ``SeededGrant``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name_nb: str
    name_en: str
    scope: str
    description_nb: str = ""
    home_order: int = 100
    permissions: tuple[str, ...] = field(default_factory=tuple)


# The roles every system shares; each app declares its own in its roles.py.
ROLES = [
    RoleSpec(
        code="system_administrator",
        name_nb="Systemadministrator",
        name_en="System administrator",
        scope="global",
        description_nb="Forvalter brukere, roller og referansedata, og kontrollerer revisjonssporet.",
        home_order=40,
        # Not core.view_access_log: a person's access log names the person, and the administrator, who may not
        # open cases, would read every patient's name by counting through the ids (accounts migration 0002).
        permissions=("accounts.administer", "audit.verify_audit"),
    ),
    RoleSpec(
        code="privacy_officer",
        name_nb="Personvernombud",
        name_en="Privacy officer",
        scope="global",
        description_nb=(
            "Gjennomgår nødtilganger og svarer på pasienters innsynskrav i hvem som har sett opplysningene deres."
        ),
        home_order=35,
        permissions=("core.view_access_log", "access.review_emergency_access"),
    ),
]

GRANTS: dict[str, tuple[str, ...]] = {}


def declared_roles() -> list[RoleSpec]:
    """Every role the installed apps declare (their ``roles.py`` ``ROLES``), in the order of INSTALLED_APPS."""
    return _declarations()[0]


def _declarations() -> tuple[list[RoleSpec], dict[str, list[str]]]:
    roles: list[RoleSpec] = []
    grants: dict[str, list[str]] = {}
    for config in global_apps.get_app_configs():
        if not config.name.startswith("vegvis."):
            continue
        try:
            module: Any = importlib.import_module(f"{config.name}.roles")
        except ModuleNotFoundError:
            continue
        roles.extend(getattr(module, "ROLES", []))
        for code, perms in getattr(module, "GRANTS", {}).items():
            grants.setdefault(code, []).extend(perms)
    for spec in roles:
        grants.setdefault(spec.code, []).extend(spec.permissions)
    return roles, grants


def sync_default_roles(sender: Any = None, apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Create the declared roles and seed each declared permission once (post_migrate handler)."""
    from django.contrib.auth.models import Permission

    from vegvis.accounts.models import Role, SeededGrant

    roles, grants = _declarations()
    with transaction.atomic(using=using):
        for spec in roles:
            Role.objects.using(using).get_or_create(
                code=spec.code,
                defaults={
                    "name_nb": spec.name_nb,
                    "name_en": spec.name_en,
                    "scope": spec.scope,
                    "description_nb": spec.description_nb,
                    "home_order": spec.home_order,
                },
            )
        seeded = set(SeededGrant.objects.using(using).values_list("role_code", "permission"))
        for code, perms in grants.items():
            role = Role.objects.using(using).filter(code=code).first()
            if role is None:
                continue
            for name in perms:
                if (code, name) in seeded:
                    continue
                app_label, codename = name.split(".", 1)
                perm = (
                    Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
                )
                if perm is None:
                    continue  # its app is not migrated yet; a later migrate seeds it
                role.permissions.add(perm)
                SeededGrant.objects.using(using).create(role_code=code, permission=name)
