"""Inquiry-desk test data, made through the real services: ``make_case("at_board")`` is a case taken there the way
the desk's case worker would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.core.models import Organisation
from vegvis.inquiries.models import Case, Inquiry, Kind
from vegvis.inquiries.services import cases, inquiries
from vegvis.testing.factories import PersonFactory, patient_organisation

# The association the access matrix's desk users work at, and one they do not.
ASSOCIATION = "Pasientforeningen"
OTHER_ASSOCIATION = "Den andre pasientforeningen"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATES = ["open", "at_npe", "npe_decided", "at_board", "closed"]


def association(name: str = ASSOCIATION) -> Organisation:
    return patient_organisation(name)


def make_inquiry(*, association_name: str = ASSOCIATION, with_person: bool = True, **values: Any) -> Inquiry:
    person = PersonFactory() if with_person else None
    defaults: dict[str, Any] = {
        "channel": "phone",
        "contacted_by": "patient",
        "service": "gp",
        "account": "Fastlegen oppdaget ikke bruddet før etter tre måneder.",
        "provider": "Legesenteret",
        "contact_name": person.name if person else "Kari Innringer",
        "contact_phone": "99887766",
    }
    return inquiries.inquiry_register(
        actor=SYSTEM, organisation=association(association_name), person=person, **{**defaults, **values}
    )


def make_case(
    state: str = "open",
    *,
    kind: str = Kind.ASSISTANCE,
    association_name: str = ASSOCIATION,
    power_of_attorney: bool = True,
    **assigned: Any,
) -> Case:
    """A case in ``state``, with a power of attorney covering everything unless ``power_of_attorney=False``."""
    case = inquiries.inquiry_triage(actor=SYSTEM, inquiry=make_inquiry(association_name=association_name), kind=kind)
    if assigned:
        cases.case_assign(
            actor=SYSTEM,
            case=case,
            version=case.version,
            case_worker=assigned.get("case_worker"),
            medical_adviser=assigned.get("medical_adviser"),
        )
    today = timezone.localdate()
    if kind == Kind.ASSISTANCE and power_of_attorney:
        cases.power_of_attorney_register(
            actor=SYSTEM,
            case=case,
            version=case.version,
            granted_by=case.inquiry.display_name,
            scopes=["records", "complaints", "compensation", "meetings"],
            signed_on=today - timedelta(days=10),
            content=PDF,
            filename="fullmakt.pdf",
            content_type="application/pdf",
        )
    if state == "closed":
        outcome = "advice_given" if kind == Kind.INFORMATION else "settled_by_dialogue"
        failure = "" if kind == Kind.INFORMATION else "communication"
        cases.case_close(actor=SYSTEM, case=case, version=case.version, outcome=outcome, failure_type=failure)
        return case
    if state == "open":
        return case
    cases.claim_prepare(
        actor=SYSTEM,
        case=case,
        version=case.version,
        knew_on=today - timedelta(days=400),
        act_on=date(today.year - 2, 1, 15),
        claimed_loss=Decimal("85000"),
    )
    cases.claim_send(actor=SYSTEM, case=case, version=case.version, sent_on=today - timedelta(days=60))
    if state == "at_npe":
        return case
    cases.claim_decide(
        actor=SYSTEM,
        case=case,
        version=case.version,
        decision="rejected",
        decision_received_on=today - timedelta(days=5),
    )
    if state == "npe_decided":
        return case
    cases.claim_appeal(actor=SYSTEM, case=case, version=case.version, appealed_on=today)
    return case
