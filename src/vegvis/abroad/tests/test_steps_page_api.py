"""Issue 12's done-when: for every workflow state, on every route, the case page and the API offer the same steps.

Each case is built through the services, in every state its route reaches and with the data that makes each guard
pass and fail (an appeal at each of its steps, an invoice not settled, the appeal deadline running, a provisional
reply already sent, an assessment a medical adviser answers in Vegvis). For a case handler with every permission of
the case, a medical adviser assigned to it and a case handler of another office reading it with emergency access,
the buttons on the case page (its next steps and its provisional-reply panel) are the API's ``allowed_events`` and
the step table's ``available_steps``; and every step the state allows but a guard refuses is refused by the API too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Assessment, Case, Outcome, Route, Status
from vegvis.abroad.services import appeals, cases, decisions, followup
from vegvis.abroad.steps import TABLE
from vegvis.abroad.tests.support import OPERATOR, expert_community, make_case
from vegvis.access.policies import open_emergency_access
from vegvis.access.principal import principal_for
from vegvis.accounts.models import User
from vegvis.accounts.services import api_token_issue
from vegvis.casework.steps import NEXT_STEPS, NOT_OFFERED, TransitionRefused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PROVISIONAL_REPLY_URL = re.compile(r"/utland/saker/\d+/oppfolging/provisional_reply/")


# ---------------------------------------------------------------- the cases, one per state, route and guard


def _assessment(case: Case, *, adviser: User | None = None, answer: bool = False) -> Case:
    cases.case_request_assessment(
        actor=OPERATOR,
        case=case,
        version=case.version,
        expert_community=expert_community(),
        question="Adekvat tilbud?",
        adviser=adviser,
    )
    if answer:
        assessment = case.assessments.get()
        who = OPERATOR if adviser is None else principal_for(adviser)
        cases.assessment_answer(
            actor=who, assessment=assessment, recommendation="supports", conclusion="Ja.", by_letter=adviser is None
        )
    case.refresh_from_db()
    return case


def _provisional_reply(case: Case) -> Case:
    cases.case_send_provisional_reply(
        actor=OPERATOR, case=case, version=case.version, expected_by=TODAY + timedelta(days=30), reason="Venter."
    )
    case.refresh_from_db()
    return case


def _decided(outcome: str, *, days_ago: int = 40, route: str = Route.TREATMENT_ABROAD) -> Case:
    case = make_case("assessment_received", route=route)
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(
            outcome=outcome,
            decided_on=TODAY - timedelta(days=days_ago),
            grounds="Begrunnelse.",
            coverage={"treatment": True, "travel": True} if outcome != Outcome.REJECTED else {},
        ),
    )
    return case


def _appeal(case: Case, *, to: str) -> Case:
    """Take the case's appeal to a step: registered, forwarded, or decided (upheld) by the appeals body."""
    appeals.case_register_appeal(
        actor=OPERATOR, case=case, version=case.version, received_date=TODAY - timedelta(days=5), grounds="Uenig."
    )
    if to in {"forwarded", "upheld"}:
        appeals.case_forward_appeal(actor=OPERATOR, case=case, version=case.version, forwarded_on=TODAY)
    if to == "upheld":
        appeals.case_record_appeal_decision(
            actor=OPERATOR, case=case, version=case.version, reversed_=False, received_on=TODAY
        )
    case.refresh_from_db()
    return case


def _unsettled_invoice(case: Case) -> Case:
    followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=case.version,
        kind="invoice",
        category="treatment",
        amount=Decimal("1000.00"),
        currency="NOK",
        invoice_date=TODAY - timedelta(days=3),
        amount_confirmed=True,
    )
    case.refresh_from_db()
    return case


def _closed_rejection() -> Case:
    case = _decided(Outcome.REJECTED, days_ago=60)
    followup.case_close(actor=OPERATOR, case=case, version=case.version, closed_on=TODAY)
    case.refresh_from_db()
    return case


def _advice_given() -> Case:
    case = make_case("received", route=Route.HELFO_ADVICE)
    decisions.case_give_advice(
        actor=OPERATOR, case=case, version=case.version, advice="Refusjon anbefales.", given_on=TODAY
    )
    case.refresh_from_db()
    return case


