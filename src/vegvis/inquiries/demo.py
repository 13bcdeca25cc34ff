"""Demo data for the inquiry desk: one patient association (made-up name) with a user for each desk role, a whole
year of inquiries (the last whole year: ≈ 950, 35 % assistance cases) so the statistics page is full, and a few
open cases in every state of the step table for the worklist.

The year is written in bulk, not through the services: the services stamp triage and closing with *now*
(``inquiry_triage``, ``case_close``), while a year of history needs the dates it would have had, and 950 inquiries
through register, triage and close take three transactions and audit entries each. The bulk path keeps what the
services derive: reference and case numbers from the association's ``CaseCounter`` series (taken under its row
lock, in received and triage order), the case year from the triage day, the inquiry as document 1 of the case file
with the public title the service gives it, ``triaged_at``, the status, the version the services' writes would
have left, and no due date on a closed case; one audit entry records the run. A case of that year carries only
its inquiry and its outcome (the power of attorney, record requests, complaints and claims are shown by the open
cases, which go through the real services with today's dates).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.casework.models import CaseCounter
from vegvis.core.demo import DemoContext, synthetic_person_values
from vegvis.core.models import Organisation, Person, Region
from vegvis.inquiries.models import (
    CASE_NUMBER_KIND,
    INQUIRY_NUMBER_KIND,
    Case,
    Channel,
    ContactedBy,
    Document,
    FailureType,
    Inquiry,
    Kind,
    Outcome,
    Service,
    Status,
)

ASSOCIATION = "Pasientforeningen Fjordlys"
INQUIRIES_PER_YEAR = 950
ASSISTANCE_SHARE = 0.35

# username, first name, last name, role, description (printed with the other demo users)
DESK_USERS = [
    ("fjordlys.leder", "Astrid", "Moen", "association_lead", "Leder for henvendelser, Pasientforeningen Fjordlys"),
    (
        "fjordlys.saksbehandler",
        "Jonas",
        "Strand",
        "association_case_worker",
        "Saksbehandler, Pasientforeningen Fjordlys",
    ),
    ("fjordlys.saksbehandler2", "Sara", "Ali", "association_case_worker", "Saksbehandler, Pasientforeningen Fjordlys"),
    (
        "fjordlys.radgiver",
        "Per",
        "Kvam",
        "association_medical_adviser",
        "Medisinsk rådgiver, Pasientforeningen Fjordlys (ser bare tildelte saker)",
    ),
]

CHANNELS: dict[str, float] = {Channel.PHONE: 52, Channel.EMAIL: 27, Channel.WEB_FORM: 16, Channel.LETTER: 5}
SERVICES: dict[str, float] = {Service.GP: 44, Service.SPECIALIST: 36, Service.MUNICIPAL: 15, Service.OTHER: 5}
CONTACTS: dict[str, float] = {ContactedBy.PATIENT: 64, ContactedBy.RELATIVE: 31, ContactedBy.OTHER: 5}
# How much likelier an inquiry about this service becomes an assistance case (specialist care: injuries, claims).
ASSISTANCE_WEIGHT: dict[str, float] = {
    Service.GP: 0.8,
    Service.SPECIALIST: 1.45,
    Service.MUNICIPAL: 1.0,
    Service.OTHER: 0.5,
}
# Fewer inquiries in the summer holiday and at Christmas.
MONTH_WEIGHT = [1.1, 1.05, 1.05, 0.95, 0.95, 0.9, 0.45, 0.95, 1.1, 1.1, 1.05, 0.75]

ASSISTANCE_OUTCOMES: dict[str, float] = {
    Outcome.SETTLED_BY_DIALOGUE: 23,
    Outcome.COMPLAINT_UPHELD: 12,
    Outcome.COMPLAINT_PARTLY_UPHELD: 14,
    Outcome.COMPLAINT_NOT_UPHELD: 17,
    Outcome.CLAIM_GRANTED: 10,
    Outcome.CLAIM_REJECTED: 13,
    Outcome.WITHDRAWN: 11,
}
# Median days from inquiry to closing, and the spread (log-normal sigma), by outcome.
DURATION: dict[str, tuple[float, float]] = {
    Outcome.ADVICE_GIVEN: (2, 1.2),
    Outcome.WITHDRAWN: (35, 0.8),
    Outcome.SETTLED_BY_DIALOGUE: (75, 0.6),
    Outcome.COMPLAINT_UPHELD: (150, 0.45),
    Outcome.COMPLAINT_PARTLY_UPHELD: (150, 0.45),
    Outcome.COMPLAINT_NOT_UPHELD: (140, 0.45),
    Outcome.CLAIM_GRANTED: (290, 0.35),
    Outcome.CLAIM_REJECTED: (260, 0.35),
}
FAILURES_FOUND: dict[str, float] = {
    FailureType.DIAGNOSIS: 22,
    FailureType.TREATMENT: 27,
    FailureType.INFORMATION: 14,
    FailureType.COMMUNICATION: 20,
    FailureType.ORGANISATION: 12,
    FailureType.OTHER: 5,
}

GP_PRACTICES = [
    "Torget legesenter",
    "Sentrum legekontor",
    "Fjellveien legesenter",
    "Bryggen legesenter",
    "Storgata legekontor",
    "Elvebakken legesenter",
    "Legevakten",
]
HOSPITALS = [
    "Oslo universitetssykehus",
    "Akershus universitetssykehus",
    "Haukeland universitetssjukehus",
    "St. Olavs hospital",
    "Universitetssykehuset Nord-Norge",
    "Sykehuset Innlandet",
    "Stavanger universitetssjukehus",
    "Sørlandet sykehus",
    "Sykehuset i Vestfold",
    "Nordlandssykehuset",
]
MUNICIPALITIES = [
    "Bærum",
    "Drammen",
    "Kristiansand",
    "Tromsø",
    "Bodø",
    "Ålesund",
    "Fredrikstad",
    "Sandnes",
    "Lillehammer",
    "Molde",
]
OTHER_PROVIDERS = ["Privat tannklinikk", "Ambulansetjenesten", "Privat røntgeninstitutt", "Apoteket"]

ACCOUNTS = {
    Service.GP: [
        "Fastlegen avviste smertene i flere måneder før jeg ble henvist. Nå er det funnet en alvorlig sykdom.",
        "Jeg får ikke time hos fastlegen og lurer på om jeg kan bytte lege.",
        "Fastlegen vil ikke skrive henvisning til spesialist. Hva er mine rettigheter?",
        "Min mor fikk feil medisin av fastlegen og ble innlagt. Vi ønsker å klage.",
        "Jeg ba om journalen min fra legekontoret, men har ikke fått svar.",
    ],
    Service.SPECIALIST: [
        "Etter operasjonen fikk jeg en infeksjon som ikke ble oppdaget før det var for sent.",
        "Bruddet ble ikke sett på røntgen på legevakten, og nå er det grodd feil.",
        "Jeg har ventet over fristen på behandling og vet ikke hvor jeg skal henvende meg.",
        "Sykehuset ga oss ingen informasjon om risikoen før inngrepet.",
        "Min far ble skrevet ut for tidlig og måtte legges inn igjen dagen etter.",
        "Jeg vil søke erstatning etter en skade ved fødselen.",
    ],
    Service.MUNICIPAL: [
        "Hjemmetjenesten har kuttet besøkene til min far, og han klarer seg ikke alene.",
        "Vi har søkt sykehjemsplass for mor, men fått avslag uten begrunnelse.",
        "Min bror har fått for lite praktisk bistand etter hjerneslaget.",
        "Sykehjemmet varslet oss ikke da mor falt og brakk hoften.",
    ],
    Service.OTHER: [
        "Jeg lurer på hvem jeg skal klage til etter en behandling hos tannlegen.",
        "Ambulansen brukte lang tid, og vi lurer på om det var riktig vurdert.",
        "Jeg har spørsmål om egenandeler og frikort.",
    ],
}
ADVICE = [
    "Informert om retten til fornyet vurdering og om å be om ny henvisning.",
    "Forklart hvordan man ber om innsyn i journalen, med malbrev.",
    "Veiledet om klage til Statsforvalteren og fristen på fire uker.",
    "Informert om Norsk pasientskadeerstatning og foreldelsesfristene.",
    "Rådet om å ta saken opp med behandlingsstedet først, og om pasientombudet.",
    "Informert om retten til å bytte fastlege via helsenorge.no.",
]
RESULTS = [
    "Behandlingsstedet har beklaget og endret rutinene sine.",
    "Statsforvalteren har behandlet klagen.",
    "Norsk pasientskadeerstatning har fattet vedtak.",
    "Saken er løst i møte med behandlingsstedet.",
    "Personen ønsket ikke å gå videre med saken.",
]


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


TRANSLITERATE: dict[str | int, str | int | None] = {"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u"}


def _email(name: str) -> str:
    ascii_name = name.lower().translate(str.maketrans(TRANSLITERATE))
    return ".".join(part for part in ascii_name.replace("-", " ").split() if part.isalpha()) + "@example.no"


def _provider(rng: random.Random, service: str) -> str:
    if rng.random() < 0.12:
        return ""
    if service == Service.GP:
        return rng.choice(GP_PRACTICES)
    if service == Service.SPECIALIST:
        return rng.choice(HOSPITALS)
    if service == Service.MUNICIPAL:
        place = rng.choice(MUNICIPALITIES)
        return rng.choice([f"Hjemmetjenesten i {place} kommune", f"{place} sykehjem", f"Legevakten i {place}"])
    return rng.choice(OTHER_PROVIDERS)


def _aware(day: date, hour: float) -> datetime:
    minutes = int(hour * 60)
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


def _working_day(day: date, forward: bool = True) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    return day


@dataclass
class Planned:
    received_at: datetime
    channel: str
    contacted_by: str
    service: str
    kind: str = Kind.INFORMATION
    triaged_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str = ""
    failure_type: str = ""


def plan_year(rng: random.Random, year: int, count: int, *, now: datetime) -> list[Planned]:
    """What happens to each of the year's inquiries, worked out in memory: when and how it came in, what it
    concerned, whether it became an assistance case (exactly ``ASSISTANCE_SHARE`` of them, likelier for specialist
    care), and when and how the case was closed. A case that would close after ``now`` closes a day before it."""
    days = [date(year, 1, 1) + timedelta(days=n) for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    weights = [
        MONTH_WEIGHT[d.month - 1] * (0.15 if d.weekday() >= 5 else 0.85 if d.weekday() == 4 else 1) for d in days
    ]
    plans = []
    for day in sorted(rng.choices(days, weights=weights, k=count)):
        channel = pick(rng, CHANNELS)
        if channel in (Channel.PHONE, Channel.LETTER):
            day = _working_day(day) if _working_day(day).year == year else _working_day(day, forward=False)
        if channel == Channel.PHONE:  # phone hours: Mon–Thu 10–15, Fri 10–12
            hour = 10 + rng.random() * (2 if day.weekday() == 4 else 5)
        elif channel == Channel.LETTER:
            hour = 9 + rng.random() * 6
        else:
            hour = 7 + rng.random() * 16
        plans.append(Planned(_aware(day, hour), channel, pick(rng, CONTACTS), pick(rng, SERVICES)))
    plans.sort(key=lambda p: p.received_at)
    # Exactly the share of assistance cases, weighted by service (Efraimidis–Spirakis sampling without replacement).
    keyed = sorted(range(count), key=lambda i: rng.random() ** (1 / ASSISTANCE_WEIGHT[plans[i].service]))
    for index in keyed[count - round(count * ASSISTANCE_SHARE) :]:
        plans[index].kind = Kind.ASSISTANCE
    for plan in plans:
        _plan_case(rng, plan, now)
    return plans


def _plan_case(rng: random.Random, plan: Planned, now: datetime) -> None:
    received = timezone.localtime(plan.received_at)
    if plan.kind == Kind.INFORMATION:
        same_day = rng.random() < 0.8 and received.hour < 15
        triage_day = received.date() if same_day else _working_day(received.date() + timedelta(days=1))
        plan.outcome = Outcome.ADVICE_GIVEN if rng.random() < 0.94 else Outcome.WITHDRAWN
    else:
        triage_day = _working_day(received.date() + timedelta(days=rng.choice([0, 1, 1, 2, 3])))
        plan.outcome = pick(rng, ASSISTANCE_OUTCOMES)
        none_found: dict[str, float] = {
            Outcome.WITHDRAWN: 0.85,
            Outcome.COMPLAINT_NOT_UPHELD: 0.45,
            Outcome.CLAIM_REJECTED: 0.4,
        }
        found_none = rng.random() < none_found.get(plan.outcome, 0.05)
        plan.failure_type = FailureType.NONE if found_none else pick(rng, FAILURES_FOUND)
    triaged = _aware(triage_day, max(received.hour + received.minute / 60 + 0.25, 9 + rng.random() * 6))
    if timezone.localtime(triaged).date() == received.date() and triaged <= plan.received_at:
        triaged = plan.received_at + timedelta(minutes=15)
    plan.triaged_at = triaged
    median, sigma = DURATION[plan.outcome]
    if plan.kind == Kind.INFORMATION and plan.outcome == Outcome.WITHDRAWN:
        median = 6
    duration = timedelta(days=median * math.exp(rng.gauss(0, sigma)))
    closed = max(triaged + timedelta(minutes=20), plan.received_at + duration)
    plan.closed_at = min(closed, now - timedelta(days=1))


def _counter_range(organisation: Organisation, year: int, kind: str, count: int) -> range:
    """The next ``count`` numbers of the association's series, under the counter's row lock (as the services)."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation=organisation, year=year, kind=kind
    )
    numbers = range(counter.last + 1, counter.last + count + 1)
    counter.last += count
    counter.save(update_fields=["last"])
    return numbers


