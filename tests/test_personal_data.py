"""Personal data on every page and API operation: each read is audited, and nothing leaks where it must not.

Walks every registered expectation (see vegvis.testing.access_matrix) as every role that gets an answer, with
the objects every module registers (``register_objects``) in the database, so a new page joins these checks by
registering its expectation:

- every person a page shows (by name or national id) is named by an audit READ or SEARCH entry of the request;
- an expectation flagged ``shows_personal_data`` shows its roles the persons its builders made, audited;
- an object outside the caller's work need answers exactly as an object that does not exist (no enumeration);
- public pages, exports and the network analyst's statistics show no name and no national id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from vegvis.audit.models import AuditEntry, AuditPersonRef
from vegvis.audit.services import audited_atomic
from vegvis.core.models import Person
from vegvis.testing import pdf
from vegvis.testing.access_matrix import ROLES, Actors, Expectation, registered, registered_objects
from vegvis.testing.auth import log_in_verified
from vegvis.testing.privacy import body_of, identities, leaks, readable_text, response_text

# Every URL as every role: once per make test run, on PostgreSQL (see conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

READS = (AuditEntry.Action.READ, AuditEntry.Action.SEARCH)
CSRF_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")  # masked CSRF tokens differ on every rendering
# The role the statistics are for: it sees all regions' figures and never a person (reports/roles.py).
STATISTICS_ROLE = "network_analyst"


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _audited_persons(actor_id: int, after_seq: int) -> set[int]:
    return set(
        AuditPersonRef.objects.filter(
            entry__seq__gt=after_seq, entry__actor_id=actor_id, entry__action__in=READS
        ).values_list("person_id", flat=True)
    )


def shown_without_audit(text: str, audited: set[int]) -> list[str]:
    """The persons the text shows (by name or national id) that no audit entry of the request names."""
    shown = [who for who in identities(Person.objects.all()) if who.found_in(text)]
    return [f"person {who.person_id} ({who.found_in(text)})" for who in shown if who.person_id not in audited]


def _populate(actors: Actors) -> None:
    for build in registered_objects():
        build(actors)


@dataclass(frozen=True)
class Asked:
    """One role's request: the user, the response, the persons made by the expectation's builders or by the
    request itself, and the audit sequence number before the request."""

    role: str
    user: Any
    response: Any
    made: set[int]
    before: int


def _ask_as(expectation: Expectation, roles: list[str], check: Callable[[Asked], list[str]]) -> list[str]:
    """Request the expectation as each role, with every module's objects in the database, and check each answer.

    The users and every module's objects are made once; each role asks in a savepoint that is rolled back after
    its check, so what one role's request wrote (its audit entries, a change) never meets the next. A page's
    objects are built once; a change's (POST, PUT, DELETE) anew for each role, as a request may use them up.
    """
    actors = Actors()
    for role in ROLES:
        actors[role]  # every user outside the savepoints, so each stays for the builders of the other roles
    _populate(actors)
    existing = set(Person.objects.values_list("pk", flat=True))
    shared = expectation.prepare(actors) if expectation.method == "get" else None
    problems: list[str] = []
    for role in roles:
        with audited_atomic():  # the audit chain's head first, as every audited write takes it
            client = Client()
            user = actors[role]
            prepared = shared or expectation.prepare(actors)
            if user is not None:
                log_in_verified(client, user)
            before = _last_seq()
            response = expectation.send(client, prepared.url, prepared.data)
            if response.status_code != expectation.roles[role]:
                problems.append(f"{expectation} as {role}: {response.status_code}")
            else:
                made = set(Person.objects.exclude(pk__in=existing).values_list("pk", flat=True))
                problems += check(Asked(role, user, response, made, before))
            transaction.set_rollback(True)
    return problems


def _params(roles_of: Callable[[Expectation], list[str]]) -> list[Any]:
    return [
        pytest.param(expectation, roles_of(expectation), id=f"{expectation.method} {expectation.url_name}")
        for expectation in registered()
        if roles_of(expectation)
    ]


SUCCESSES = _params(
    lambda expectation: [role for role in ROLES if expectation.succeeds_for(role) and ROLES[role] is not None]
)


@pytest.mark.parametrize(("expectation", "roles"), SUCCESSES)
def test_every_person_a_page_shows_is_in_the_audit_trail(expectation, roles):
    def check(asked: Asked) -> list[str]:
        problems = []
        text = response_text(asked.response)
        audited = _audited_persons(asked.user.pk, asked.before)
        if text is not None:
            unaudited = shown_without_audit(text, audited)
            if unaudited:
                problems.append(f"{expectation} as {asked.role} shows {unaudited} without an audit entry")
        if asked.role in expectation.personal_data_roles():
            if not asked.made:
                problems.append(f"{expectation} is flagged shows_personal_data but its builders made no person")
            missing = sorted(asked.made - audited)
            if missing:
                problems.append(f"{expectation} as {asked.role}: no READ entry names the persons {missing}")
        return problems

    problems = _ask_as(expectation, roles, check)
    assert not problems, "\n".join(problems)


def test_a_page_that_shows_a_person_without_auditing_is_named(client, case_handler):
    """The check itself: a person on a page with no READ entry of that request is reported."""
    from vegvis.testing.factories import PersonFactory

    shown, other = PersonFactory(), PersonFactory()
    page = f"<td>{shown.name}</td><td>{other.national_id[:6]} {other.national_id[6:]}</td>"

    assert set(shown_without_audit(page, audited=set())) == {
        f"person {shown.pk} (name)",
        f"person {other.pk} (national id)",
    }
    assert shown_without_audit(page, audited={shown.pk, other.pk}) == []


def test_the_walk_covers_the_pages_that_show_patients():
    flagged = {e.url_name for e in registered() if e.shows_personal_data}
    assert {"abroad:case", "abroad:document_file", "api-v1:get_case", "audit:person_log"} <= flagged


# ---------------------------------------------------------------- no enumeration by id

HIDDEN = [
    pytest.param(expectation, role, id=f"{expectation.method} {expectation.url_name} as {role}")
    for expectation in registered()
    for role in ROLES
    if expectation.roles[role] == 404 and expectation.kwargs is not None
]


def _other_token(value: str) -> str:
    """A token of the same shape (length, digits where digits were, hex where hex was) that nothing holds."""
    hex_only = all(c in "0123456789abcdef-" for c in value)
    rotated = []
    for c in value:
        if c.isdigit():
            rotated.append(str((int(c) + 1) % 10))
        elif c.isalpha() and c.islower():
            span = "abcdef" if hex_only else "abcdefghijklmnopqrstuvwxyz"
            rotated.append(span[(span.index(c) + 1) % len(span)] if c in span else c)
        elif c.isalpha():
            rotated.append(chr((ord(c) - ord("A") + 1) % 26 + ord("A")) if "A" <= c <= "Z" else c)
        else:
            rotated.append(c)
    return "".join(rotated)


def _missing(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The same URL arguments with every id or token replaced by one that no object has. A year is no id: it is
    kept, so the missing twin differs only in what is hidden (an API's bounded year would otherwise answer 422)."""
    return {
        name: value if name == "year" else 10**9 + index if isinstance(value, int) else _other_token(str(value))
        for index, (name, value) in enumerate(kwargs.items())
    }


