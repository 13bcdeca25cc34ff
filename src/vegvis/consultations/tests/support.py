"""The consultations' test data, made through the services: an organisation (the matrix's secretariat's), two of
its member bodies (the matrix's body users'), another organisation, and consultations taken to each state."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.consultations import services
from vegvis.consultations.models import Consultation, Input, MemberBody, Use
from vegvis.core.models import Organisation
from vegvis.testing.factories import UserFactory, named_organisation

ORGANISATION = "Den norske legeforening"
OTHER_ORGANISATION = "Sykepleierforbundet"
BODY = "Norsk onkologisk forening"
OTHER_BODY = "Norsk barnelegeforening"
# A PDF of one empty page that a reader opens (pdftotext reads it: the privacy scan of the public attachment).
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Size 4 /Root 1 0 R >>\n%%EOF\n"
)
STATES = ("draft", "open", "closed", "writing", "submitted", "published")


def organisation(name: str = ORGANISATION) -> Organisation:
    return named_organisation(name, Organisation.Kind.ASSOCIATION)


def body(name: str = BODY, parent: str = ORGANISATION) -> MemberBody:
    found, _created = MemberBody.objects.get_or_create(
        organisation=named_organisation(name, Organisation.Kind.MEMBER_BODY),
        defaults={"parent": organisation(parent), "kind": MemberBody.Kind.SOCIETY},
    )
    return found


def body_user(name: str = BODY, username: str | None = None) -> Any:
    body(name)
    extra = {"username": username} if username else {}
    return UserFactory(role="member_body_user", role__organisation=name, role__organisation_kind="member_body", **extra)


def data(**changes: Any) -> services.ConsultationData:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "issuer": "Helsedirektoratet",
        "title": "Nasjonal veileder for utprøvende behandling",
        "description": "Helsedirektoratet har sendt på høring forslag til nasjonal veileder.",
        "issued_on": today - timedelta(days=10),
        "issuer_deadline": today + timedelta(days=80),
        "internal_deadline": today + timedelta(days=30),
        "issuer_reference": "24/1234",
        "links": (
            ("Høringsutkastet", "https://www.helsedirektoratet.no/veiledere/utprovende-behandling-horingsutkast"),
        ),
    }
    return services.ConsultationData(**{**values, **changes})


def make_consultation(state: str = "open", *, organisation_name: str = ORGANISATION, **changes: Any) -> Consultation:
    """A consultation of the organisation, its two bodies invited, taken to ``state``; from ``writing`` on, the
    first body has sent input (recorded as used) and the response has a section."""
    owner = organisation(organisation_name)
    bodies = (
        [body(BODY, organisation_name), body(OTHER_BODY, organisation_name)]
        if organisation_name == ORGANISATION
        else []
    )
    if organisation_name != ORGANISATION:
        bodies = [body(f"{organisation_name} fagforum", organisation_name)]
    consultation = services.consultation_create(actor=SYSTEM, organisation=owner, data=data(**changes), invited=bodies)
    if state == "draft":
        return consultation
    step(consultation, "open_for_input")
    if state == "open":
        return consultation
    if state in {"writing", "submitted", "published"}:
        item = send_input(consultation, bodies[0])
        services.input_use_record(actor=SYSTEM, input=item, use=Use.USED, explanation="Tatt inn i punkt 1.")
    step(consultation, "close_for_input")
    if state == "closed":
        return consultation
    step(consultation, "start_response")
    services.section_save(
        actor=SYSTEM,
        consultation=consultation,
        heading="Utprøvende behandling utenfor studier",
        text="Vi støtter.",
        order=1,
    )
    if state == "writing":
        return consultation
    step(consultation, "submit_response")
    if state == "submitted":
        return consultation
    step(consultation, "publish")
    return consultation


def step(consultation: Consultation, event: str) -> Consultation:
    consultation.refresh_from_db()
    return services.consultation_step(actor=SYSTEM, case=consultation, version=consultation.version, event=event)


def send_input(
    consultation: Consultation, to_body: MemberBody | None = None, *, text: str = "Vårt innspill.", **kw: Any
) -> Input:
    """Input from the body (the first body by default), sent by one of its users."""
    to_body = to_body or body()
    user = UserFactory(role="member_body_user", role__organisation=to_body.name, role__organisation_kind="member_body")
    return services.input_submit(actor=principal_for(user), consultation=consultation, body=to_body, text=text, **kw)


def on(day: date, hour: int, minute: int) -> Any:
    """A moment in Europe/Oslo."""
    from datetime import datetime

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
