"""Every URL and API operation declares who may call it, and every role gets the answer its module expects.

The expectations live in each app's ``tests/access_expectations.py``, the users asked as in its
``tests/access_actors.py`` (see vegvis.testing.access_matrix). A new URL fails here until it has an access rule
and an expectation for every role; a new role, until an actor holds it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLResolver, include, path
from django.urls.resolvers import RegexPattern
from ninja import NinjaAPI, Router

from vegvis.access.rules import api_logged_in, public
from vegvis.accounts.roles import declared_roles
from vegvis.api.main import api
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audited_atomic
from vegvis.core.admin_site import admin_site
from vegvis.testing.access_matrix import (
    ROLES,
    Actor,
    Actors,
    Expectation,
    Prepared,
    expect,
    missing_expectations,
    outcome_problem,
    registered,
    routes,
    views_without_rule,
)
from vegvis.testing.auth import log_in_verified

# Every URL as every role: once per make test run, on PostgreSQL (see conftest.py).
pytestmark = pytest.mark.one_database


def test_every_view_and_api_operation_declares_an_access_rule():
    problems = views_without_rule(routes(), api=api, admin_site=admin_site)
    assert not problems, "\n".join(problems)


def test_every_url_and_api_operation_has_an_access_expectation():
    problems = missing_expectations(routes(), registered(), api=api, admin_site=admin_site)
    assert not problems, "\n".join(problems)


def test_the_walk_reaches_every_part_of_the_url_configuration():
    names = {route.name for route in routes()}
    assert {"core:home", "accounts:login", "audit:person_log", "set_language", "vegvis_admin:index"} <= names
    assert {"api-v1:me", "api-v1:openapi-json"} <= names


def test_every_declared_role_has_an_actor_and_every_actor_a_declared_role():
    declared = {spec.code for spec in declared_roles()}
    held = {actor.role for actor in ROLES.values() if actor is not None}
    assert declared - held == set(), "roles no actor of the matrix holds (add them to the app's tests/access_actors.py)"
    assert held - declared == set(), "actors holding roles no app declares"


def test_the_actors_come_from_the_apps_in_their_order():
    assert list(ROLES) == [
        "anonymous",
        "case_handler",
        "case_handler_other_office",
        "office_lead",
        "medical_adviser",
        "network_analyst",
        "system_administrator",
        "privacy_officer",
        "association_case_worker",
        "association_case_worker_other",
        "association_lead",
        "association_medical_adviser",
        "cooperation_administrator",
        "supplier_user",
        "supplier_user_other",
        "patient_organisation_user",
        "patient_organisation_user_other",
        "consultation_secretariat",
        "member_body_user",
        "member_body_user_other",
        "consultation_secretariat_other",
        "earlyaccess_clinician",
        "earlyaccess_clinician_other",
        "earlyaccess_pharmacy",
        "earlyaccess_regional",
        "earlyaccess_regional_other",
        "earlyaccess_national",
    ]
    assert ROLES["case_handler_other_office"] == Actor("case_handler", office="helse-bergen", order=20)


EXPECTATIONS = [
    pytest.param(expectation, id=f"{expectation.method} {expectation.url_name}") for expectation in registered()
]


def _answer_problem(expectation: Expectation, role: str, actors: Actors, shared: Prepared | None) -> str | None:
    """Ask as the role with a client of its own; what is wrong with the answer, or None."""
    client = Client()
    user = actors[role]
    if user is not None:
        log_in_verified(client, user)
    expected = expectation.roles[role]
    prepared = shared or expectation.prepare(actors)
    response = expectation.send(client, prepared.url, prepared.data)
    problem = outcome_problem(response, expected)
    if problem is not None:
        return f"{expectation} as {role}: {problem} (registered in {expectation.registered_by})"
    if expected == 403 and not AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor_id=user.pk).exists():
        return f"{expectation} as {role}: the refusal was not written to the audit trail"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("expectation", EXPECTATIONS)
def test_every_role_gets_the_expected_answer(expectation: Expectation):
    """Every role asks in a savepoint that is rolled back after its answer, so what one role changed (or was
    refused, and audited) never meets the next. The users and a page's objects are made once; a change (POST,
    PUT, DELETE) gets its objects anew for each role, as a form or token may be used up by the request."""
    actors = Actors()
    for role in ROLES:
        actors[role]  # every user outside the savepoints, so each stays for the builders of the other roles
    shared = expectation.prepare(actors) if expectation.method == "get" else None
    problems = []
    for role in ROLES:
        with audited_atomic():  # the audit chain's head first, as every audited write takes it
            problems.append(_answer_problem(expectation, role, actors, shared))
            transaction.set_rollback(True)
    found = [problem for problem in problems if problem is not None]
    assert not found, "\n".join(found)


# The checks themselves, on a small URL configuration of their own: they must name what is wrong.


def _unguarded(request: HttpRequest) -> HttpResponse:
    return HttpResponse("personal data")


@public
def _guarded(request: HttpRequest) -> HttpResponse:
    return HttpResponse("nothing personal")


def _probe_api() -> NinjaAPI:
    probe = NinjaAPI(urls_namespace="matrix-probe")
    router = Router()

    @router.get("/open", url_name="probe_unguarded")
    def unguarded(request: HttpRequest) -> dict[str, str]:
        return {}

    @router.get("/guarded", url_name="probe_guarded")
    @api_logged_in
    def guarded(request: HttpRequest) -> dict[str, str]:
        return {}

    probe.add_router("/", router)
    return probe


PROBE_API = _probe_api()
PROBE_URLS = URLResolver(
    RegexPattern(r"^/"),
    [
        path("unguarded/", _unguarded, name="probe-unguarded"),
        path("guarded/", _guarded, name="probe-guarded"),
        path("unnamed/", _guarded),
        path("probe-api/", PROBE_API.urls),
        path("admin/", admin_site.urls),
        path("nested/", include(([path("deep/", _unguarded, name="deep")], "nested"), namespace="nested")),
    ],
)


def _lines_naming(problems: list[str], fragment: str) -> list[str]:
    return [line for line in problems if fragment in line]


def test_a_view_without_rule_is_named():
    problems = views_without_rule(routes(PROBE_URLS), api=PROBE_API, admin_site=admin_site)
    assert _lines_naming(problems, "/unguarded/ (probe-unguarded)")
    assert _lines_naming(problems, "/nested/deep/ (nested:deep)")
    assert _lines_naming(problems, "GET /open (matrix-probe:probe_unguarded)")
    assert _lines_naming(problems, "/probe-api/openapi.json (matrix-probe:openapi-json)")  # no docs_decorator
    assert _lines_naming(problems, "/probe-api/docs (matrix-probe:openapi-view)")
    assert len(problems) == 5, "\n".join(problems)  # the guarded views and the admin site's pages pass


def test_a_url_without_expectation_is_named():
    admin_index = [e for e in registered() if e.url_name == "vegvis_admin:index"]
    problems = missing_expectations(routes(PROBE_URLS), admin_index, api=PROBE_API, admin_site=admin_site)
    assert _lines_naming(problems, "no access expectation registered for /guarded/ (probe-guarded)")
    assert _lines_naming(problems, "URL without a name, so no expectation can be registered for it: /unnamed/")
    assert _lines_naming(problems, "no access expectation registered for GET /guarded (matrix-probe:probe_guarded)")
    assert not _lines_naming(problems, "vegvis_admin:"), "the admin index stands for the site's pages"


def test_an_expectation_for_a_url_that_is_gone_is_named():
    home = next(e for e in registered() if e.url_name == "core:home")
    renamed = replace(home, url_name="core:old_home")
    problems = missing_expectations(routes(), [renamed], api=api, admin_site=admin_site)
    assert _lines_naming(problems, "expectation for a URL name that does not exist: GET core:old_home")


def test_an_expectation_must_name_every_role_and_where_a_redirect_goes():
    with pytest.raises(ValueError, match="roles missing"):
        expect("core:home", roles={"anonymous": 200})
    with pytest.raises(ValueError, match="Redirect"):
        expect("core:home", roles=dict.fromkeys(ROLES, 302))


def test_personal_data_and_export_flags_must_fit_the_roles():
    from vegvis.testing.access_matrix import staff_only

    with pytest.raises(ValueError, match="do not get 200/201"):
        expect("core:home", roles=staff_only(403), shows_personal_data=("case_handler",))
    with pytest.raises(ValueError, match="choose one"):
        expect("core:home", roles=staff_only(200), shows_personal_data=True, export=True)
