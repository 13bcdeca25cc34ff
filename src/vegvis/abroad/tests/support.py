"""Treatment-abroad test data, made through the real services so each state has a consistent history.

``make_case(state="rejected")`` gives a case that has been taken to that state the way a case handler would.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.abroad.models import Case, Method, Outcome, Route
from vegvis.abroad.services import appeals, cases, decisions, followup
from vegvis.access.commands import OperatorPrincipal
from vegvis.core.models import ExchangeRate, Organisation
from vegvis.testing.factories import OrganisationFactory, PersonFactory, region

OPERATOR = OperatorPrincipal("test")

STATES = [
    "received",
    "info_requested",
    "info_received",
    "assessment_requested",
    "assessment_received",
    "rejected",
    "appealed",
    "at_appeals_body",
    "follow_up",
    "closed",
]


def expert_community() -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.EXPERT_COMMUNITY, name="Nevrokirurgisk avdeling, OUS", city="Oslo", country="NO"
    )


def hospital(
    name: str = "Karolinska Universitetssjukhuset", city: str = "Stockholm", country: str = "SE"
) -> Organisation:
    return OrganisationFactory(kind=Organisation.Kind.HOSPITAL, name=name, city=city, country=country)


def rates(day: date, **nok_per_unit: str) -> None:
    for currency, value in nok_per_unit.items():
        ExchangeRate.objects.update_or_create(currency=currency, date=day, defaults={"nok_per_unit": Decimal(value)})


def make_case(
    state: str = "received",
    *,
    route: str = Route.TREATMENT_ABROAD,
    home_region: str = "helse-sor-ost",
    received: date | None = None,
    method: Method | None = None,
    actor: Any = OPERATOR,
    **extra: Any,
) -> Case:
    today = timezone.localdate()
    received = received or today - timedelta(days=60)
    person = PersonFactory(home_region=region(home_region))
    case = cases.case_create(
        actor=actor,
        data=cases.ApplicationData(
            patient=person,
            route=route,
            received_date=received,
            diagnosis_icd10=extra.pop("diagnosis", "G40.2"),
            requested_treatment="MEG-undersøkelse",
            hospital=hospital(),
            method=method,
            **extra,
        ),
    )
    advance(case, state, actor=actor)
    return case


def advance(case: Case, state: str, *, actor: Any = OPERATOR) -> Case:
    """Take a case from `received` to `state` along the usual path for its route."""
    today = timezone.localdate()
    if state == "received":
        return case
    if state in {"info_requested", "info_received"}:
        cases.case_request_info(actor=actor, case=case, version=case.version, text="Epikrise mangler", recipient="Lege")
        if state == "info_received":
            cases.case_register_info(
                actor=actor, case=case, version=case.version, received_on=today, summary="Epikrise", sender="Lege"
            )
        return case
    if case.route in {Route.TREATMENT_ABROAD}:
        cases.case_request_assessment(
            actor=actor,
            case=case,
            version=case.version,
            expert_community=expert_community(),
            question="Adekvat tilbud?",
        )
        if state == "assessment_requested":
            return case
        cases.assessment_answer(
            actor=actor,
            assessment=case.assessments.get(),
            recommendation="supports",
            conclusion="Støttes.",
            by_letter=True,
            version=case.version,
        )
        if state == "assessment_received":
            return case
    granting = state in {"follow_up", "closed"}
    if case.route == Route.TREATMENT_ABROAD:
        decisions.case_decide(
            actor=actor,
            case=case,
            version=case.version,
            decision=decisions.DecisionData(
                outcome=Outcome.GRANTED if granting else Outcome.REJECTED,
                decided_on=today - timedelta(days=40),
                grounds="Begrunnelse.",
                method_override_reason="Særlige grunner." if granting and case.method else "",
            ),
        )
    else:
        decisions.case_record_external_decision(
            actor=actor,
            case=case,
            version=case.version,
            granted=granting,
            decided_on=today - timedelta(days=40),
            decided_by="Annet organ",
        )
    if state in {"rejected", "follow_up"}:
        return case
    if state == "closed":
        followup.case_close(actor=actor, case=case, version=case.version, closed_on=today)
        return case
    appeals.case_register_appeal(
        actor=actor, case=case, version=case.version, received_date=today - timedelta(days=30), grounds="Uenig."
    )
    if state == "appealed":
        return case
    if case.route != Route.PGD:
        appeals.case_forward_appeal(
            actor=actor, case=case, version=case.version, forwarded_on=today - timedelta(days=10)
        )
    return case
