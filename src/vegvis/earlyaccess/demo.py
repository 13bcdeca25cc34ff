"""Demo data for early access (issue 16, item 7; seeds 002 and 004): two hospitals in two regions with their
regional authorities, four programmes — both agreement kinds, with and without an agreement in a region, one on a
named-patient exemption with a renewal and one whose exemption expires within the warning period — patients at
both hospitals (one short-duration treatment past six months, so the worklist flags it; one stopped), and two
experimental treatments with their plans, adverse events and an evaluation, so each region's overview has
numbers. The flagged patient has also applied for treatment abroad naming Kortivra (the links of item 6). Everything
goes through the services (numbers, guards, audit); the dates are counted back from today, so
the flags hold whenever the demo is made.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.core.demo import DemoContext, synthetic_person
from vegvis.core.models import Office, Organisation, Region
from vegvis.earlyaccess import services
from vegvis.earlyaccess.models import AgreementKind, Basis, OrganisationRegion, Programme

OUS = ("Oslo universitetssykehus HF", "Oslo", "helse-sor-ost")
BERGEN = ("Helse Bergen HF", "Bergen", "helse-vest")
RHFS = [("Helse Sør-Øst RHF", "Hamar", "helse-sor-ost"), ("Helse Vest RHF", "Stavanger", "helse-vest")]
SUPPLIER = "Nordlys Pharma AS"
# username, first name, last name, role, organisation (None: the national role), description
USERS = [
    ("tidlig.klinikker.ous", "Kari", "Nordmann", "earlyaccess_clinician", OUS[0], "Kliniker (tidlig tilgang), OUS"),
    ("tidlig.klinikker.bergen", "Per", "Hansen", "earlyaccess_clinician", BERGEN[0], "Kliniker, Helse Bergen"),
    ("tidlig.apotek.ous", "Anne", "Berg", "earlyaccess_pharmacy", OUS[0], "Sykehusapotek (tidlig tilgang), OUS"),
    ("tidlig.rhf.sorost", "Eva", "Moen", "earlyaccess_regional", RHFS[0][0], "Regional stab, Helse Sør-Øst RHF"),
    ("tidlig.forvalter", "Jon", "Lund", "earlyaccess_national", None, "Nasjonal forvalter (tidlig tilgang)"),
    (
        "tidlig.utland.ous",
        "Siri",
        "Vik",
        "earlyaccess_clinician",
        OUS[0],
        "Kliniker ved OUS og saksbehandler ved Utenlandskontoret (ser pasientens tidlig tilgang på utlandssaken)",
    ),
]
# Users who also handle treatment-abroad cases (the links of issue 16, item 6): username, office.
ALSO_CASE_HANDLER = {"tidlig.utland.ous": "ous"}
INDICATION = "Residiverende sykdom etter minst to behandlingslinjer, uten annet behandlingstilbud"
COST_TERMS = "Legemiddelet leveres vederlagsfritt av leverandøren til Beslutningsforum har besluttet."


def _organisation(name: str, city: str, region_code: str, kind: str) -> Organisation:
    found, _created = Organisation.objects.get_or_create(kind=kind, name=name, city=city, country="NO")
    OrganisationRegion.objects.get_or_create(organisation=found, defaults={"region": _region(region_code)})
    return found


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def populate(context: DemoContext) -> None:
    ous = _organisation(*OUS, kind=Organisation.Kind.HOSPITAL)
    bergen = _organisation(*BERGEN, kind=Organisation.Kind.HOSPITAL)
    rhfs = {code: _organisation(name, city, code, kind=Organisation.Kind.PUBLIC_BODY) for name, city, code in RHFS}
    supplier, _created = Organisation.objects.get_or_create(
        kind=Organisation.Kind.SUPPLIER, name=SUPPLIER, city="Oslo", country="NO"
    )
    if context.with_users:
        _users(context, {OUS[0]: ous, BERGEN[0]: bergen, **{name: rhfs[code] for name, _c, code in RHFS}})
    if Programme.objects.filter(supplier=supplier).exists() and not context.shared.get("again"):
        context.say("Early access's demo data exist already; none added\n")
        return
    today = timezone.localdate()
    ago = lambda days: today - timedelta(days=days)  # noqa: E731

    def programme(drug: str, substance: str, atc: str, kind: str, basis: str, regions: dict[str, int]) -> Programme:
        made = services.programme_register(
            actor=SYSTEM,
            data=services.ProgrammeData(
                drug_name=drug,
                active_substance=substance,
                atc_code=atc,
                supplier=supplier,
                indication=INDICATION,
                basis=basis,
                agreement_kind=kind,
                marketing_authorised_on=None,
                method_id=None,
                cost_terms=COST_TERMS,
                owner=ous,
            ),
        )
        for code, signed_days_ago in regions.items():
            services.agreement_register(
                actor=SYSTEM,
                programme=made,
                region=_region(code),
                signed_on=ago(signed_days_ago),
                reference=f"SI-{today.year}-{made.pk:03d}-{code}",
            )
        return made

    # Short-duration, agreed in both regions.
    short = programme(
        "Kortivra",
        "kortiramab",
        "L01FX",
        AgreementKind.SHORT_DURATION,
        Basis.PROGRAMME,
        {"helse-sor-ost": 400, "helse-vest": 380},
    )
    # Standard, agreed in Helse Sør-Øst only: Helse Bergen cannot start patients on it.
    standard = programme(
        "Langvira", "langiparib", "L01XK", AgreementKind.STANDARD, Basis.PROGRAMME, {"helse-sor-ost": 300}
    )
    # On a named-patient exemption, renewed once (the first exemption has run out, the renewal holds).
    renewed = programme("Fritavex", "fritavumab", "L04AC", AgreementKind.STANDARD, Basis.EXEMPTION, {"helse-vest": 420})
    services.exemption_add(
        actor=SYSTEM, programme=renewed, granted_on=ago(400), valid_until=ago(36), reference="DMP-fritak-1"
    )
    services.exemption_add(
        actor=SYSTEM,
        programme=renewed,
        granted_on=ago(40),
        valid_until=ago(40) + timedelta(days=360),
        reference="DMP-fritak-1-fornyet",
    )
    # On an exemption that expires within the warning period: the worklist flags it.
    expiring = programme(
        "Snartex", "snartuzumab", "L01FF", AgreementKind.SHORT_DURATION, Basis.EXEMPTION, {"helse-sor-ost": 340}
    )
    services.exemption_add(
        actor=SYSTEM,
        programme=expiring,
        granted_on=ago(330),
        valid_until=today + timedelta(days=30),
        reference="DMP-fritak-2",
    )

    def start(made: Programme, at: Organisation, days_ago: int, consultant: str) -> Any:
        region = OrganisationRegion.objects.get(organisation=at).region
        return services.treatment_start(
            actor=SYSTEM,
            programme=made,
            person=synthetic_person(context, region=region),
            hospital=at,
            consultant=consultant,
            started_on=ago(days_ago),
        )

    flagged = start(short, ous, 200, "Overlege Kari Nordmann")  # past six months: flagged
    start(short, ous, 40, "Overlege Kari Nordmann")
    start(standard, ous, 100, "Overlege Ali Khan")
    start(expiring, ous, 20, "Overlege Ali Khan")  # its exemption expires soon: flagged
    start(short, bergen, 60, "Overlege Per Hansen")
    start(renewed, bergen, 10, "Overlege Per Hansen")
    stopped = start(short, bergen, 150, "Overlege Per Hansen")
    services.treatment_stop(
        actor=SYSTEM, treatment=stopped, version=stopped.version, stopped_on=ago(10), reason="completed"
    )

    _experimental(context, ous, ago(90), events=[(60, "serious", "recovered"), (20, "non_serious", "recovering")])
    _experimental(context, bergen, ago(70), events=[(30, "non_serious", "recovered")])
    _abroad_case(flagged.person, ago(15))
    context.say("Early access: 4 programmes, 7 patients (1 past six months, 1 exemption expiring), 2 experimental\n")


def _experimental(
    context: DemoContext, hospital: Organisation, started_on: date, *, events: list[tuple[int, str, str]]
) -> None:
    region = OrganisationRegion.objects.get(organisation=hospital).region
    treatment = services.experimental_register(
        actor=SYSTEM,
        person=synthetic_person(context, region=region),
        hospital=hospital,
        data=services.ExperimentalData(
            treatment="Off-label immunterapi ved sjelden sarkomtype",
            consultant="Overlege Per Hansen" if "Bergen" in hospital.name else "Overlege Kari Nordmann",
            started_on=started_on,
            why_no_study="Ingen åpen klinisk studie i Norden for denne diagnosen og alderen.",
            soundness="Vurdert forsvarlig av faggruppen etter litteraturgjennomgang og tverrfaglig møte.",
            consent_on=started_on - timedelta(days=5),
            consent_taken_by="Overlege og sykepleier sammen",
            consent_information="Muntlig og skriftlig om usikker effekt, kjente bivirkninger og retten til å avslutte.",
            purpose="Stanse sykdomsprogresjon",
            goals="Stabil sykdom etter 12 uker",
            frequency_and_duration="Hver tredje uke i inntil seks måneder",
            monitoring="Blodprøver før hver kur, CT hver 12. uke",
            responsible_persons="Behandlende overlege og kontaktsykepleier",
            stop_criteria="Progresjon på CT eller bivirkning grad 3 eller mer",
            evaluation_plan="Evaluering etter 12 og 24 uker",
            risk_analysis="Kjent bivirkningsprofil; risiko for immunrelaterte bivirkninger",
        ),
    )
    today = timezone.localdate()
    for days_ago, seriousness, outcome in events:
        services.adverse_event_register(
            actor=SYSTEM,
            treatment=treatment,
            occurred_on=today - timedelta(days=days_ago),
            seriousness=seriousness,
            description="Feber og utslett etter kur" if seriousness == "serious" else "Lett kvalme",
            outcome=outcome,
        )
    services.evaluation_register(
        actor=SYSTEM,
        treatment=treatment,
        evaluated_on=today - timedelta(days=5),
        benefit="some",
        risk="acceptable",
        assessment="Stabil sykdom ved 12 uker; bivirkningene håndterbare.",
    )
    services.cost_register(
        actor=SYSTEM,
        treatment=treatment,
        incurred_on=started_on,
        description="Legemiddel, første kur",
        amount=Decimal("48250.00"),
        payer="hospital",
    )


def _abroad_case(person: Any, received: date) -> None:
    """The flagged patient's application for treatment abroad naming Kortivra: its case page shows the programme,
    and the patient's treatment to ``tidlig.utland.ous`` (case handler and the hospital's clinician)."""
    from vegvis.abroad.services.cases import ApplicationData, case_create

    abroad = Organisation.objects.filter(
        kind=Organisation.Kind.HOSPITAL, name="Karolinska Universitetssjukhuset"
    ).first()
    case_create(
        actor=SYSTEM,
        data=ApplicationData(
            patient=person,
            route="treatment_abroad",
            received_date=received,
            diagnosis_icd10="C90.0",
            requested_treatment="Fortsatt behandling med Kortivra ved Karolinska etter seks måneder",
            hospital=abroad,
        ),
    )


def _users(context: DemoContext, organisations: dict[str, Organisation]) -> None:
    from vegvis.accounts.models import User
    from vegvis.accounts.services import role_assign, user_create
    from vegvis.core.demo import DEMO_PASSWORD

    for username, first, last, role, where, description in USERS:
        if not User.objects.filter(username=username).exists():
            user = user_create(
                actor=context.principal,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
            role_assign(
                actor=context.principal,
                user=user,
                role_code=role,
                organisation=organisations[where] if where else None,
            )
            if username in ALSO_CASE_HANDLER:
                role_assign(
                    actor=context.principal,
                    user=user,
                    role_code="case_handler",
                    office=Office.objects.get(code=ALSO_CASE_HANDLER[username]),
                )
        context.users.append((username, description))