def write_year(context: DemoContext, organisation: Organisation, year: int, *, count: int = INQUIRIES_PER_YEAR) -> int:
    """The year's inquiries and their (closed) cases, in bulk; returns how many inquiries."""
    from vegvis.inquiries.services.base import stored
    from vegvis.inquiries.services.inquiries import case_number, inquiry_reference
    from vegvis.records.services import public_title

    rng = context.random
    now = timezone.now()
    plans = plan_year(rng, year, count, now=now)
    workers = list(context.shared.get("desk_case_workers", [])) or [None]
    adviser = context.shared.get("desk_medical_adviser")
    regions = list(Region.objects.all())
    taken = set(Person.objects.values_list("national_id_hash", flat=True))
    with audited_atomic():
        serials = _counter_range(organisation, year, INQUIRY_NUMBER_KIND, len(plans))
        persons: list[Person | None] = []
        new_persons: list[Person] = []
        for plan in plans:
            if plan.kind == Kind.ASSISTANCE and regions:
                values = synthetic_person_values(context, region=rng.choice(regions))
                if values["national_id_hash"] not in taken:
                    taken.add(values["national_id_hash"])
                    made_person = Person(**values)
                    new_persons.append(made_person)
                    persons.append(made_person)
                    continue
            persons.append(None)
        Person.objects.bulk_create(new_persons, batch_size=500)
        inquiries = []
        for plan, serial, person in zip(plans, serials, persons, strict=True):
            patient = person.name if person else context.faker.name()
            contact = patient if plan.contacted_by == ContactedBy.PATIENT else context.faker.name()
            web = plan.channel == Channel.WEB_FORM
            inquiries.append(
                Inquiry(
                    organisation=organisation,
                    year=year,
                    serial=serial,
                    reference=inquiry_reference(year, serial),
                    channel=plan.channel,
                    contacted_by=plan.contacted_by,
                    service=plan.service,
                    provider=_provider(rng, plan.service),
                    account=rng.choice(ACCOUNTS[Service(plan.service)]),
                    contact_name=contact,
                    contact_email=_email(contact) if plan.channel in (Channel.EMAIL, Channel.WEB_FORM) else "",
                    contact_phone=f"9{rng.randrange(1000000, 9999999)}" if plan.channel == Channel.PHONE else "",
                    consent_text=_consent(organisation) if web else "",
                    consent_given_at=plan.received_at if web else None,
                    person=person,
                    received_at=plan.received_at,
                    registered_by=None if web else rng.choice(workers),
                    triaged_at=plan.triaged_at,
                )
            )
        Inquiry.objects.bulk_create(inquiries, batch_size=500)
        # Case numbers in triage order, per the year of the triage day (as inquiry_triage numbers them).
        order = sorted(range(len(plans)), key=lambda i: plans[i].triaged_at or plans[i].received_at)
        per_year: dict[int, list[int]] = {}
        for index in order:
            per_year.setdefault(timezone.localtime(plans[index].triaged_at).year, []).append(index)
        cases: dict[int, Case] = {}
        for case_year, indexes in sorted(per_year.items()):
            for index, serial in zip(
                indexes, _counter_range(organisation, case_year, CASE_NUMBER_KIND, len(indexes)), strict=True
            ):
                plan, inquiry = plans[index], inquiries[index]
                assistance = plan.kind == Kind.ASSISTANCE
                advised = assistance and adviser is not None and rng.random() < 0.3
                cases[index] = Case(
                    organisation=organisation,
                    inquiry=inquiry,
                    person=inquiry.person,
                    kind=plan.kind,
                    year=case_year,
                    serial=serial,
                    number=case_number(case_year, serial),
                    status=Status.CLOSED,
                    version=3 if advised else 2,  # triage, (assignment,) close
                    case_worker=rng.choice(workers),
                    medical_adviser=adviser if advised else None,
                    outcome=plan.outcome,
                    failure_type=plan.failure_type,
                    outcome_note=rng.choice(RESULTS if assistance else ADVICE),
                    amount_granted=Decimal(rng.randrange(15, 900) * 1000)
                    if plan.outcome == Outcome.CLAIM_GRANTED
                    else None,
                    closed_at=plan.closed_at,
                )
        made = [cases[i] for i in order]
        Case.objects.bulk_create(made, batch_size=500)
        for index, case in cases.items():
            case.created_at = plans[index].triaged_at or plans[index].received_at
        Case.objects.bulk_update(made, ["created_at"], batch_size=500)
        label = public_title(Document.Kind.INQUIRY.label)
        Document.objects.bulk_create(
            [
                Document(
                    case=case,
                    sequence=1,
                    number=f"{case.number}-1",
                    kind=Document.Kind.INQUIRY,
                    direction=Document.Direction.INCOMING,
                    title=stored("Inquiry %(reference)s", reference=inquiries[index].reference),
                    public_title=label,
                    document_date=timezone.localdate(inquiries[index].received_at),
                    registered_on=timezone.localdate(plans[index].triaged_at),
                    correspondent=inquiries[index].display_name,
                    correspondent_is_private=True,
                    body=inquiries[index].account,
                    created_by=case.case_worker,
                )
                for index, case in cases.items()
            ],
            batch_size=500,
        )
        audit_record(
            principal=context.principal,
            action=Action.CREATE,
            obj=organisation,
            label=f"Synthetic demo data: {len(plans)} inquiries of {year}",
            detail={"inquiries": len(plans), "registered_persons": len(new_persons), "bulk": True},
        )
    return len(plans)


