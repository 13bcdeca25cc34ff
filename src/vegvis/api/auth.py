"""API authentication: a bearer token (for other systems) or the browser session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from vegvis.accounts.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A bearer token that is not revoked, not expired (every token has an expiry) and of an active user.

    A read-only token may only read: any other method is refused with 403 (and audited), whatever its owner's
    permissions.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .filter(expires_at__gt=now)
            .first()
        )
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            from vegvis.access.principal import principal_for
            from vegvis.audit.services import audit_denied

            audit_denied(
                principal_for(found.user),
                obj=found,
                label=request.path[:200],
                detail={"token_scope": found.scope, "method": request.method},
            )
            raise PermissionDenied("A read-only API token cannot change anything")
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.auth_user = found.user  # type: ignore[attr-defined]
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The browser's login session: CSRF-checked on unsafe methods, and only once past the second factor."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a logged-in session there is nothing for CSRF to protect: the caller is unauthenticated (401),
        # not refused (403), also when it sent a revoked or mistyped bearer token.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and settings.VEGVIS_REQUIRE_2FA and not _is_verified(user):
            return None  # the pages send such a user to the second factor; the API answers 401
        if user is not None:
            request.auth_user = user  # type: ignore[attr-defined]
        return user


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's middleware
    return bool(is_verified and is_verified())
