"""Logging in: the form, the audit trail, lockout after repeated failures, Norwegian messages, idle timeout."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from vegvis.accounts.middleware import LAST_SEEN
from vegvis.audit.models import AuditEntry
from vegvis.testing.auth import log_in_verified, pass_second_factor, totp_device
from vegvis.testing.factories import PASSWORD

LOGIN = "/konto/logg-inn/"
VERIFY = "/konto/tofaktor/"
HOME = "/hjem/"


def log_in(client: Client, username: str, password: str, **headers: str):
    return client.post(LOGIN, {"username": username, "password": password}, headers=headers)


@pytest.mark.django_db
def test_login_with_the_form_reaches_home_and_is_audited(client, case_handler):
    totp_device(case_handler)  # the user has enrolled an authenticator app
    response = log_in(client, "handler.ous", PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(HOME)["Location"] == f"{VERIFY}?next={HOME}", "the password alone does not open Vegvis"
    assert pass_second_factor(client, case_handler)["Location"] == HOME
    assert client.get(HOME).status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert entry.actor_id == case_handler.pk and entry.actor_username == "handler.ous"
    assert "case_handler" in entry.actor_role


@pytest.mark.django_db
def test_failed_login_is_audited_without_the_password(client, case_handler):
    response = log_in(client, "handler.ous", "wrong-password-1")

    assert response.status_code == 200
    assert client.get(HOME).status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert entry.detail == {"username": "handler.ous"}
    assert "wrong-password-1" not in str(entry.detail)


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
def test_five_failed_attempts_lock_the_login_even_with_the_right_password(client, case_handler, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = log_in(client, "handler.ous", f"wrong-password-{attempt}")
        assert response.status_code == 200, f"attempt {attempt} should only show the form error"
        assert "Brukernavnet eller passordet er feil" in response.content.decode()

    fifth = log_in(client, "handler.ous", "wrong-password-5")
    with_right_password = log_in(client, "handler.ous", PASSWORD)

    for response in (fifth, with_right_password):
        assert response.status_code == 429
        assert "For mange mislykkede forsøk" in response.content.decode()
    assert client.get(HOME).status_code == 302, "the right password must not log in while locked"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


@pytest.mark.django_db
def test_lockout_is_per_user_name(client, case_handler, office_lead):
    for attempt in range(5):
        log_in(client, "handler.ous", f"wrong-password-{attempt}")

    response = log_in(client, "lead.ous", PASSWORD)
    pass_second_factor(client, office_lead)

    assert response.status_code == 302 and client.get(HOME).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
@pytest.mark.parametrize("accept_language", [None, "nb", "nb-NO,nb;q=0.9", "no"], ids=str)
def test_login_form_errors_are_norwegian_by_default(client, case_handler, accept_language):
    headers = {"accept_language": accept_language} if accept_language else {}

    wrong = log_in(client, "handler.ous", "wrong-password", **headers).content.decode()
    empty = client.post(LOGIN, {"username": "", "password": ""}, headers=headers).content.decode()

    assert '<html lang="nb"' in wrong
    assert "Brukernavnet eller passordet er feil. Begge skiller mellom store og små bokstaver." in wrong
    assert "The user name or password is wrong" not in wrong
    assert "Rett opp dette før du går videre" in wrong
    assert "Feltet er påkrevet." in empty and "This field is required." not in empty


@pytest.mark.django_db
def test_an_english_browser_still_gets_norwegian_until_english_is_chosen(client, case_handler):
    response = log_in(client, "handler.ous", "wrong-password", accept_language="en")
    assert "Brukernavnet eller passordet er feil" in response.content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    response = log_in(client, "handler.ous", "wrong-password", accept_language="nb")
    assert "The user name or password is wrong" in response.content.decode()


def _seen_seconds_ago(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
def test_idle_session_is_logged_out_and_told_why(client, case_handler, settings):
    log_in_verified(client, case_handler)
    assert client.get(HOME).status_code == 200
    _seen_seconds_ago(client, settings.VEGVIS_IDLE_TIMEOUT + 1)

    response = client.get(HOME)

    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next={HOME}"
    login_page = client.get(response["Location"]).content.decode()
    assert "Du ble logget ut fordi du ikke hadde vært aktiv på en stund." in login_page
    assert client.get(HOME).status_code == 302, "the session must be gone, not only redirected once"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGOUT, actor_id=case_handler.pk).exists()


@pytest.mark.django_db
def test_session_used_within_the_idle_timeout_stays_logged_in(client, case_handler, settings):
    log_in_verified(client, case_handler)
    client.get(HOME)
    _seen_seconds_ago(client, settings.VEGVIS_IDLE_TIMEOUT - 5)

    assert client.get(HOME).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 1, "a request renews the idle clock"
