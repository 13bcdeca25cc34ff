"""Session idle timeout and the second-factor requirement for staff."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
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
                # This middleware runs outside MessageMiddleware, so it stores its message itself.
                notice = default_storage(request)
                notice.add(messages.INFO, _("You were logged out after a period of inactivity."))
                response = redirect(f"{reverse('accounts:login')}?next={request.path}")
                notice.update(response)
                return response
            if now - last >= TOUCH_INTERVAL or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Where VEGVIS_REQUIRE_2FA is on (production), a logged-in user must pass TOTP before anything else."""

    # The API refuses sessions without the second factor itself (api/auth.py), with 401 rather than a redirect.
    ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz", "/api/")
    # Only the pages that finish or abandon logging in; not the rest of /konto/, where API tokens are made.
    ALLOWED_VIEWS = ("accounts:login", "accounts:logout", "accounts:otp_setup", "accounts:otp_verify")

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
            and request.path not in {reverse(name) for name in self.ALLOWED_VIEWS}
        ):
            from django_otp import user_has_device

            target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