def _at_appeals_body(route: str) -> Case:
    case = make_case("appealed", route=route)
    if case.status == Status.APPEALED:  # a PGD appeal goes straight on to Statsforvalteren when registered
        appeals.case_forward_appeal(actor=OPERATOR, case=case, version=case.version, forwarded_on=TODAY)
    case.refresh_from_db()
    return case


Builder = Callable[[User], Case]
TA, PGD, PT, NORDIC, HELFO = (
    Route.TREATMENT_ABROAD,
    Route.PGD,
    Route.PARTICLE_THERAPY,
    Route.NORDIC_DRUG_PROTOCOL,
    Route.HELFO_ADVICE,
)
DECIDED_ELSEWHERE = (PGD, PT, NORDIC)
REPLY = "send_provisional_reply"
# What the case handler is offered before the decision, by route (written down from the rules, not the table).
DECIDE = {
    TA: ["grant", "reject", "withdraw"],
    PGD: ["withdraw", "record_external_grant", "record_external_rejection"],
    PT: ["withdraw", "record_external_grant", "record_external_rejection"],
    NORDIC: ["withdraw", "record_external_grant", "record_external_rejection"],
    HELFO: ["withdraw", "give_advice"],
}

# id "<route>-<state>[-<what the data adds>]" -> (how the case is made, the case handler's steps in page order)
SCENARIOS: dict[str, tuple[Builder, list[str]]] = {}
for _r in Route.values:
    _open = ["request_info", "request_assessment", *DECIDE[_r]]
    _info_requested = ["register_info", "withdraw", *(DECIDE[_r][1:] if _r in DECIDED_ELSEWHERE else [])]
    SCENARIOS |= {
        f"{_r}-received": (lambda adviser, r=_r: make_case("received", route=r), [*_open, REPLY]),
        f"{_r}-received-provisional_reply_sent": (
            lambda adviser, r=_r: _provisional_reply(make_case(route=r)),
            _open,
        ),
        f"{_r}-info_requested": (lambda adviser, r=_r: make_case("info_requested", route=r), [*_info_requested, REPLY]),
        f"{_r}-info_received": (lambda adviser, r=_r: make_case("info_received", route=r), [*_open, REPLY]),
        f"{_r}-assessment_requested": (
            lambda adviser, r=_r: _assessment(make_case(route=r)),
            ["register_assessment", "withdraw", REPLY],
        ),
        f"{_r}-assessment_received": (
            lambda adviser, r=_r: _assessment(make_case(route=r), answer=True),
            [*_open, REPLY],
        ),
    }
for _r in (TA, PGD, PT, NORDIC):
    # make_case decides 40 days back: the appeal deadline has run, so a rejection can be closed.
    SCENARIOS |= {
        f"{_r}-rejected": (
            lambda adviser, r=_r: make_case("rejected", route=r),
            ["register_appeal", "close"] if _r in (TA, PGD) else ["close"],
        ),
        f"{_r}-follow_up": (lambda adviser, r=_r: make_case("follow_up", route=r), ["close"]),
        f"{_r}-closed": (lambda adviser, r=_r: make_case("closed", route=r), []),  # a grant: nothing to appeal
    }
# The office reconsiders a treatment-abroad appeal; a PGD appeal goes straight on to the appeals body.
SCENARIOS[f"{TA}-appealed"] = (lambda adviser: make_case("appealed"), ["reverse_on_appeal", "forward_appeal"])
for _r in (TA, PGD):
    SCENARIOS[f"{_r}-at_appeals_body"] = (
        lambda adviser, r=_r: _at_appeals_body(r),
        ["record_appeal_upheld", "record_appeal_reversed"],
    )