def _comparable(response: Any, url: str) -> tuple[int, str, bytes]:
    """Status, type and body, apart from the CSRF token and the caller's own URL (the language form returns to it)."""
    body = CSRF_TOKEN.sub(b"<token>", response.content).replace(url.encode(), b"<url>")
    return response.status_code, response.get("Content-Type", ""), body


@pytest.mark.parametrize(("expectation", "role"), HIDDEN)
def test_an_object_outside_the_work_need_answers_as_one_that_does_not_exist(client, expectation, role):
    actors = Actors()
    user = actors[role]
    prepared = expectation.prepare(actors)
    if user is not None:
        log_in_verified(client, user)
    assert prepared.kwargs, f"{expectation}: no id in its URL"
    from django.urls import reverse

    missing_url = reverse(expectation.url_name, kwargs=_missing(prepared.kwargs))
    hidden = expectation.send(client, prepared.url, prepared.data)
    missing = expectation.send(client, missing_url, prepared.data)

    assert hidden.status_code == 404
    assert _comparable(hidden, prepared.url) == _comparable(missing, missing_url), (
        f"{expectation} as {role}: another office's object and a missing one answer differently"
    )
    text = readable_text(hidden.content, hidden.get("Content-Type", "")) or ""
    assert not leaks(text, identities(Person.objects.all()))


# ---------------------------------------------------------------- public pages, exports and statistics

NO_IDENTITIES = _params(
    lambda expectation: [
        role
        for role in ROLES
        if expectation.succeeds_for(role) and (role in {"anonymous", STATISTICS_ROLE} or expectation.export)
    ]
)


@pytest.mark.parametrize(("expectation", "roles"), NO_IDENTITIES)
def test_public_pages_exports_and_statistics_hold_no_name_and_no_national_id(expectation, roles):
    """Data minimisation: with every module's persons in the database, none of them is named or numbered."""

    def check(asked: Asked) -> list[str]:
        content, content_type = body_of(asked.response), asked.response.get("Content-Type", "")
        text = readable_text(content, content_type)
        if text is None and content_type.startswith("application/pdf"):
            text = pdf.text(content)  # a PDF (a response, a public attachment) read as its reader does: pdftotext
        if text is None:
            return [f"{expectation}: {content_type} cannot be scanned; export a text format"]
        found = leaks(text, identities(Person.objects.all()))
        return [f"{expectation} as {asked.role} shows {found}"] if found else []

    problems = _ask_as(expectation, roles, check)
    assert not problems, "\n".join(problems)


def test_the_scan_finds_names_and_national_ids_however_they_are_written():
    from vegvis.testing.factories import PersonFactory

    person = PersonFactory(name="Åse Ødegård")
    number = person.national_id
    known = identities([person])
    assert leaks(readable_text(b"<td>&Aring;se &Oslash;deg&aring;rd</td>", "text/html") or "", known)
    assert leaks(readable_text(b'{"n": "\\u00c5se \\u00d8deg\\u00e5rd"}', "application/json") or "", known)
    assert leaks(f"fnr {number[:6]} {number[6:]}", [])
    assert leaks(f"fnr:{number}.", [])
    assert not leaks(f"{number[:6]} *****", [])  # the masked form shows only the date
    assert not leaks("case 2026/0001-1, amount 12345678901", [])  # 11 digits that are no national id
