"""The workflow's guards on the case's data, walked edge by edge on real cases: the services refuse exactly the
steps the case page and the API do not offer (issue 11: a partly granted decision can be appealed)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Appeal, Case, Decision, Outcome, Route, Status
from vegvis.abroad.services import appeals, base, decisions, followup
from vegvis.abroad.steps import TABLE
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.casework.steps import TransitionRefused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
APPEAL_EVENTS = [
    "register_appeal",
    "reverse_on_appeal",
    "forward_appeal",
    "record_appeal_upheld",
    "record_appeal_reversed",
]


def partly_granted(**extra) -> Case:
    case = make_case("assessment_received", **extra)
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(
            outcome=Outcome.PARTLY_GRANTED,
            decided_on=TODAY - timedelta(days=20),
            grounds="Behandlingen dekkes, ikke ledsager.",
            coverage={"treatment": True, "travel": True},
        ),
    )
    return case


def take(case: Case, event: str) -> None:
    """Take the step through its service, with the data a case handler would give."""
    calls = {
        "register_appeal": lambda: appeals.case_register_appeal(
            actor=OPERATOR,
            case=case,
            version=case.version,
            received_date=TODAY - timedelta(days=1),
            grounds="Uenig.",
            late_reason="Pasienten var innlagt.",
        ),
        "reverse_on_appeal": lambda: appeals.case_reverse_on_appeal(
            actor=OPERATOR, case=case, version=case.version, decided_on=TODAY, grounds="Ledsager dekkes likevel."
        ),
        "forward_appeal": lambda: appeals.case_forward_appeal(
            actor=OPERATOR, case=case, version=case.version, forwarded_on=TODAY
        ),
        "record_appeal_upheld": lambda: appeals.case_record_appeal_decision(
            actor=OPERATOR, case=case, version=case.version, reversed_=False, received_on=TODAY
        ),
        "record_appeal_reversed": lambda: appeals.case_record_appeal_decision(
            actor=OPERATOR, case=case, version=case.version, reversed_=True, received_on=TODAY
        ),
        "close": lambda: followup.case_close(actor=OPERATOR, case=case, version=case.version, closed_on=TODAY),
    }
    calls[event]()


def offered(case: Case) -> set[str]:
    case.refresh_from_db()
    return set(base.available_events(OPERATOR, case)) & {*APPEAL_EVENTS, "close"}


def assert_refused_except(case: Case, allowed: set[str]) -> None:
    """Every appeal step and closing that is not offered is refused by its service, and changes nothing."""
    for event in sorted({*APPEAL_EVENTS, "close"} - allowed):
        before = (case.status, case.version, case.final_outcome, case.appeals.count(), case.decisions.count())
        with pytest.raises(TransitionRefused):
            take(case, event)
        case.refresh_from_db()
        after = (case.status, case.version, case.final_outcome, case.appeals.count(), case.decisions.count())
        assert after == before, event


@pytest.mark.parametrize("ending", ["record_appeal_upheld", "record_appeal_reversed", "reverse_on_appeal"])
def test_a_partly_granted_case_is_appealed_while_its_follow_up_goes_on(ending):
    case = partly_granted()
    assert case.status == Status.FOLLOW_UP
    assert offered(case) == {"register_appeal", "close"}
    assert_refused_except(case, {"register_appeal", "close"})

    take(case, "register_appeal")
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.due_reason == "appeal_reconsideration"
    assert offered(case) == {"reverse_on_appeal", "forward_appeal"}  # and not closed while the appeal runs
    assert_refused_except(case, {"reverse_on_appeal", "forward_appeal"})
    # The granted part's follow-up goes on meanwhile: travel is booked while the appeal runs.
    followup.booking_add(
        actor=OPERATOR,
        case=case,
        version=case.version,
        kind="flight",
        travellers="Pasienten",
        companions=0,
        starts_on=TODAY,
        ends_on=None,
        description="SAS Oslo–Stockholm",
    )
    assert case.bookings.count() == 1

    if ending == "reverse_on_appeal":
        take(case, "reverse_on_appeal")
        case.refresh_from_db()
        assert case.status == Status.FOLLOW_UP and case.final_outcome == Outcome.GRANTED
        assert offered(case) == {"close"}
        assert_refused_except(case, {"close"})
        return
    take(case, "forward_appeal")
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.due_reason == "appeals_body"
    assert offered(case) == {"record_appeal_upheld", "record_appeal_reversed"}
    assert_refused_except(case, {"record_appeal_upheld", "record_appeal_reversed"})

    take(case, ending)
    case.refresh_from_db()
    # Upheld: the partial grant stands and its follow-up goes on (not closed). Reversed: fully granted.
    assert case.status == Status.FOLLOW_UP and case.closed_on is None
    expected = Outcome.PARTLY_GRANTED if ending == "record_appeal_upheld" else Outcome.GRANTED
    assert case.final_outcome == expected
    assert offered(case) == {"close"}  # appealed once: the appeals body's decision is final
    assert_refused_except(case, {"close"})
    kinds = list(case.decisions.values_list("kind", "outcome"))
    assert kinds == [(Decision.Kind.ORIGINAL, Outcome.PARTLY_GRANTED), (Decision.Kind.APPEALS_BODY, expected)]


def test_a_full_grant_cannot_be_appealed_by_the_office():
    case = make_case("follow_up")
    assert "register_appeal" not in offered(case)
    with pytest.raises(TransitionRefused, match="Only a rejection or a partial grant"):
        take(case, "register_appeal")


def test_a_rejection_is_closed_only_after_its_appeal_deadline():
    case = make_case("assessment_received")
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(outcome=Outcome.REJECTED, decided_on=TODAY - timedelta(days=3), grounds="Nei."),
    )
    assert offered(case) == {"register_appeal"}
    assert_refused_except(case, {"register_appeal"})


def test_a_rejection_still_goes_through_the_appeal_states():
    case = make_case("rejected")  # decided 40 days ago: the four weeks to appeal have run
    assert offered(case) == {"register_appeal", "close"}
    take(case, "register_appeal")
    case.refresh_from_db()
    assert case.status == Status.APPEALED
    take(case, "forward_appeal")
    take(case, "record_appeal_upheld")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.final_outcome == Outcome.REJECTED


@pytest.fixture
def api_key(case_handler):
    return api_token_issue(actor=principal_for(case_handler), user=case_handler, name="test")[1]


def test_page_buttons_the_api_and_the_services_agree_at_every_step(client, login, case_handler, api_key):
    """At each step of a partly granted case's appeal, the case page's step buttons, the API's allowed_events
    and the services' available_events are the same set."""
    case = partly_granted()
    who = principal_for(case_handler)
    login(case_handler)
    for event in [None, "register_appeal", "forward_appeal", "record_appeal_upheld"]:
        if event:
            take(case, event)
        case.refresh_from_db()
        page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
        buttons = set(re.findall(rf"/utland/saker/{case.pk}/steg/([a-z_]+)/", page))
        api = client.get(f"/api/v1/abroad/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {api_key}").json()
        services_say = set(base.available_events(who, case))
        assert buttons == set(api["allowed_events"]) == services_say, event


def test_routes_without_appeal_offer_none():
    for route in (Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL):
        assert not set(APPEAL_EVENTS) & TABLE.kind_events[route]
        case = make_case("rejected", route=route)
        assert not offered(case) & set(APPEAL_EVENTS)
        with pytest.raises(TransitionRefused):
            take(case, "register_appeal")


def test_an_appeal_cannot_be_received_in_the_future():
    case = make_case("rejected")
    with pytest.raises(ValidationError):
        appeals.case_register_appeal(
            actor=OPERATOR, case=case, version=case.version, received_date=TODAY + timedelta(days=1)
        )
    assert not Appeal.objects.filter(case=case).exists()