SCENARIOS |= {
    "helfo_advice-closed": (lambda adviser: _advice_given(), []),
    "treatment_abroad-info_requested-provisional_reply_sent": (
        lambda adviser: _provisional_reply(make_case("info_requested")),
        ["register_info", "withdraw"],
    ),
    # The medical adviser answers in Vegvis: the office registers no letter for it.
    "treatment_abroad-assessment_requested-adviser": (
        lambda adviser: _assessment(make_case(), adviser=adviser),
        ["withdraw", REPLY],
    ),
    "treatment_abroad-assessment_received-adviser": (
        lambda adviser: _assessment(make_case(), adviser=adviser, answer=True),
        ["request_info", "request_assessment", "grant", "reject", "withdraw", REPLY],
    ),
    "treatment_abroad-rejected-appeal_deadline_running": (
        lambda adviser: _decided(Outcome.REJECTED, days_ago=3),
        ["register_appeal"],
    ),
    "treatment_abroad-closed-rejection": (lambda adviser: _closed_rejection(), ["register_appeal"]),
    "treatment_abroad-follow_up-invoice_unsettled": (
        lambda adviser: _unsettled_invoice(make_case("follow_up")),
        [],  # a full grant is not appealed, and the case is closed when its invoices are settled
    ),
    "treatment_abroad-follow_up-partly_granted": (
        lambda adviser: _decided(Outcome.PARTLY_GRANTED, days_ago=5),
        ["register_appeal", "close"],
    ),
    "treatment_abroad-follow_up-partly_granted-invoice_unsettled": (
        lambda adviser: _unsettled_invoice(_decided(Outcome.PARTLY_GRANTED, days_ago=5)),
        ["register_appeal"],
    ),
    "treatment_abroad-follow_up-partly_granted-appeal_registered": (
        lambda adviser: _appeal(_decided(Outcome.PARTLY_GRANTED, days_ago=5), to="registered"),
        ["reverse_on_appeal", "forward_appeal"],
    ),
    "treatment_abroad-follow_up-partly_granted-appeal_forwarded": (
        lambda adviser: _appeal(_decided(Outcome.PARTLY_GRANTED, days_ago=5), to="forwarded"),
        ["record_appeal_upheld", "record_appeal_reversed"],
    ),
    "treatment_abroad-follow_up-partly_granted-appeal_upheld": (
        lambda adviser: _appeal(_decided(Outcome.PARTLY_GRANTED, days_ago=5), to="upheld"),
        ["close"],
    ),
}


def _route_and_state(scenario: str) -> tuple[str, str]:
    route, state = scenario.split("-")[:2]
    return route, state


def _refused_by_guards(scenario: str) -> set[str]:
    """The steps the scenario's state and route allow the case handler but its data does not: only a guard can
    refuse them."""
    route, state = _route_and_state(scenario)
    allowed = {
        step.event
        for step in TABLE
        if state in step.edges and TABLE.applies_to(step.event, route) and step.offered != NOT_OFFERED
    }
    return allowed - set(SCENARIOS[scenario][1])


# What each step's form takes through the API (the same fields as the page's form).
STEP_DATA: dict[str, dict[str, Any]] = {
    "request_info": {"recipient": "Lege", "text": "Epikrise mangler."},
    "register_info": {"received_on": TODAY.isoformat(), "sender": "Lege", "summary": "Epikrise."},
    "withdraw": {"withdrawn_on": TODAY.isoformat()},
    "register_appeal": {"received_date": TODAY.isoformat(), "grounds": "Uenig."},
    "reverse_on_appeal": {"decided_on": TODAY.isoformat(), "grounds": "Ledsager dekkes."},
    "forward_appeal": {"forwarded_on": TODAY.isoformat()},
    "record_appeal_upheld": {"received_on": TODAY.isoformat()},
    "record_appeal_reversed": {"received_on": TODAY.isoformat()},
    "close": {"closed_on": TODAY.isoformat()},
    "send_provisional_reply": {"expected_by": (TODAY + timedelta(days=30)).isoformat(), "reason": "Venter."},
}


# ---------------------------------------------------------------- what the page, the API and the table offer


