"""API authentication: bearer tokens for other systems, the browser session (with CSRF) for our own pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from ninja import NinjaAPI

from vegvis.access.principal import principal_for
from vegvis.access.rules import api_logged_in, current_user
from vegvis.accounts.services import api_token_issue, api_token_revoke
from vegvis.api.main import api
from vegvis.testing.auth import log_in_verified

ME = "/api/v1/me"

# The API has no unsafe operation yet, so a probe with the real API's authentication stands in for one.
probe = NinjaAPI(urls_namespace="auth-probe", auth=api.auth, docs_url=None, openapi_url=None)


@probe.post("/echo", url_name="probe_echo")
@api_logged_in
def echo(request: HttpRequest) -> dict[str, str]:
    return {"username": current_user(request).get_username()}


urlpatterns = [path("", include("vegvis.urls")), path("probe/", probe.urls)]
ECHO = "/probe/echo"


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


@pytest.fixture
def token_key(case_handler) -> str:
    _token, key = api_token_issue(
        actor=principal_for(case_handler), user=case_handler, name="hospital system", scope="read_write"
    )
    return key


@pytest.mark.django_db
def test_without_credentials_the_api_answers_401(client):
    response = client.get(ME)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_bearer_token_identifies_its_user(client, case_handler, token_key):
    response = client.get(ME, headers=bearer(token_key))

    assert response.status_code == 200
    assert response.json() == {"username": "handler.ous", "name": case_handler.display_name, "roles": ["case_handler"]}


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["vgv_not-a-real-token", ""], ids=["unknown", "empty"])
def test_unknown_token_is_401(client, key):
    assert client.get(ME, headers=bearer(key)).status_code == 401


@pytest.mark.django_db
def test_revoked_token_is_401(client, case_handler, token_key):
    token = case_handler.api_tokens.get()
    api_token_revoke(actor=principal_for(case_handler), token=token)

    assert client.get(ME, headers=bearer(token_key)).status_code == 401


@pytest.mark.django_db
def test_expired_token_is_401(client, case_handler, token_key):
    case_handler.api_tokens.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(ME, headers=bearer(token_key)).status_code == 401


@pytest.mark.django_db
def test_token_of_a_deactivated_user_is_401(client, case_handler, token_key):
    case_handler.is_active = False
    case_handler.save(update_fields=["is_active"])

    assert client.get(ME, headers=bearer(token_key)).status_code == 401


@pytest.mark.django_db
def test_only_the_tokens_hash_is_stored(case_handler, token_key):
    token = case_handler.api_tokens.get()
    assert token_key not in {token.key_hash, token.prefix, token.name}
    assert token.key_hash == token.hash_key(token_key)


@pytest.mark.django_db
def test_browser_session_reads_the_api(client, case_handler):
    log_in_verified(client, case_handler)

    assert client.get(ME).json()["username"] == "handler.ous"


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_session_on_an_unsafe_method_needs_the_csrf_token(csrf_client, case_handler):
    log_in_verified(csrf_client, case_handler)
    csrf_client.get("/konto/api-nokler/")  # any page with a form sets the CSRF cookie
    csrf_token = csrf_client.cookies["csrftoken"].value

    refused = csrf_client.post(ECHO)
    allowed = csrf_client.post(ECHO, headers={"x-csrftoken": csrf_token})

    assert refused.status_code == 403
    assert allowed.status_code == 200 and allowed.json() == {"username": "handler.ous"}


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_bearer_token_on_an_unsafe_method_needs_no_csrf_token(csrf_client, token_key):
    response = csrf_client.post(ECHO, headers=bearer(token_key))

    assert response.status_code == 200 and response.json() == {"username": "handler.ous"}


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_unsafe_method_without_credentials_is_401_not_a_csrf_refusal(csrf_client):
    assert csrf_client.post(ECHO).status_code == 401


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_unsafe_method_with_a_revoked_token_is_401(csrf_client, case_handler, token_key):
    api_token_revoke(actor=principal_for(case_handler), token=case_handler.api_tokens.get())

    assert csrf_client.post(ECHO, headers=bearer(token_key)).status_code == 401
