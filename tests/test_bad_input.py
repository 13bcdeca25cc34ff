"""Input no field accepts is refused before any view: a NUL character in a query, a form or a JSON body.

PostgreSQL cannot store NUL characters and would answer with an error; every registered page and operation
(vegvis.testing.access_matrix) is sent one and must answer 400, with the security headers, never a server error.
"""

from __future__ import annotations

import pytest

from vegvis.testing.access_matrix import ROLES, Actors, registered
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


def _answering_role(expectation) -> str:
    return next((role for role in ROLES if expectation.succeeds_for(role)), "anonymous")


EVERY_PAGE = [
    pytest.param(expectation, _answering_role(expectation), id=f"{expectation.method} {expectation.url_name}")
    for expectation in registered()
]


@pytest.mark.parametrize(("expectation", "role"), EVERY_PAGE)
def test_a_nul_character_anywhere_in_the_input_is_refused_with_400(client, expectation, role):
    actors = Actors()
    user = actors[role]
    if user is not None:
        log_in_verified(client, user)
    prepared = expectation.prepare(actors)
    data = {name: f"{value}\x00" for name, value in prepared.data.items()} or {"q": "\x00"}
    if expectation.method != "get":
        data = {**data, "note": "a\x00b"}

    response = expectation.send(client, f"{prepared.url}?probe=%00", data)

    assert response.status_code == 400, f"{expectation}: {response.status_code}"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_nul_in_the_public_journals_office_filter_is_refused_not_a_server_error(client):
    assert client.get("/offentlig-journal/", {"kontor": "ous\x00"}).status_code == 400
    assert client.get("/offentlig-journal/", {"kontor": "ous"}).status_code == 200


def test_a_nul_in_an_api_body_is_refused_in_the_apis_shape(client, case_handler):
    log_in_verified(client, case_handler)

    response = client.post(
        "/api/v1/abroad/cases", {"patient_name": "Kari\x00", "national_id": "x"}, content_type="application/json"
    )

    assert response.status_code == 400 and response.json()["code"] == "invalid"
