"""Every kind of response carries the security headers: pages, API answers, errors."""

from __future__ import annotations

import pytest
from django.test import Client

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue


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
    client.force_login(user)
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
