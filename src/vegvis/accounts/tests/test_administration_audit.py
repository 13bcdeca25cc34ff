"""Administration in the hash-chained audit trail (issue 10 item 5): role grants and revocations, activation and
deactivation, passwords set by an administrator, API tokens and every other change made in the admin pages.

Each test performs the change through the admin site with a verified system administrator's session and asserts
the entry, and that the chain still verifies.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from vegvis.access.principal import principal_for
from vegvis.accounts.models import Role, User
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.core.models import Office

USERS = "/forvaltning/accounts/user/"


@pytest.fixture
def admin_client(sysadmin: User, login: Any) -> Client:
    return login(sysadmin)


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    """The user change form as the browser sends it, with the user's role assignments as inline rows."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
    }
    assignments = list(user.assignments.order_by("pk"))
    data.update(
        {
            "assignments-TOTAL_FORMS": str(len(assignments)),
            "assignments-INITIAL_FORMS": str(len(assignments)),
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        }
    )
    for i, a in enumerate(assignments):
        data.update(
            {
                f"assignments-{i}-id": str(a.pk),
                f"assignments-{i}-user": str(user.pk),
                f"assignments-{i}-role": str(a.role_id),
                f"assignments-{i}-office": str(a.office_id or ""),
                f"assignments-{i}-organisation": str(a.organisation_id or ""),
                f"assignments-{i}-valid_from": a.valid_from.isoformat(),
                f"assignments-{i}-valid_until": a.valid_until.isoformat() if a.valid_until else "",
            }
        )
    if not data["is_active"]:
        del data["is_active"]
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def entries(**detail: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**{f"detail__{k}": v for k, v in detail.items()}))


@pytest.mark.django_db
def test_deactivating_and_activating_a_user_is_in_the_chain(admin_client, sysadmin, case_handler):
    off = admin_client.post(f"{USERS}{case_handler.pk}/change/", user_form(case_handler, is_active=None))
    case_handler.refresh_from_db()
    assert off.status_code == 302 and not case_handler.is_active

    on = admin_client.post(f"{USERS}{case_handler.pk}/change/", user_form(case_handler, is_active="on"))
    case_handler.refresh_from_db()
    assert on.status_code == 302 and case_handler.is_active

    [deactivated] = entries(deactivated=True)
    [activated] = entries(activated=True)
    for entry in (deactivated, activated):
        assert entry.actor_id == sysadmin.pk and entry.object_id == str(case_handler.pk)
    assert deactivated.seq < activated.seq
    assert verify_chain().ok


@pytest.mark.django_db
def test_granting_and_revoking_a_role_is_in_the_chain(admin_client, sysadmin, case_handler):
    lead = Role.objects.get(code="office_lead")
    ous = Office.objects.get(code="ous")
    form = user_form(case_handler)
    n = int(form["assignments-TOTAL_FORMS"])
    form.update(
        {
            "assignments-TOTAL_FORMS": str(n + 1),
            f"assignments-{n}-user": str(case_handler.pk),
            f"assignments-{n}-role": str(lead.pk),
            f"assignments-{n}-office": str(ous.pk),
            f"assignments-{n}-valid_from": "2026-01-01",
        }
    )

    granted = admin_client.post(f"{USERS}{case_handler.pk}/change/", form)

    assert granted.status_code == 302, granted.context and granted.context["errors"]
    [grant] = entries(role_assigned="office_lead")
    assert grant.actor_id == sysadmin.pk and grant.detail["office"] == "ous"

    form = user_form(case_handler)
    row = next(k for k, v in form.items() if k.endswith("-role") and v == str(lead.pk))
    form[row.replace("-role", "-DELETE")] = "on"
    revoked = admin_client.post(f"{USERS}{case_handler.pk}/change/", form)

    assert revoked.status_code == 302
    assert not case_handler.assignments.filter(role=lead).exists()
    [revocation] = entries(role_revoked="office_lead")
    assert revocation.actor_id == sysadmin.pk and revocation.object_id == str(case_handler.pk)
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_password_set_by_an_administrator_is_in_the_chain_without_the_password(admin_client, sysadmin, case_handler):
    new_password = "Another-long-passphrase-42"

    response = admin_client.post(
        f"{USERS}{case_handler.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )

    assert response.status_code == 302
    case_handler.refresh_from_db()
    assert case_handler.check_password(new_password)
    [entry] = entries(password_changed="admin")
    assert entry.actor_id == sysadmin.pk and entry.object_id == str(case_handler.pk)
    assert new_password not in str(AuditEntry.objects.values_list("detail", flat=True))
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_refused_admin_password_form_writes_no_entry(admin_client, case_handler):
    response = admin_client.post(
        f"{USERS}{case_handler.pk}/password/", {"password1": "one-thing-1234", "password2": "another-9876"}
    )

    assert response.status_code == 200
    assert not entries(password_changed="admin")


@pytest.mark.django_db
def test_creating_a_user_in_the_admin_is_in_the_chain(admin_client, sysadmin):
    response = admin_client.post(
        f"{USERS}add/",
        {
            "username": "new.person",
            "password1": "A-long-first-password-77",
            "password2": "A-long-first-password-77",
            "usable_password": "true",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="new.person")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_type="accounts.user", object_id=user.pk)
    assert entry.actor_id == sysadmin.pk


@pytest.mark.django_db
def test_revoking_a_token_in_the_admin_is_in_the_chain_and_the_token_stops_working(
    admin_client, sysadmin, case_handler, client
):
    token, key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="hospital system")
    [issued] = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="accounts.apitoken")
    assert issued.detail["scope"] == "read" and issued.detail["expires_at"]

    response = admin_client.post(
        "/forvaltning/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked = AuditEntry.objects.get(object_type="accounts.apitoken", detail__revoked=True)
    assert revoked.actor_id == sysadmin.pk
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code == 401
    assert verify_chain().ok


@pytest.mark.django_db
def test_changing_a_role_s_permissions_in_the_admin_is_in_the_chain(admin_client, sysadmin):
    role = Role.objects.get(code="network_analyst")
    permissions = [str(pk) for pk in role.permissions.values_list("pk", flat=True)][1:]

    response = admin_client.post(
        f"/forvaltning/accounts/role/{role.pk}/change/",
        {
            "code": role.code,
            "name_nb": role.name_nb,
            "name_en": role.name_en,
            "description_nb": role.description_nb,
            "scope": role.scope,
            "permissions": permissions,
            "home_order": role.home_order,
        },
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_type="accounts.role")
    assert entry.actor_id == sysadmin.pk
    assert entry.detail["admin"] == [{"changed": {"fields": ["Permissions"]}}]


@pytest.mark.django_db
def test_deleting_in_the_admin_is_in_the_chain(admin_client, sysadmin, case_handler):
    token, _key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="old system")

    response = admin_client.post(f"/forvaltning/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not case_handler.api_tokens.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_type="accounts.apitoken")
    assert entry.actor_id == sysadmin.pk and entry.object_id == str(token.pk)
    assert verify_chain().ok
