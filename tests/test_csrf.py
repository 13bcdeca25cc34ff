"""CSRF: every change sent from a browser session needs the token; other systems' bearer tokens need none.

Walks the registered expectations (vegvis.testing.access_matrix): every POST (and PUT, PATCH, DELETE) a role may
send, and every form with method="post" found on any page a role can open, is sent again without the token by a
client that enforces CSRF checks, and must be refused with 403 before it reaches the view. Every such form must
carry the token. API operations sent with a bearer token instead of the session are not CSRF-checked.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.testing.access_matrix import ROLES, Actors, Expectation, Redirect, registered
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


class PostForms(HTMLParser):
    """The forms a page posts: their action and whether they carry the CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._open: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self._open = {"action": values.get("action") or "", "token": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and values.get("name") == "csrfmiddlewaretoken":
            self._open["token"] = bool(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def _proceeds(role: str, outcome: object) -> bool:
    """The request would reach the view and change something: a success, or a redirect after one (for an
    anonymous visitor, a redirect to the login page means the view was never reached)."""
    if outcome in {200, 201, 204}:
        return True
    return isinstance(outcome, Redirect) and (ROLES[role] is not None or outcome.to != "accounts:login")


UNSAFE = [
    pytest.param(expectation, role, id=f"{expectation.method} {expectation.url_name} as {role}")
    for expectation in registered()
    for role in ROLES
    if expectation.method != "get" and _proceeds(role, expectation.roles[role])
]

PAGES = [
    pytest.param(expectation, role, id=f"{expectation.url_name} as {role}")
    for expectation in registered()
    for role in ROLES
    if expectation.method == "get" and expectation.roles[role] == 200 and not expectation.is_api
]


def _csrf_client(actors: Actors, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    user = actors[role]
    if user is not None:
        log_in_verified(client, user)
    return client


def _assert_refused_for_csrf(response, what: str) -> None:
    assert response.status_code == 403, f"{what}: sent without the CSRF token, answered {response.status_code}"
    assert b"CSRF" in response.content, f"{what}: refused, but not for the missing CSRF token"


@pytest.mark.parametrize(("expectation", "role"), UNSAFE)
def test_every_change_sent_without_the_csrf_token_is_refused(expectation: Expectation, role: str):
    actors = Actors()
    client = _csrf_client(actors, role)
    prepared = expectation.prepare(actors)
    entries = AuditEntry.objects.count()

    response = expectation.send(client, prepared.url, prepared.data)

    _assert_refused_for_csrf(response, f"{expectation} as {role}")
    changes = AuditEntry.objects.exclude(action=AuditEntry.Action.DENIED).count() - entries
    assert changes <= 0, f"{expectation} as {role}: {changes} audit entries written before the CSRF refusal"


@pytest.mark.parametrize(("expectation", "role"), PAGES)
def test_every_form_a_page_posts_carries_the_token_and_fails_without_it(expectation: Expectation, role: str):
    actors = Actors()
    client = _csrf_client(actors, role)
    prepared = expectation.prepare(actors)
    page = expectation.send(client, prepared.url, prepared.data)
    if "html" not in page.get("Content-Type", ""):
        return
    parser = PostForms()
    parser.feed(page.content.decode())

    for form in parser.forms:
        action = urlsplit(urljoin(prepared.url, str(form["action"]))).path
        assert form["token"], f"a form on {expectation.url_name} as {role} posting to {action} has no CSRF token"
        _assert_refused_for_csrf(client.post(action, {}), f"the form posting to {action} on {expectation.url_name}")


API_CHANGES = [
    pytest.param(expectation, role, id=f"{expectation.method} {expectation.url_name} as {role}")
    for expectation in registered()
    for role in ROLES
    if expectation.is_api and expectation.method != "get" and expectation.roles[role] in {200, 201}
]


@pytest.mark.parametrize(("expectation", "role"), API_CHANGES)
def test_api_changes_with_a_bearer_token_need_no_csrf_token(expectation: Expectation, role: str):
    actors = Actors()
    user = actors[role]
    _token, key = api_token_issue(actor=principal_for(user), user=user, name="csrf walk", scope="read_write")
    client = Client(enforce_csrf_checks=True)
    prepared = expectation.prepare(actors)

    response = expectation.send(client, prepared.url, prepared.data, headers={"authorization": f"Bearer {key}"})

    assert response.status_code == expectation.roles[role], response.content


def test_the_walk_reaches_the_forms_of_every_kind_of_page():
    assert {e.values[0].url_name for e in UNSAFE} >= {"accounts:logout", "set_language", "api-v1:create_case"}
    assert {e.values[0].url_name for e in PAGES} >= {"accounts:login", "abroad:case", "abroad:case_follow_up"}


def test_the_parser_finds_the_post_forms_and_their_tokens(client, case_handler):
    log_in_verified(client, case_handler)
    parser = PostForms()
    parser.feed(client.get("/utland/saker/ny/").content.decode())

    actions = {str(form["action"]) for form in parser.forms}
    assert "" in actions or "/utland/saker/ny/" in actions  # the application form posts to its own page
    assert "/konto/logg-ut/" in actions  # the header's logout form
    assert all(form["token"] for form in parser.forms)
