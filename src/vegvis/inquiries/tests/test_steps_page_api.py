"""The case page and the API offer the same steps in every state of a desk case (as abroad's test does for
treatment abroad): built through the services, in every state, with the data that makes each guard pass and
fail, read by the case worker, the desk lead and the medical adviser assigned to the case. Every step the state
and kind allow but a guard refuses is refused by the API too, and nothing changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.accounts.models import User
from vegvis.accounts.services import api_token_issue
from vegvis.casework.steps import NOT_OFFERED
from vegvis.inquiries.models import Case, Kind, Status
from vegvis.inquiries.services import assessments, cases
from vegvis.inquiries.steps import TABLE
from vegvis.inquiries.tests.support import ASSOCIATION, make_case
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def _with(case: Case, change: Callable[..., Any], **arguments: Any) -> Case:
    change(actor=SYSTEM, case=case, version=case.version, **arguments)
    return _fresh(case)


def _adviser_assessment(adviser: User) -> Case:
    return _with(
        make_case(),
        assessments.assessment_request,
        assessor="adviser",
        adviser=adviser,
        question="Ble bruddet oversett?",
        due_on=TODAY + timedelta(days=14),
    )


def _expert_assessment(adviser: User) -> Case:
    return _with(
        make_case(),
        assessments.assessment_request,
        assessor="expert",
        expert_name="Professor Dahl",
        question="Standard behandling?",
        due_on=TODAY + timedelta(days=14),
    )


def _revoked(case: Case) -> Case:
    cases.power_of_attorney_revoke(
        actor=SYSTEM, case=case, power_of_attorney=case.powers_of_attorney.get(), revoked_on=TODAY
    )
    return _fresh(case)


Builder = Callable[[User], Case]
ACTING = ["register_power_of_attorney", "request_records", "register_complaint"]
CLAIM = ["prepare_npe_claim"]
ALWAYS = ["request_assessment", "register_meeting"]
# The form the person signs, sent as a letter: offered on every open assistance case, with or without a power of
# attorney (a new one may be needed for a wider scope or after a revocation).
POA_FORM = ["send_power_of_attorney_form"]
# id "<kind>-<state>[-<what the data adds>]" -> (how the case is made, the case worker's steps)
SCENARIOS: dict[str, tuple[Builder, list[str]]] = {
    "assistance-open-no_power_of_attorney": (
        lambda adviser: make_case(power_of_attorney=False),
        ["register_power_of_attorney", "request_assessment", "close", *POA_FORM],
    ),
    "assistance-open": (lambda adviser: make_case(), [*ACTING, *CLAIM, *ALWAYS, "close", *POA_FORM]),
    "assistance-open-records_requested": (
        lambda adviser: _with(make_case(), cases.records_request, provider="Sykehuset", sent_on=TODAY),
        [*ACTING, "register_records", *CLAIM, *ALWAYS, "close", *POA_FORM],
    ),
    # Sent 40 days ago and unanswered: past due, so the reminder to the provider is offered.
    "assistance-open-records_past_due": (
        lambda adviser: _with(
            make_case(), cases.records_request, provider="Sykehuset", sent_on=TODAY - timedelta(days=40)
        ),
        [*ACTING, "register_records", "remind_record_request", *CLAIM, *ALWAYS, "close", *POA_FORM],
    ),
    "assistance-open-complaint_unsent": (
        lambda adviser: _with(
            make_case(), cases.complaint_register, recipient="site", provider="Legesenteret", decision_on=TODAY
        ),
        [*ACTING, "send_complaint", *CLAIM, *ALWAYS, "close", *POA_FORM],
    ),
    "assistance-open-claim_prepared": (
        lambda adviser: _with(
            make_case(), cases.claim_prepare, knew_on=TODAY - timedelta(days=30), act_on=TODAY - timedelta(days=90)
        ),
        [*ACTING, "send_npe_claim", *ALWAYS, "close", *POA_FORM],
    ),
    "assistance-open-expert_assessment": (
        _expert_assessment,
        [*ACTING, *CLAIM, "request_assessment", "register_assessment", "register_meeting", "close", *POA_FORM],
    ),
    "assistance-open-adviser_assessment": (_adviser_assessment, [*ACTING, *CLAIM, *ALWAYS, "close", *POA_FORM]),
    "assistance-open-meeting_without_notes": (
        lambda adviser: _with(make_case(), assessments.meeting_register, provider="Legesenteret", held_on=TODAY),
        [*ACTING, *CLAIM, *ALWAYS, "write_meeting_notes", "close", *POA_FORM],
    ),
    "assistance-at_npe": (lambda adviser: make_case("at_npe"), [*ACTING, "register_npe_decision", *ALWAYS, *POA_FORM]),
    "assistance-npe_decided": (
        lambda adviser: make_case("npe_decided"),
        [*ACTING, "appeal_npe_decision", *ALWAYS, "close", *POA_FORM],
    ),
    "assistance-npe_decided-power_of_attorney_revoked": (
        lambda adviser: _revoked(make_case("npe_decided")),
        ["register_power_of_attorney", "request_assessment", "close", *POA_FORM],
    ),
    "assistance-at_board": (
        lambda adviser: make_case("at_board"),
        [*ACTING, "register_board_decision", *ALWAYS, *POA_FORM],
    ),
    "assistance-closed": (lambda adviser: make_case("closed"), []),
    "information-open": (lambda adviser: make_case(kind=Kind.INFORMATION), ["close"]),
    "information-closed": (lambda adviser: make_case("closed", kind=Kind.INFORMATION), []),
}


def _kind_and_state(scenario: str) -> tuple[str, str]:
    kind, state = scenario.split("-")[:2]
    return kind, state


def _refused_by_guards(scenario: str) -> set[str]:
    kind, state = _kind_and_state(scenario)
    allowed = {
        step.event
        for step in TABLE
        if state in step.edges
        and TABLE.applies_to(step.event, kind)
        and step.offered != NOT_OFFERED
        and "inquiries.handle_case" in step.permissions
    }
    return allowed - set(SCENARIOS[scenario][1])


def page_steps(client: Any, case: Case) -> list[str]:
    page = client.get(reverse("inquiries:case", args=[case.pk]))
    assert page.status_code == 200
    return re.findall(rf"/henvendelser/saker/{case.pk}/steg/([a-z_]+)/", page.content.decode())


def api_steps(client: Any, case: Case, key: str) -> list[str]:
    response = client.get(f"/api/v1/inquiries/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    return list(response.json()["allowed_events"])


@pytest.fixture
def people():
    def person(role: str) -> tuple[User, str]:
        user = UserFactory(role=role, role__organisation=ASSOCIATION)
        return user, api_token_issue(actor=principal_for(user), user=user, name="t", scope="read_write")[1]

    return {
        "worker": person("association_case_worker"),
        "lead": person("association_lead"),
        "adviser": person("association_medical_adviser"),
    }


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_case_page_and_the_api_offer_the_same_steps(scenario, client, login, people):
    worker, worker_key = people["worker"]
    adviser, adviser_key = people["adviser"]
    lead, lead_key = people["lead"]
    case = _fresh(SCENARIOS[scenario][0](adviser))
    assert (case.kind, case.status) == _kind_and_state(scenario)
    expected = SCENARIOS[scenario][1]
    closed = case.status == Status.CLOSED

    checked = [("worker", worker, worker_key, expected), ("lead", lead, lead_key, ["reopen"] if closed else expected)]
    if case.medical_adviser_id == adviser.pk:
        checked.append(("adviser", adviser, adviser_key, ["give_assessment"]))
    for who, user, key, steps in checked:
        login(user)
        page, api = page_steps(client, case), api_steps(client, case, key)
        assert page == api == TABLE.available_steps(principal_for(user), case), (who, page, api)
        # In the table's order, and exactly the steps the rules give this person (written down above).
        assert page == [event for event in TABLE.events if event in steps] and set(page) == set(steps), (who, page)

    for event in sorted(_refused_by_guards(scenario)):
        assert TABLE.refusal(case, event) is not None, event
        before = case.version
        response = client.post(
            f"/api/v1/inquiries/cases/{case.pk}/transitions",
            {"event": event, "version": case.version, "data": {}},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {worker_key}",
        )
        # The guard's refusal, said before the step's fields are read (none are sent here).
        assert response.status_code == 409, (event, response.content)
        assert response.json() == {"detail": TABLE.refusal(case, event), "code": "transition_refused", "errors": None}
        assert _fresh(case).version == before, event


def test_the_scenarios_reach_every_state_every_step_and_every_guard():
    assert {_kind_and_state(s)[1] for s in SCENARIOS} == set(Status.values)
    offered = {event for _build, expected in SCENARIOS.values() for event in expected}
    offered |= {"reopen", "give_assessment"}  # the lead's and the adviser's
    assert offered == {step.event for step in TABLE if step.offered != NOT_OFFERED}
    guarded = {step.event for step in TABLE if step.guards and "inquiries.handle_case" in step.permissions}
    refused = {event for scenario in SCENARIOS for event in _refused_by_guards(scenario)}
    assert refused == guarded
