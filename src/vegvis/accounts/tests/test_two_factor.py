"""Two-factor authentication with an authenticator app (TOTP), required where VEGVIS_REQUIRE_2FA is on."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegvis.accounts.models import ApiToken
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.testing.auth import log_in_verified, totp_code, totp_device
from vegvis.testing.factories import PASSWORD

HOME = "/hjem/"
SETUP = "/konto/tofaktor/oppsett/"
VERIFY = "/konto/tofaktor/"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    assert settings.VEGVIS_REQUIRE_2FA, "the suite runs with the second factor on, as production does"


def code_from(device: TOTPDevice) -> str:
    """The six digits the user's authenticator app shows now, computed from the device's secret."""
    return totp_code(device)


def log_in(client: Client, username: str) -> None:
    response = client.post("/konto/logg-inn/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_first_login_leads_to_totp_setup_and_a_real_code_reaches_home(client, case_handler):
    log_in(client, "handler.ous")

    to_setup = client.get(HOME)
    assert to_setup.status_code == 302 and to_setup["Location"] == f"{SETUP}?next={HOME}"
    setup_page = client.get(to_setup["Location"])
    assert setup_page.status_code == 200
    device = TOTPDevice.objects.get(user=case_handler, confirmed=False)
    assert setup_page.context["secret"], "the key is shown for apps that cannot scan the code"

    done = client.post(f"{SETUP}?next={HOME}", {"token": code_from(device), "next": HOME})

    assert done.status_code == 302 and done["Location"] == HOME
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_a_wrong_code_does_not_turn_on_two_factor(client, case_handler):
    log_in(client, "handler.ous")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=case_handler)
    wrong = f"{(int(code_from(device)) + 1) % 10**6:06d}"

    response = client.post(SETUP, {"token": wrong, "next": HOME})

    assert response.status_code == 200 and response.context["form"].errors["token"]
    assert client.get(HOME).status_code == 302
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_next_login_asks_for_the_code_of_the_confirmed_device(client, case_handler):
    device = TOTPDevice.objects.create(user=case_handler, name="app", confirmed=True)
    log_in(client, "handler.ous")

    to_verify = client.get(HOME)
    assert to_verify.status_code == 302 and to_verify["Location"] == f"{VERIFY}?next={HOME}"
    done = client.post(VERIFY, {"token": code_from(device), "next": HOME})

    assert done.status_code == 302 and done["Location"] == HOME
    assert client.get(HOME).status_code == 200


@pytest.mark.django_db
def test_without_the_second_factor_no_api_token_can_be_made(client, case_handler):
    log_in(client, "handler.ous")

    page = client.get("/konto/api-nokler/")
    created = client.post("/konto/api-nokler/", {"name": "sneaky"})

    assert page.status_code == 302 and page["Location"].startswith(SETUP)
    assert created.status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_without_the_second_factor_the_session_does_not_open_the_api(client, case_handler):
    log_in(client, "handler.ous")
    assert client.get("/api/v1/me").status_code == 401

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=case_handler)
    client.post(SETUP, {"token": code_from(device), "next": HOME})

    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_first_enrolment_is_audited_with_the_kind_of_device_but_not_its_secret(client, case_handler):
    log_in(client, "handler.ous")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=case_handler)

    client.post(SETUP, {"token": code_from(device), "next": HOME})

    entry = AuditEntry.objects.get(detail__second_factor_enrolled="totp")
    assert entry.actor_id == case_handler.pk and entry.object_id == str(case_handler.pk)
    assert device.key not in str(entry.detail) and device.bin_key.hex() not in str(entry.detail)
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_verified_session_may_replace_the_app_and_the_old_one_stops_working(client, case_handler):
    old_app = totp_device(case_handler)
    log_in_verified(client, case_handler)

    assert client.get(SETUP).status_code == 200
    new_app = TOTPDevice.objects.get(user=case_handler, confirmed=False)
    done = client.post(SETUP, {"token": code_from(new_app), "next": HOME})

    assert done.status_code == 302 and done["Location"] == HOME
    assert list(TOTPDevice.objects.filter(user=case_handler)) == [new_app]
    assert not TOTPDevice.objects.filter(pk=old_app.pk).exists()
    assert AuditEntry.objects.get(detail__second_factor_enrolled="totp").detail["replaced"] == 1


@pytest.mark.django_db
def test_an_administrators_reset_is_audited_and_lets_the_user_enrol_again(client, case_handler, sysadmin):
    totp_device(case_handler)
    admin = Client()
    log_in_verified(admin, sysadmin)

    response = admin.post(
        "/forvaltning/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [case_handler.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=case_handler).exists()
    entry = AuditEntry.objects.get(detail__second_factor_reset=True)
    assert entry.actor_id == sysadmin.pk and entry.object_id == str(case_handler.pk)
    assert entry.detail["devices_removed"] == 1
    log_in(client, "handler.ous")
    assert client.get(HOME)["Location"].startswith(SETUP), "with no device left the user sets up a new app"
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_case_handler_cannot_reset_anyones_second_factor(client, case_handler, case_handler_bergen):
    totp_device(case_handler_bergen)
    log_in_verified(client, case_handler)

    response = client.post(
        "/forvaltning/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [case_handler_bergen.pk]},
    )

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=case_handler_bergen).exists()