def page_steps(client: Any, case: Case) -> list[str]:
    """The steps the case page offers: its next-step buttons in order, then its provisional-reply panel."""
    page = client.get(reverse("abroad:case", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    buttons = re.findall(rf"/utland/saker/{case.pk}/steg/([a-z_]+)/", html)
    return buttons + (["send_provisional_reply"] if PROVISIONAL_REPLY_URL.search(html) else [])


def api_steps(client: Any, case: Case, key: str) -> list[str]:
    response = client.get(f"/api/v1/abroad/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    return list(response.json()["allowed_events"])


def table_steps(user: User, case: Case) -> list[str]:
    available = TABLE.available_steps(principal_for(user), case)
    # The page shows its next steps in the table's order, and the steps offered apart in their own panel after.
    return [e for e in available if TABLE.step(e).offered == NEXT_STEPS] + [
        e for e in available if TABLE.step(e).offered != NEXT_STEPS
    ]


@pytest.fixture
def people(case_handler, case_handler_bergen, medical_adviser):
    def key(user: User, scope: str = "read") -> str:
        return api_token_issue(actor=principal_for(user), user=user, name="test", scope=scope)[1]

    return {
        "handler": (case_handler, key(case_handler, "read_write")),
        "adviser": (medical_adviser, key(medical_adviser)),
        "emergency": (case_handler_bergen, key(case_handler_bergen)),
    }


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_case_page_and_the_api_offer_the_same_steps(scenario, client, login, people):
    handler, handler_key = people["handler"]
    adviser, adviser_key = people["adviser"]
    bergen, bergen_key = people["emergency"]
    build, expected = SCENARIOS[scenario]
    case = build(adviser)
    case.refresh_from_db()
    assert (case.route, case.status) == _route_and_state(scenario)
    open_emergency_access(principal=principal_for(bergen), obj=case, reason="Pasienten er innlagt hos oss i natt.")

    checked = [("handler", handler, handler_key), ("emergency access", bergen, bergen_key)]
    if Assessment.objects.filter(case=case, adviser=adviser).exists():
        checked.append(("medical adviser", adviser, adviser_key))
    for who, user, key in checked:
        login(user)
        case.refresh_from_db()
        page, api, table = page_steps(client, case), api_steps(client, case, key), table_steps(user, case)
        assert page == table, (who, page, table)
        assert api == TABLE.available_steps(principal_for(user), case), (who, api)
        assert sorted(api) == sorted(page), (who, api, page)
        # Reading with emergency access, or answering on the adviser's own page: no step of the case.
        assert page == (expected if who == "handler" else []), (who, page)

    # What the state and route allow the handler but a guard refuses is not offered, and the API refuses it.
    for event in sorted(_refused_by_guards(scenario)):
        assert TABLE.refusal(case, event) is not None, event  # a guard's: the state and route allow the step
        before = case.version
        if event == "register_assessment":
            # Its form offers only the requests answered by letter; the service refuses the adviser's too.
            with pytest.raises(TransitionRefused) as refused:
                cases.assessment_answer(
                    actor=principal_for(handler),
                    assessment=case.assessments.get(answered_on__isnull=True),
                    recommendation="supports",
                    conclusion="Ja.",
                    by_letter=True,
                    version=case.version,
                )
            assert str(refused.value) == TABLE.refusal(case, event)
        else:
            response = client.post(
                f"/api/v1/abroad/cases/{case.pk}/transitions",
                {"event": event, "version": case.version, "data": STEP_DATA[event]},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {handler_key}",
            )
            assert response.status_code == 409, (event, response.content)
            assert response.json()["code"] == "transition_refused", event
        case.refresh_from_db()
        assert case.version == before, event


def test_the_scenarios_reach_every_state_every_step_and_every_guard():
    """Together the scenarios visit every state, offer every step of the case page and the API, and see each guard
    refuse its step; nothing but a guard refuses a step the state and route allow."""
    assert {_route_and_state(s)[1] for s in SCENARIOS} == set(Status.values)
    assert {_route_and_state(s)[0] for s in SCENARIOS} == set(Route.values)
    offered = {event for _build, expected in SCENARIOS.values() for event in expected}
    assert offered == {step.event for step in TABLE if step.offered != NOT_OFFERED}
    guarded = {step.event for step in TABLE if step.guards}
    refused = {event for scenario in SCENARIOS for event in _refused_by_guards(scenario)}
    assert refused == guarded
