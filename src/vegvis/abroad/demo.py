"""Demo cases for treatment abroad, made through the real services so every case has a consistent history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.abroad.demo_profiles import DEMO_RATES, PROFILES
from vegvis.abroad.models import Case, Method, Outcome, Route, Status
from vegvis.abroad.services import appeals, cases, decisions, followup
from vegvis.core.demo import DemoContext, synthetic_person
from vegvis.core.models import ExchangeRate, Organisation, Region

# A living office (issue 11): the demo's worklist shows a few cases overdue, not most. Information asked for is
# in within about six weeks, a medical adviser answers within two months, a month-old case gets a provisional
# reply, and a rejection nobody appealed is closed after the appeal deadline.
INFO_ANSWERED_AFTER = 40
ADVISER_ANSWER_PENDING_UNTIL = 45
PROVISIONAL_REPLY_AFTER = 26


def populate(context: DemoContext) -> None:
    _demo_rates(context)
    if Case.objects.exists() and not context.shared.get("again"):
        context.say("Treatment-abroad cases exist already; none added (use --again to add more)\n")
        return
    from vegvis.abroad import demo_bulk

    if context.cases >= demo_bulk.BULK_THRESHOLD:
        demo_bulk.populate(context)
        return
    hospitals = {h.name: h for h in Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL)}
    experts = list(Organisation.objects.filter(kind=Organisation.Kind.EXPERT_COMMUNITY))
    regions = list(Region.objects.all())
    weights = {"helse-sor-ost": 50, "helse-vest": 20, "helse-midt-norge": 15, "helse-nord": 15}
    from vegvis.accounts.models import User

    adviser = User.objects.filter(username="radgiver").first()
    handlers = {a.office_id: a.user for a in _handler_assignments()}
    rng = context.random
    today = timezone.localdate()
    created = 0
    for index in range(context.cases):
        region = rng.choices(regions, weights=[weights[r.code] for r in regions])[0]
        route, code, treatment, hospital_name = rng.choice(PROFILES)
        age_years = rng.choice([2, 5, 9, 15, 24, 31, 34, 38, 45, 52, 61, 70])
        birth = today - timedelta(days=age_years * 365 + rng.randrange(0, 365))
        person = synthetic_person(context, region=region, birth_date=birth)
        received = today - timedelta(days=rng.randrange(0, 300))
        method = (
            Method.objects.filter(name__startswith="MR-undersøkelse").first() if "vektbærende" in treatment else None
        )
        case = cases.case_create(
            actor=context.principal,
            data=cases.ApplicationData(
                patient=person,
                route=route,
                received_date=received,
                diagnosis_icd10=code,
                applicant=Case.Applicant.REFERRING_BODY
                if route in {Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL}
                else Case.Applicant.HOSPITAL_DOCTOR,
                applicant_name=rng.choice(
                    ["Overlege Kari Lunde", "Lege Per Hansen", "Overlege Anne Vik", "Fastlege Jon Berge"]
                ),
                requested_treatment=treatment,
                hospital=hospitals.get(hospital_name),
                method=method,
            ),
        )
        handler = handlers.get(case.office_id)
        if handler is not None:
            cases.case_update(actor=context.principal, case=case, version=case.version, handler=handler)
        _advance(context, case, today=today, experts=experts, adviser=adviser if index % 4 == 0 else None)
        created += 1
    context.say(f"{created} treatment-abroad cases\n")


def _handler_assignments() -> Any:
    from vegvis.accounts.models import RoleAssignment

    return RoleAssignment.objects.filter(role__code="case_handler").select_related("user")


def _demo_rates(context: DemoContext) -> None:
    if ExchangeRate.objects.exists():
        return
    rng = context.random
    day = timezone.localdate() - timedelta(days=800)
    rows = []
    while day <= timezone.localdate():
        if day.weekday() < 5:
            for currency, base in DEMO_RATES.items():
                wobble = Decimal(1) + Decimal(rng.randrange(-400, 400)) / Decimal(10000)
                rows.append(
                    ExchangeRate(
                        currency=currency,
                        date=day,
                        nok_per_unit=(Decimal(base) * wobble).quantize(Decimal("0.0001")),
                        source="demo (synthetic)",
                    )
                )
        day += timedelta(days=1)
    ExchangeRate.objects.bulk_create(rows)


def _advance(context: DemoContext, case: Case, *, today: date, experts: list[Organisation], adviser: Any) -> None:
    """Move a case along a plausible path, as far as its age allows."""
    rng = context.random
    actor = context.principal
    age = (today - case.received_date).days
    if age < 10:
        return
    if case.route == Route.HELFO_ADVICE:
        decisions.case_give_advice(
            actor=actor,
            case=case,
            version=case.version,
            given_on=case.received_date + timedelta(days=9),
            advice="Behandlingen tilsvarer det som tilbys i Norge; refusjon etter EØS-forskriften anbefales.",
        )
        return
    if case.route in {Route.PGD, Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL}:
        decided_by = {
            Route.PGD: "St. Olavs hospital" if case.office.code == "st-olavs" else "Oslo universitetssykehus",
            Route.PARTICLE_THERAPY: "Regionens protongruppe",
            Route.NORDIC_DRUG_PROTOCOL: "Barneonkologisk fagmiljø",
        }[Route(case.route)]
        decisions.case_record_external_decision(
            actor=actor,
            case=case,
            version=case.version,
            granted=rng.random() < 0.92,
            decided_on=case.received_date + timedelta(days=7),
            decided_by=decided_by,
        )
        _follow_up(context, case, today=today)
        _close_unappealed(context, case, today=today)
        return
    step = rng.random()
    waited = 0  # days spent waiting for information before the medical assessment was asked for
    if step < 0.15:
        cases.case_request_info(
            actor=actor,
            case=case,
            version=case.version,
            recipient=case.applicant_name,
            text="Vi ber om epikrise og oppdatert henvisning med beskrivelse av tidligere behandling.",
        )
        if age < INFO_ANSWERED_AFTER:
            _reply_while_waiting(context, case, today=today, age=age)
            return
        # A living office got the information in time and went on; only recent requests are still waiting.
        cases.case_register_info(
            actor=actor,
            case=case,
            version=case.version,
            received_on=case.received_date + timedelta(days=14),
            sender=case.applicant_name,
            summary="Epikrise og oppdatert henvisning.",
        )
        waited = 14
    cases.case_request_assessment(
        actor=actor,
        case=case,
        version=case.version,
        expert_community=rng.choice(experts),
        adviser=adviser,
        requested_on=case.received_date + timedelta(days=3 + waited),
        question="Finnes det et adekvat tilbud i Norge? Er behandlingen i utlandet dokumentert mer virkningsfull?",
    )
    if age < 30 + waited or (adviser is not None and age < ADVISER_ANSWER_PENDING_UNTIL and rng.random() < 0.6):
        _reply_while_waiting(context, case, today=today, age=age)
        return
    assessment = case.assessments.get()
    supports = "vektbærende" not in case.requested_treatment and rng.random() < 0.8
    cases.assessment_answer(
        actor=actor,
        assessment=assessment,
        by_letter=True,
        answered_on=case.received_date + timedelta(days=21 + waited),
        recommendation="supports" if supports else "does_not_support",
        conclusion="Tilbudet finnes ikke i Norge med tilsvarende kvalitet."
        if supports
        else "Det finnes et adekvat tilbud i Norge.",
    )
    decided_on = min(today, case.received_date + timedelta(days=28 + waited))
    decision = decisions.DecisionData(
        outcome=Outcome.GRANTED if supports else Outcome.REJECTED,
        decided_on=decided_on,
        grounds=(
            "Fagmiljøet bekrefter at det ikke finnes et adekvat tilbud i Norge."
            if supports
            else "Det finnes et adekvat medisinsk tilbud i Norge, jf. fagmiljøets vurdering."
        ),
        coverage={
            "treatment": True,
            "travel": True,
            "stay": True,
            "companion": (case.patient.birth_date or today).year > today.year - 18,
            "guarantee": True,
        },
    )
    decisions.case_decide(actor=actor, case=case, version=case.version, decision=decision)
    if supports:
        _follow_up(context, case, today=today)
    elif age > 60 and rng.random() < 0.7:
        appeals.case_register_appeal(
            actor=actor,
            case=case,
            version=case.version,
            received_date=decided_on + timedelta(days=14),
            grounds="Pasienten mener tilbudet i Norge ikke er likeverdig.",
        )
        if (today - decided_on).days > 38:  # the office reconsiders within three weeks of the appeal
            if rng.random() < 0.15:
                appeals.case_reverse_on_appeal(
                    actor=actor,
                    case=case,
                    version=case.version,
                    decided_on=decided_on + timedelta(days=25),
                    grounds="Ny dokumentasjon viser at tilbudet i Norge ikke er adekvat for denne pasienten.",
                )
                _follow_up(context, case, today=today)
            else:
                appeals.case_forward_appeal(
                    actor=actor, case=case, version=case.version, forwarded_on=decided_on + timedelta(days=28)
                )
                if age > 150:
                    appeals.case_record_appeal_decision(
                        actor=actor,
                        case=case,
                        version=case.version,
                        reversed_=rng.random() < 0.2,
                        received_on=decided_on + timedelta(days=110),
                    )
    else:
        _close_unappealed(context, case, today=today)


def _close_unappealed(context: DemoContext, case: Case, *, today: date) -> None:
    """A rejection nobody appealed is closed a week after the appeal deadline (4 weeks from the letter)."""
    if case.status != Status.REJECTED or case.decided_on is None:
        return
    closed_on = case.decided_on + timedelta(days=35)
    if closed_on < today:
        followup.case_close(actor=context.principal, case=case, version=case.version, closed_on=closed_on)


def _reply_while_waiting(context: DemoContext, case: Case, *, today: date, age: int) -> None:
    """An undecided case a month old gets its provisional reply (forvaltningsloven § 11 a), as most do in time:
    a few are left for the worklist to show overdue."""
    if age >= PROVISIONAL_REPLY_AFTER and context.random.random() < 0.85:
        cases.case_send_provisional_reply(
            actor=context.principal,
            case=case,
            version=case.version,
            expected_by=today + timedelta(days=45),
            reason="Vi venter på opplysninger eller medisinsk vurdering før saken kan avgjøres.",
        )


def _follow_up(context: DemoContext, case: Case, *, today: date) -> None:
    if case.status != Status.FOLLOW_UP:
        return
    rng = context.random
    actor = context.principal
    start = (case.decided_on or case.received_date) + timedelta(days=10)
    if start > today or case.hospital is None:
        return
    currency = {
        "SE": "SEK",
        "DK": "DKK",
        "FI": "EUR",
        "DE": "EUR",
        "FR": "EUR",
        "BE": "EUR",
        "CH": "CHF",
        "GB": "GBP",
        "US": "USD",
        "IS": "EUR",
    }.get(str(case.hospital.country), "EUR")
    followup.guarantee_issue(
        actor=actor,
        case=case,
        version=case.version,
        hospital=case.hospital,
        amount=Decimal(rng.randrange(50, 400) * 1000),
        currency=currency,
        issued_on=start,
    )
    followup.booking_add(
        actor=actor,
        case=case,
        version=case.version,
        kind="flight",
        travellers=case.patient.name,
        companions=1,
        starts_on=start + timedelta(days=5),
        ends_on=start + timedelta(days=12),
        description=f"Fly til {case.hospital.city}",
    )
    invoice_day = start + timedelta(days=20)
    if invoice_day > today:
        return
    amount = (
        Decimal(rng.randrange(20_000, 900_000)) if currency in {"SEK", "DKK"} else Decimal(rng.randrange(3_000, 90_000))
    )
    first = followup.expense_add(
        actor=actor,
        case=case,
        version=case.version,
        kind="invoice",
        category="treatment",
        amount=amount,
        currency=currency,
        invoice_date=invoice_day,
        creditor=case.hospital.name,
        reference=f"F{rng.randrange(10000, 99999)}",
        amount_confirmed=True,  # made-up amounts may exceed the made-up guarantee
    )
    claim = followup.expense_add(
        actor=actor,
        case=case,
        version=case.version,
        kind="travel_claim",
        category="travel",
        amount=Decimal(rng.randrange(2000, 15000)),
        currency="NOK",
        invoice_date=invoice_day,
        creditor=case.patient.name,
    )
    if invoice_day + timedelta(days=30) < today:
        for expense in (first, claim):
            followup.expense_attest(actor=actor, expense=expense)
        followup.expense_settle(actor=actor, expense=first, settled_on=invoice_day + timedelta(days=25))
        followup.expense_settle(actor=actor, expense=claim, settled_on=invoice_day + timedelta(days=20))
        case.refresh_from_db()
        if rng.random() < 0.7:
            followup.case_close(
                actor=actor, case=case, version=case.version, closed_on=invoice_day + timedelta(days=30)
            )
