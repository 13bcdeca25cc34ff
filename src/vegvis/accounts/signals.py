"""Logins, logouts and failed logins go to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vegvis.access.principal import principal_for
from vegvis.audit.services import Action, audit_record


@receiver(user_logged_in, dispatch_uid="vegvis-audit-login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(principal=principal_for(user), action=Action.LOGIN)


@receiver(user_logged_out, dispatch_uid="vegvis-audit-logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(principal=principal_for(user), action=Action.LOGOUT)


@receiver(user_login_failed, dispatch_uid="vegvis-audit-login-failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_record(
        principal=None,
        action=Action.LOGIN_FAILED,
        actor_name="anonymous",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )
