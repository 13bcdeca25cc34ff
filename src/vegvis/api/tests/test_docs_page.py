"""The API reference page: a Vegvis page in Norwegian that lists every operation, passes axe and fits a phone."""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import expect

from vegvis.api.main import api
from vegvis.testing.browser import axe_violations, describe_violations, log_in
from vegvis.testing.factories import PASSWORD, UserFactory


def _text(response) -> str:
    body = response.content.decode()
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_reference_lists_every_operation_and_says_how_to_send_the_key(login, case_handler):
    response = login(case_handler).get("/api/v1/docs")
    assert response.status_code == 200
    text = " ".join(_text(response).split())
    assert "API-referanse" in text
    # The placeholder in angle brackets is shown, not swallowed as an unknown element.
    assert "Authorization: Bearer <nøkkel>" in text
    document = api.get_openapi_schema()
    for path, item in document["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in text, (method, path)
    page = response.content.decode()
    assert 'href="/konto/api-nokler/"' in page
    assert 'href="/api/v1/openapi.json"' in page


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logg-inn/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_reference_passes_axe_and_fits_the_window(page, console_log, width):
    UserFactory(username="saksbehandler", role="case_handler", role__office="ous")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "saksbehandler", PASSWORD)
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_contain_text("API-referanse")
    assert page.evaluate("document.documentElement.lang") == "nb"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than a {width} px window"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not console_log.errors, "\n".join(console_log.errors)