def _consent(organisation: Organisation) -> str:
    from django.conf import settings
    from django.utils import translation

    from vegvis.inquiries.views import CONSENT_TEXT

    with translation.override(settings.LANGUAGE_CODE):  # the text the form showed, in its language
        return str(CONSENT_TEXT) % {"organisation": organisation.name}


def _desk_users(context: DemoContext, organisation: Organisation) -> None:
    from vegvis.accounts.models import User
    from vegvis.accounts.services import role_assign, user_create
    from vegvis.core.demo import DEMO_PASSWORD

    workers = []
    for username, first, last, role, description in DESK_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=context.principal,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
        role_assign(actor=context.principal, user=user, role_code=role, organisation=organisation)
        context.users.append((username, description))
        if role == "association_case_worker":
            workers.append(user)
        if role == "association_medical_adviser":
            context.shared["desk_medical_adviser"] = user
    context.shared["desk_case_workers"] = workers


def open_work(context: DemoContext, organisation: Organisation) -> int:
    """Today's desk, through the real services: inquiries to triage, and open cases in every state."""
    from vegvis.inquiries.services import cases as steps
    from vegvis.inquiries.services import inquiries as intake

    actor = context.principal
    rng = context.random
    today = timezone.localdate()
    workers = list(context.shared.get("desk_case_workers", [])) or [None]
    adviser = context.shared.get("desk_medical_adviser")
    made = 0

    def inquiry(channel: str, service: str, hours_ago: float, **values: Any) -> Inquiry:
        nonlocal made
        made += 1
        name = context.faker.name()
        return intake.inquiry_register(
            actor=actor,
            organisation=organisation,
            channel=channel,
            contacted_by=values.pop("contacted_by", ContactedBy.PATIENT),
            service=service,
            account=rng.choice(ACCOUNTS[Service(service)]),
            provider=_provider(rng, service) or rng.choice(HOSPITALS),
            contact_name=name,
            contact_phone=f"9{rng.randrange(1000000, 9999999)}" if channel == Channel.PHONE else "",
            contact_email=_email(name) if channel == Channel.EMAIL else "",
            received_at=timezone.now() - timedelta(hours=hours_ago),
        )

    for channel, service, hours in (
        (Channel.PHONE, Service.GP, 2),
        (Channel.EMAIL, Service.SPECIALIST, 20),
        (Channel.LETTER, Service.MUNICIPAL, 50),
    ):
        inquiry(channel, service, hours)

    def case(kind: str, service: str = Service.SPECIALIST, *, advised: bool = False) -> Case:
        made_case = intake.inquiry_triage(
            actor=actor, inquiry=inquiry(Channel.PHONE, service, 24 * 30), kind=kind, case_worker=rng.choice(workers)
        )
        if advised and adviser is not None:
            steps.case_assign(
                actor=actor,
                case=made_case,
                version=made_case.version,
                case_worker=made_case.case_worker,
                medical_adviser=adviser,
            )
        if kind == Kind.ASSISTANCE:
            steps.power_of_attorney_register(
                actor=actor,
                case=made_case,
                version=made_case.version,
                granted_by=made_case.inquiry.display_name,
                scopes=["records", "complaints", "compensation", "meetings"],
                signed_on=today - timedelta(days=25),
                valid_until=today + timedelta(days=340),
            )
        return made_case

    case(Kind.INFORMATION, Service.GP)
    due = case(Kind.ASSISTANCE, advised=True)
    steps.records_request(
        actor=actor, case=due, version=due.version, provider=rng.choice(HOSPITALS), sent_on=today - timedelta(days=24)
    )
    late = case(Kind.ASSISTANCE, Service.GP)
    steps.records_request(
        actor=actor,
        case=late,
        version=late.version,
        provider=rng.choice(GP_PRACTICES),
        sent_on=today - timedelta(days=40),
    )
    complaint = case(Kind.ASSISTANCE, Service.MUNICIPAL)
    steps.complaint_register(
        actor=actor,
        case=complaint,
        version=complaint.version,
        recipient="statsforvalteren",
        provider=f"{rng.choice(MUNICIPALITIES)} kommune",
        decision_on=today - timedelta(days=12),
    )
    for state in ("limitation", "at_npe", "npe_decided", "at_board"):
        claim_case = case(Kind.ASSISTANCE, advised=state == "at_npe")
        knew_on = today - timedelta(days=3 * 365 - 100) if state == "limitation" else today - timedelta(days=500)
        steps.claim_prepare(
            actor=actor,
            case=claim_case,
            version=claim_case.version,
            knew_on=knew_on,
            act_on=knew_on - timedelta(days=60),
            claimed_loss=Decimal(rng.randrange(40, 600) * 1000),
        )
        if state == "limitation":
            continue
        steps.claim_send(
            actor=actor,
            case=claim_case,
            version=claim_case.version,
            sent_on=today - timedelta(days=150),
            npe_reference=f"NPE-{rng.randrange(10000, 99999)}",
        )
        if state == "at_npe":
            continue
        steps.claim_decide(
            actor=actor,
            case=claim_case,
            version=claim_case.version,
            decision="rejected",
            decision_received_on=today - timedelta(days=8),
        )
        if state == "at_board":
            steps.claim_appeal(
                actor=actor, case=claim_case, version=claim_case.version, appealed_on=today - timedelta(days=2)
            )
    return made


def populate(context: DemoContext) -> None:
    organisation, _created = Organisation.objects.get_or_create(
        kind=Organisation.Kind.PATIENT_ORGANISATION, name=ASSOCIATION, defaults={"city": "Bergen", "country": "NO"}
    )
    if context.with_users:
        _desk_users(context, organisation)
    if Inquiry.objects.filter(organisation=organisation).exists() and not context.shared.get("again"):
        context.say("The inquiry desk's demo data exist already; none added\n")
        return
    year = timezone.localdate().year - 1
    count = write_year(context, organisation, year)
    today = open_work(context, organisation)
    assistance = Case.objects.filter(organisation=organisation, inquiry__year=year, kind=Kind.ASSISTANCE).count()
    context.say(
        f"Inquiry desk «{ASSOCIATION}»: {count} inquiries of {year} ({assistance} assistance cases), "
        f"{today} inquiries and open cases today\n"
    )
