"""Demo data for the consultations (issue 15, item 8; seed 002): Den norske legeforening runs an internal round on
Helsedirektoratet's draft national guideline for experimental treatment, internal deadline 30 May of the demo
year, with a dozen member bodies' inputs: two late, one exempt (it names a patient), three near-duplicates (a
campaign text with small variations). The round stands with the response being written, every input's use
recorded but one, so the secretariat can finish it in the demo.

Everything goes through the services (numbers, case file, versions, audit). The inputs are sent today; the demo
then moves each input's moment back to its planned day in April and May (and the late ones to 31 May and 2 June),
and sets the late flag from that moment with the services' own rule (``deadlines.is_late``), as the cooperation
demo moves its due dates. The sealed case-file documents keep today's registration.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from vegvis.access.principal import SYSTEM, Principal, principal_for
from vegvis.core.demo import DemoContext
from vegvis.core.models import Organisation

ORGANISATION = "Den norske legeforening"
SECRETARIAT = ("horing.sekretariat", "Ingvild", "Berg", "Helsepolitisk rådgiver, Legeforeningens sekretariat")
# name, kind, username of its demo user (None: no user)
BODIES = [
    ("Norsk onkologisk forening", "society", "onkologene.bruker"),
    ("Norsk barnelegeforening", "society", "barnelegene.bruker"),
    ("Norsk nevrologisk forening", "society", None),
    ("Norsk forening for klinisk farmakologi", "society", None),
    ("Norsk hematologisk forening", "society", None),
    ("Norsk forening for medisinsk genetikk", "society", None),
    ("Norsk revmatologisk forening", "society", None),
    ("Oslo legeforening", "branch", None),
    ("Bergen legeforening", "branch", None),
    ("Troms legeforening", "branch", None),
    ("Rådet for legeetikk", "committee", None),
    ("Norsk forening for allmennmedisin", "society", None),
    ("Yngre legers forening", "society", None),
]
CAMPAIGN = (
    "Vi støtter at pasienter som ikke kan delta i kliniske studier, skal kunne få utprøvende behandling når "
    "det er faglig forsvarlig. Veilederen må sikre at pasienten aldri betaler selv, at behandlingsplanen har "
    "klare stoppkriterier, og at bivirkninger registreres fortløpende i et nasjonalt system som alle "
    "regionale helseforetak bruker."
)
TEXTS = [
    "Onkologene ønsker klarere krav til behandlingsplanen: formål, oppfølging, ansvarlige og stoppkriterier må "
    "skrives før behandlingen starter. Vi foreslår en nasjonal mal.",
    "Barn må nevnes særskilt. Samtykke fra foreldre og barnets egen mening må omtales, og veilederen bør gi "
    "eksempler fra barneonkologi og sjeldne sykdommer.",
    CAMPAIGN,
    CAMPAIGN.replace("Vi støtter", "Foreningen støtter").replace("fortløpende", "løpende"),
    CAMPAIGN.replace("faglig forsvarlig", "medisinsk forsvarlig") + " Dette er viktig for våre medlemmer.",
    "Genetiske analyser bør inngå i vurderingen av hvem som kan ha nytte av utprøvende behandling.",
    "Vi savner omtale av kostnader for sykehusene, og hvordan Beslutningsforum involveres.",
    "En pasient vi kjenner, Kari Nordmann (f. 1961), ble nektet behandling i 2023; saken viser behovet for "
    "klare regler for enkeltpasienter utenfor studier.",
    "Vestlandet har lange reiseavstander. Veilederen må sikre likeverdig tilbud uavhengig av bosted.",
    "Nord-Norge trenger regionale kontaktpunkter for utprøvende behandling.",
    "Rådet for legeetikk minner om at informert samtykke må være reelt, også når pasienten har få andre valg.",
    "Fastlegen bør informeres om utprøvende behandling og om stoppkriteriene, for oppfølging etter utskrivning.",
]
# Day (month, day, hour) each input is sent; the last two after the internal deadline (late).
SENT = [(4, 12, 10), (4, 20, 14), (5, 2, 9), (5, 3, 11), (5, 5, 16), (5, 9, 13), (5, 14, 8), (5, 19, 15),
        (5, 27, 12), (5, 30, 23), (5, 31, 8), (6, 2, 10)]  # fmt: skip
EXEMPT = 7  # the input naming a patient


def populate(context: DemoContext) -> None:
    from vegvis.consultations import deadlines, services
    from vegvis.consultations.models import Consultation, Input, InputVersion, MemberBody, Use

    year = timezone.localdate().year
    organisation, _created = Organisation.objects.get_or_create(
        kind=Organisation.Kind.ASSOCIATION, name=ORGANISATION, city="Oslo", country="NO"
    )
    bodies = []
    for name, kind, _username in BODIES:
        found, _created = Organisation.objects.get_or_create(
            kind=Organisation.Kind.MEMBER_BODY, name=name, city="", country="NO"
        )
        body, _created = MemberBody.objects.get_or_create(
            organisation=found, defaults={"parent": organisation, "kind": kind}
        )
        bodies.append(body)
    secretariat, body_actors = _users(context, organisation, bodies)
    if Consultation.objects.filter(organisation=organisation).exists() and not context.shared.get("again"):
        context.say("The consultations' demo data exist already; none added\n")
        return

    consultation = services.consultation_create(
        actor=secretariat,
        organisation=organisation,
        data=services.ConsultationData(
            issuer="Helsedirektoratet",
            issuer_reference=f"{year % 100}/1234",
            title="Nasjonal veileder for utprøvende behandling",
            description=(
                "Helsedirektoratet har sendt på høring forslag til nasjonal veileder for utprøvende behandling. "
                "Utkastet består av ni anbefalinger, fordelt på to kapitler. Direktoratet ønsker særlig "
                "tilbakemelding på utprøvende behandling utenfor kliniske studier, gjerne med praktiske eksempler."
            ),
            issued_on=date(year, 3, 15),
            issuer_deadline=date(year, 6, 15),
            internal_deadline=date(year, 5, 30),
            links=(
                ("Høringsutkastet", "https://www.helsedirektoratet.no/veiledere/utprovende-behandling-horingsutkast"),
                (
                    "Høringssiden",
                    "https://www.helsedirektoratet.no/horinger/nasjonal-veileder-for-utprovende-behandling",
                ),
            ),
        ),
        invited=bodies,
    )
    consultation = services.consultation_step(
        actor=secretariat, case=consultation, version=consultation.version, event="open_for_input"
    )
    deadline = consultation.internal_deadline
    inputs = []
    for index, (text, (month, day, hour)) in enumerate(zip(TEXTS, SENT, strict=True)):
        body = bodies[index]
        actor = body_actors.get(body.pk, SYSTEM)
        item = services.input_submit(
            actor=actor, consultation=consultation, body=body, text=text, contains_personal_data=index == EXEMPT
        )
        moment = datetime(year, month, day, hour, 0, tzinfo=timezone.get_current_timezone())
        late = deadlines.is_late(moment, deadline)
        with transaction.atomic():
            Input.objects.filter(pk=item.pk).update(registered_at=moment, late=late)
            InputVersion.objects.filter(input=item).update(submitted_at=moment, late=late)
        inputs.append(item)
    for event in ("close_for_input", "start_response"):
        consultation = services.consultation_step(
            actor=secretariat, case=consultation, version=consultation.version, event=event
        )
    services.response_introduction_save(
        actor=secretariat,
        consultation=consultation,
        version=consultation.version,
        text="Legeforeningen takker for muligheten til å gi innspill til utkastet. Svaret bygger på innspill fra "
        "foreningens fagmedisinske foreninger, avdelinger og råd.",
    )
    sections = [
        ("Behandlingsplan og stoppkriterier", "Legeforeningen støtter kravet om behandlingsplan, og ber om en "
         "nasjonal mal med formål, oppfølging, ansvarlige og stoppkriterier.", [0, 2, 3, 4]),
        ("Barn og samtykke", "Veilederen bør omtale barn særskilt, og kravet til reelt informert samtykke.", [1, 10]),
        ("Likeverdig tilbud", "Tilbudet må være likeverdig uavhengig av bosted.", [8, 9]),
    ]  # fmt: skip
    for order, (heading, text, used) in enumerate(sections, start=1):
        services.section_save(
            actor=secretariat,
            consultation=consultation,
            heading=heading,
            text=text,
            order=order,
            inputs=[inputs[i] for i in used],
        )
    uses = {0: Use.USED, 1: Use.USED, 2: Use.USED, 3: Use.USED, 4: Use.USED, 5: Use.NOT_USED, 6: Use.NOT_USED,
            7: Use.PARTLY, 8: Use.USED, 9: Use.PARTLY, 10: Use.USED}  # fmt: skip
    explanations = {
        Use.USED: "Tatt inn i svaret.",
        Use.PARTLY: "Delvis tatt inn: hovedpoenget er med i svaret.",
        Use.NOT_USED: "Ikke tatt med: utenfor det direktoratet ba om innspill til.",
    }
    for index, use in uses.items():
        services.input_use_record(actor=secretariat, input=inputs[index], use=use, explanation=explanations[use])
    context.say(
        f"Consultations: {consultation.number} from Helsedirektoratet with {len(inputs)} inputs "
        f"(2 late, 1 exempt, 3 near-duplicates), the response being written\n"
    )


def _users(
    context: DemoContext, organisation: Organisation, bodies: list[Any]
) -> tuple[Principal, dict[int, Principal]]:
    if not context.with_users:
        return SYSTEM, {}
    username, first, last, description = SECRETARIAT
    secretariat = principal_for(_user(context, username, first, last, "consultation_secretariat", organisation))
    context.users.append((username, description))
    actors = {}
    for body, (name, _kind, body_username) in zip(bodies, BODIES, strict=True):
        if body_username is None:
            continue
        user = _user(
            context, body_username, "Demo", name.split()[-2].capitalize(), "member_body_user", body.organisation
        )
        actors[body.pk] = principal_for(user)
        context.users.append((body_username, f"Bruker i organisasjonsledd, {name}"))
    return secretariat, actors


def _user(context: DemoContext, username: str, first: str, last: str, role: str, where: Organisation) -> Any:
    from vegvis.accounts.models import User
    from vegvis.accounts.services import role_assign, user_create
    from vegvis.core.demo import DEMO_PASSWORD

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
        role_assign(actor=context.principal, user=user, role_code=role, organisation=where)
    return user
