"""The user's own account pages: changing one's password, and API tokens with a scope and an expiry."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from vegvis.access.principal import principal_for
from vegvis.accounts.models import ApiToken
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.testing.factories import PASSWORD

PASSWORD_PAGE = "/konto/passord/"
TOKENS = "/konto/api-nokler/"
NEW_PASSWORD = "Et-nytt-langt-passord-2026"


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
def test_a_user_changes_their_own_password_stays_logged_in_and_it_is_audited(login, case_handler):
    client = login(case_handler)
    home = client.get("/hjem/").content.decode()
    assert f'href="{PASSWORD_PAGE}"' in home, "the user menu links to the password page"

    response = client.post(
        PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == PASSWORD_PAGE
    assert "Passordet ditt er endret." in client.get(PASSWORD_PAGE).content.decode()
    assert client.get("/hjem/").status_code == 200, "the session survives the new password"
    case_handler.refresh_from_db()
    assert case_handler.check_password(NEW_PASSWORD)
    [entry] = AuditEntry.objects.filter(detail__password_changed="self")
    assert entry.actor_id == case_handler.pk and entry.object_id == str(case_handler.pk)
    assert NEW_PASSWORD not in str(entry.detail) and PASSWORD not in str(entry.detail)
    assert verify_chain().ok
    assert Client().post("/konto/logg-inn/", {"username": "handler.ous", "password": PASSWORD}).status_code == 200
    assert Client().post("/konto/logg-inn/", {"username": "handler.ous", "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
def test_a_wrong_current_password_is_refused_in_norwegian_and_nothing_changes(login, case_handler):
    client = login(case_handler)

    response = client.post(
        PASSWORD_PAGE,
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": "something-else-77"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Det nåværende passordet er feil. Skriv det inn på nytt." in page
    assert "Your old password was entered incorrectly" not in page
    case_handler.refresh_from_db()
    assert case_handler.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(detail__has_key="password_changed").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
def test_a_too_short_new_password_gets_a_norwegian_message(login, case_handler):
    client = login(case_handler)

    response = client.post(PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": "kort", "new_password2": "kort"})

    assert response.status_code == 200
    assert "Passordet er for kort. Det må ha minst 12 tegn." in response.content.decode()
    case_handler.refresh_from_db()
    assert case_handler.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_password_page_needs_the_second_factor(client, case_handler):
    client.post("/konto/logg-inn/", {"username": "handler.ous", "password": PASSWORD})

    response = client.post(
        PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302 and response["Location"].startswith("/konto/tofaktor/")
    case_handler.refresh_from_db()
    assert case_handler.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.usefixtures("norwegian_catalogue")
def test_token_page_shows_how_to_send_the_token_with_its_angle_brackets(login, case_handler):
    page = login(case_handler).get(TOKENS).content.decode()

    assert "Authorization: Bearer &lt;nøkkel&gt;" in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "Authorization: Bearer <nøkkel>" in text
    assert "Bearer »" not in text
    assert "gyldig i 90 dager" in text and "høyst 365 dager" in text


@pytest.mark.django_db
def test_a_token_made_on_the_page_is_read_only_for_90_days_by_default(login, case_handler):
    client = login(case_handler)

    response = client.post(TOKENS, {"name": "rapportverktøy", "scope": "read", "lifetime_days": "90"})

    assert response.status_code == 200
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=case_handler)
    assert token.scope == ApiToken.Scope.READ
    assert timedelta(days=89, hours=23) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert token.expires_at.strftime("%d.%m.%Y") in response.content.decode(), "the page shows when it expires"
    assert Client().get("/api/v1/me", headers=bearer(key)).status_code == 200


@pytest.mark.django_db
def test_a_token_cannot_live_longer_than_a_year(login, case_handler):
    client = login(case_handler)

    response = client.post(TOKENS, {"name": "for alltid", "scope": "read", "lifetime_days": "3650"})

    assert response.status_code == 200 and response.context["form"].errors["lifetime_days"]
    assert not ApiToken.objects.exists()
    with pytest.raises(ValueError):
        api_token_issue(actor=principal_for(case_handler), user=case_handler, name="x", lifetime_days=366)


@pytest.mark.django_db
def test_a_token_past_its_expiry_is_refused_with_401(client, case_handler):
    token, key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="x", lifetime_days=1)
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401
