"""The account's protections where a case is at stake: a password alone opens no case (page or API), and a
read-only API token cannot change one. Moved out of accounts/tests, which use no domain app's cases."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.models import ApiToken
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.testing.auth import totp_device
from vegvis.testing.factories import PASSWORD

HOME = "/hjem/"
SETUP = "/konto/tofaktor/oppsett/"
VERIFY = "/konto/tofaktor/"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    assert settings.VEGVIS_REQUIRE_2FA, "the suite runs with the second factor on, as production does"


def log_in(client: Client, username: str) -> None:
    response = client.post("/konto/logg-inn/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


# The attack of issue 10 item 1: a stolen password, a user who has an authenticator app, and the set-up page
# (reachable before verification) used to enrol the attacker's own app and get in without the real second factor.
@pytest.mark.django_db
def test_password_alone_cannot_enrol_a_new_device_over_an_existing_one(client, case_handler):
    real_app = totp_device(case_handler)
    case = make_case()
    log_in(client, "handler.ous")  # the real login form, with the password only

    opened = client.get(SETUP)
    attacker_app = TOTPDevice(user=case_handler, name="attacker")  # a secret of the attacker's choosing
    posted = client.post(SETUP, {"token": f"{totp(attacker_app.bin_key):06d}", "next": HOME})

    for response in (opened, posted):
        assert response.status_code == 302 and response["Location"].startswith(f"{VERIFY}?")
    assert list(TOTPDevice.objects.filter(user=case_handler)) == [real_app], "no device was added or replaced"
    assert client.get(f"/utland/saker/{case.pk}/")["Location"].startswith(VERIFY)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get(f"/api/v1/abroad/cases/{case.pk}").status_code == 401
    assert not AuditEntry.objects.filter(detail__has_key="second_factor_enrolled").exists()


@pytest.mark.django_db
def test_a_read_only_token_cannot_change_a_case_but_a_read_write_token_can(client, case_handler):
    case = make_case()
    who = principal_for(case_handler)
    _read, read_key = api_token_issue(actor=who, user=case_handler, name="reader", scope=ApiToken.Scope.READ)
    _write, write_key = api_token_issue(actor=who, user=case_handler, name="writer", scope=ApiToken.Scope.READ_WRITE)
    url = f"/api/v1/abroad/cases/{case.pk}/transitions"
    step = {"event": "withdraw", "version": case.version, "data": {"withdrawn_on": timezone.localdate().isoformat()}}

    assert client.get(f"/api/v1/abroad/cases/{case.pk}", headers=bearer(read_key)).status_code == 200
    refused = client.post(url, step, content_type="application/json", headers=bearer(read_key))

    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.status == "received"
    denied = AuditEntry.objects.get(action=AuditEntry.Action.DENIED, object_type="accounts.apitoken")
    assert denied.detail == {"token_scope": "read", "method": "POST"}

    allowed = client.post(url, step, content_type="application/json", headers=bearer(write_key))

    assert allowed.status_code == 200, allowed.content
    case.refresh_from_db()
    assert case.status == "closed", "the read-write token withdrew the application, which closes the case"
