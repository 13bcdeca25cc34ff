"""Every kind of response carries the security headers: pages, API answers, errors."""

from __future__ import annotations

import pytest
from django.test import Client

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.testing.auth import log_in_verified


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def page_responses(client: Client, user) -> dict[str, object]:
    _token, key = api_token_issue(actor=principal_for(user), user=user, name="headers")
    responses = {
        "login page": client.get("/konto/logg-inn/"),
        "404 page": client.get("/finnes-ikke/"),
        "API without credentials (401)": client.get("/api/v1/me"),
        "API answer with a token": client.get("/api/v1/regions", headers={"authorization": f"Bearer {key}"}),
    }
    log_in_verified(client, user)
    responses["home page"] = client.get("/hjem/")
    responses["API answer with the session"] = client.get("/api/v1/me")
    return responses


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_security_headers(client, case_handler):
    responses = page_responses(client, case_handler)
    expected_status = {
        "login page": 200,
        "404 page": 404,
        "API without credentials (401)": 401,
        "API answer with a token": 200,
        "home page": 200,
        "API answer with the session": 200,
    }
    for kind, response in responses.items():
        assert response.status_code == expected_status[kind], kind
        csp = response.get("Content-Security-Policy", "")
        assert csp, f"{kind}: no Content-Security-Policy"
        directives = csp_directives(csp)
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, f"{kind}: {csp}"
        assert directives.get("frame-ancestors") == ["'none'"], f"{kind}: {csp}"
        assert directives.get("script-src") == ["'self'"], f"{kind}: {csp}"
        assert directives.get("default-src") == ["'self'"], f"{kind}: {csp}"
        assert response.get("X-Content-Type-Options") == "nosniff", kind
        assert response.get("Referrer-Policy") == "same-origin", kind
        assert response.get("X-Frame-Options") == "DENY", kind


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(client, case_handler):
    from vegvis.testing.factories import PASSWORD

    client.get("/konto/logg-inn/")
    client.post("/konto/logg-inn/", {"username": "handler.ous", "password": PASSWORD})

    assert client.cookies["vegvis_session"]["httponly"]
    assert client.cookies["vegvis_session"]["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"]


# Every registered page and operation (see vegvis.testing.access_matrix), as a role it answers, carries them too.
from vegvis.testing.access_matrix import ROLES, Actors, registered  # noqa: E402

# Every URL as every role: once per make test run, on PostgreSQL (see conftest.py).
pytestmark = pytest.mark.one_database


def _first_answering_role(expectation) -> str:
    return next((role for role in ROLES if expectation.succeeds_for(role)), "anonymous")


EVERY_PAGE = [
    pytest.param(expectation, _first_answering_role(expectation), id=f"{expectation.method} {expectation.url_name}")
    for expectation in registered()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("expectation", "role"), EVERY_PAGE)
def test_every_registered_page_and_operation_carries_the_security_headers(client, expectation, role):
    actors = Actors()
    user = actors[role]
    if user is not None:
        log_in_verified(client, user)

    response = expectation.request(client, actors)

    csp = csp_directives(response.get("Content-Security-Policy", ""))
    assert csp.get("script-src") == ["'self'"] and csp.get("frame-ancestors") == ["'none'"], expectation
    assert "'unsafe-inline'" not in response.get("Content-Security-Policy", ""), expectation
    assert response.get("X-Content-Type-Options") == "nosniff", expectation
    assert response.get("Referrer-Policy") == "same-origin", expectation
    assert response.get("X-Frame-Options") == "DENY", expectation
    if user is not None:  # what a user sees may be a patient's data: never kept in a cache (ASVS 8.2.1)
        assert "no-store" in response.get("Cache-Control", ""), f"{expectation}: {response.get('Cache-Control')}"


@pytest.mark.django_db
def test_error_pages_carry_the_security_headers(client, case_handler):
    log_in_verified(client, case_handler)
    for response in (client.get("/forvaltning/"), client.get("/utland/saker/999999/"), client.post("/api/v1/me")):
        assert response.status_code in {403, 404, 405}
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
