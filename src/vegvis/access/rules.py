"""Access rules for views and API operations: every one declares who may call it.

The authorization test walks every URL and API operation and fails on one without a rule, so a new page
cannot be added without deciding who may see it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from vegvis.access.principal import Principal, principal_for

if TYPE_CHECKING:
    from vegvis.accounts.models import User

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    permissions: tuple[str, ...] = ()  # any one of them is enough; empty = any logged-in user

    def allows(self, principal: Principal) -> bool:
        if self.public:
            return True
        if not principal.is_authenticated:
            return False
        return not self.permissions or principal.has_any(*self.permissions)


class NotAuthenticated(Exception):
    """The caller must log in (views redirect, the API answers 401)."""


def principal(request: HttpRequest) -> Principal:
    """The principal of a request, however it authenticated (session or API token)."""
    cached = getattr(request, "_vegvis_principal", None)
    if cached is None:
        cached = principal_for(getattr(request, "auth_user", None) or getattr(request, "user", None))
        request._vegvis_principal = cached  # type: ignore[attr-defined]
    return cached


def _guard(rule: AccessRule, *, api: bool) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            who = principal(request)
            if not rule.allows(who):
                if not who.is_authenticated:
                    if api:
                        raise NotAuthenticated
                    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
                from vegvis.audit.services import audit_denied

                audit_denied(who, label=request.path[:200], detail={"needs": list(rule.permissions)})
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_rule = rule  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Open to everyone, without login. Such pages must never show personal data."""
    return _guard(AccessRule(public=True), api=False)(view)


def logged_in(view: F) -> F:
    return _guard(AccessRule(), api=False)(view)


def requires(*permissions: str, api: bool = False) -> Callable[[F], F]:
    """The caller must hold at least one of the permissions (in some scope; objects are checked by policies)."""
    return _guard(AccessRule(permissions=permissions), api=api)


def api_requires(*permissions: str) -> Callable[[F], F]:
    return requires(*permissions, api=True)


def api_logged_in(view: F) -> F:
    return _guard(AccessRule(), api=True)(view)


def current_user(request: HttpRequest) -> User:
    """The logged-in user of a view that has passed its access rule."""
    user = principal(request).user
    if user is None:
        raise NotAuthenticated
    return user


def rule_of(view: Callable[..., Any]) -> AccessRule | None:
    return getattr(view, "access_rule", None)


def api_public(view: F) -> F:
    """An API operation open to everyone, without login (declare it with ``auth=None``). It must never show
    personal data."""
    return _guard(AccessRule(public=True), api=True)(view)
