"""Demo data for the shared parts: hospitals and expert communities, persons, one user per role."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from faker import Faker

from vegvis.access.principal import Principal
from vegvis.core import crypto
from vegvis.core.models import Office, Organisation, Person, Region
from vegvis.core.national_id import synthetic_number

DEMO_PASSWORD = "vegvis-demo-2026"  # noqa: S105  (dev profile only; printed by make run)


class Writer(Protocol):
    def write(self, message: str) -> Any: ...


@dataclass
class DemoContext:
    principal: Principal
    seed: int
    cases: int
    with_users: bool
    out: Writer | None
    random: random.Random = field(init=False)
    faker: Faker = field(init=False)
    users: list[tuple[str, str]] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)  # noqa: S311  (demo data, not security)
        self.faker = Faker("no_NO")
        self.faker.seed_instance(self.seed)

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)


# Hospitals the annual report names, and others Norwegian patients are commonly sent to.
HOSPITALS_ABROAD = [
    ("Karolinska Universitetssjukhuset", "Stockholm", "SE"),
    ("Rigshospitalet", "København", "DK"),
    ("Helsinki University Hospital", "Helsinki", "FI"),
    ("Great Ormond Street Hospital for Children", "London", "GB"),
    ("Universitätsklinikum Hamburg-Eppendorf", "Hamburg", "DE"),
    ("Heidelberger Ionenstrahl-Therapiezentrum", "Heidelberg", "DE"),
    ("Westdeutsches Protonentherapiezentrum Essen", "Essen", "DE"),
    ("Skandionkliniken", "Uppsala", "SE"),
    ("Hôpital ophtalmique Jules-Gonin", "Lausanne", "CH"),
    ("Sahlgrenska Universitetssjukhuset", "Göteborg", "SE"),
    ("Skånes universitetssjukhus", "Lund", "SE"),
    ("Aarhus Universitetshospital", "Aarhus", "DK"),
    ("Odense Universitetshospital", "Odense", "DK"),
    ("Landspítali", "Reykjavík", "IS"),
    ("Tampere University Hospital", "Tampere", "FI"),
    ("Charité – Universitätsmedizin Berlin", "Berlin", "DE"),
    ("Hôpital Necker-Enfants malades", "Paris", "FR"),
    ("Children's Hospital of Philadelphia", "Philadelphia", "US"),
    ("St. Louis Children's Hospital", "St. Louis", "US"),
    ("Universitair Ziekenhuis Leuven", "Leuven", "BE"),
]

EXPERT_COMMUNITIES = [
    "Nevrokirurgisk avdeling, Oslo universitetssykehus",
    "Kreftklinikken, Oslo universitetssykehus",
    "Kvinneklinikken, Haukeland universitetssjukehus",
    "Barneklinikken, St. Olavs hospital",
    "Ortopedisk klinikk, Oslo universitetssykehus",
    "Avdeling for medisinsk genetikk, Oslo universitetssykehus",
]

ROLE_USERS = [
    # username, first name, last name, role, office code, description
    ("saksbehandler.ous", "Ingrid", "Haugen", "case_handler", "ous", "Saksbehandler, Utenlandskontoret OUS"),
    ("saksbehandler.bergen", "Lars", "Nygård", "case_handler", "helse-bergen", "Saksbehandler, Helse Bergen"),
    (
        "saksbehandler.stolav",
        "Marte",
        "Aune",
        "case_handler",
        "st-olavs",
        "Saksbehandler, St. Olavs hospital",
    ),
    ("kontorleder.ous", "Harald", "Berg", "office_lead", "ous", "Kontorleder, Utenlandskontoret OUS"),
    ("radgiver", "Kari", "Solberg", "medical_adviser", None, "Medisinsk rådgiver (ser bare tildelte saker)"),
    ("analytiker", "Siw", "Dahl", "network_analyst", None, "Analytiker i nasjonalt nettverk"),
    ("admin", "Ola", "Nordmann", "system_administrator", None, "Systemadministrator"),
    ("personvern", "Nina", "Lie", "privacy_officer", None, "Personvernombud (gjennomgår nødtilganger)"),
]


def populate(context: DemoContext) -> None:
    hospitals = [
        Organisation.objects.get_or_create(kind=Organisation.Kind.HOSPITAL, name=name, city=city, country=country)[0]
        for name, city, country in HOSPITALS_ABROAD
    ]
    experts = [
        Organisation.objects.get_or_create(kind=Organisation.Kind.EXPERT_COMMUNITY, name=name, country="NO")[0]
        for name in EXPERT_COMMUNITIES
    ]
    context.shared["hospitals"] = hospitals
    context.shared["experts"] = experts
    if context.with_users:
        _demo_users(context)
    context.say(f"{len(hospitals)} hospitals, {len(experts)} expert communities\n")


def _demo_users(context: DemoContext) -> None:
    from vegvis.accounts.models import User
    from vegvis.accounts.services import role_assign, user_create

    for username, first, last, role, office_code, description in ROLE_USERS:
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
        office = Office.objects.get(code=office_code) if office_code else None
        role_assign(actor=context.principal, user=user, role_code=role, office=office)
        context.users.append((username, description))


def synthetic_person_values(context: DemoContext, *, region: Region, birth_date: date | None = None) -> dict[str, Any]:
    """Field values for a synthetic person (Tenor-style number, Norwegian name and address)."""
    rng = context.random
    if birth_date is None:
        birth_date = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 83 * 365))
    number = None
    while number is None:
        number = synthetic_number(birth_date, rng.randrange(0, 1000))
    return {
        "name": context.faker.name(),
        "national_id_cipher": crypto.encrypt(number),
        "national_id_hash": crypto.lookup_hash(number),
        "id_kind": "synthetic",
        "birth_date": birth_date,
        "home_region": region,
        "address_line": context.faker.street_address(),
        "postal_code": context.faker.postcode(),
        "city": context.faker.city(),
    }


def synthetic_person(context: DemoContext, *, region: Region, birth_date: date | None = None) -> Person:
    """A synthetic person created through the service (validated and audited)."""
    from vegvis.core.services import person_get_or_create

    values = synthetic_person_values(context, region=region, birth_date=birth_date)
    person, _created = person_get_or_create(
        actor=context.principal,
        national_id=crypto.decrypt(values["national_id_cipher"]),
        name=values["name"],
        home_region=region,
        birth_date=values["birth_date"],
        address_line=values["address_line"],
        postal_code=values["postal_code"],
        city=values["city"],
    )
    return person
