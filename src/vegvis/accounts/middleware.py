"""Session idle timeout and the second-factor requirement for staff."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LAST_SEEN = "vegvis_last_seen"
# Only rewrite the session when a minute has passed, so most requests do not write to the database.
TOUCH_INTERVAL = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN, now)
            if now - last > settings.VEGVIS_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if now - last >= TOUCH_INTERVAL or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Where VEGVIS_REQUIRE_2FA is on (production), a logged-in user must pass TOTP before anything else."""

    ALLOWED_PREFIXES = ("/konto/", "/static/", "/i18n/", "/healthz", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.VEGVIS_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from django_otp import user_has_device

            target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
