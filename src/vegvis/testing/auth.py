"""Logging in for tests as production does: password, then the second factor (VEGVIS_REQUIRE_2FA is on).

Tests log users in only through these helpers (or the ``login`` fixture, which uses them), never with a bare
``client.force_login``: a session from ``force_login`` alone has not passed the second factor, and every page
would send it to the verification page, as production does.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegvis.accounts.models import User

DEVICE_NAME = "test authenticator app"


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app (made on first use), as if they had enrolled it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """The six digits the authenticator app shows, computed from the device's secret.

    The device accepts each time step once (replay protection). When the current step's code was already used
    (a second login within 30 seconds), this is the next step's code, which the device accepts within its
    tolerance, as it would from an app whose clock runs a little ahead.
    """
    device.refresh_from_db()
    current_t = int((time.time() - device.t0) // device.step) + device.drift
    ahead = max(0, device.last_t + 1 - current_t)
    if ahead > device.tolerance:
        raise AssertionError(f"{device} was used {ahead} steps ahead already; a test logs in too often")
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + ahead)
    return f"{value:0{device.digits}d}"


def log_in_verified(client: Client, user: User) -> Client:
    """Log ``user`` in on the test client with a session past the second factor.

    The user gets a confirmed TOTP device, and the session holds it the way ``django_otp.login`` stores it, so
    django_otp's middleware marks the user verified on every request.
    """
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def pass_second_factor(client: Client, user: User, next_url: str = "/hjem/") -> Any:
    """After the password (a real POST to the login form): the verification page with the app's current code."""
    device = totp_device(user)
    return client.post("/konto/tofaktor/", {"token": totp_code(device), "next": next_url})
