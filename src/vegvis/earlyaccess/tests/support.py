"""Early access's test data, made through its services: two hospitals in two regions (the matrix's clinicians and
pharmacies are held at them), the regional authorities' own organisations, a supplier, and programmes of both
agreement kinds with their regional agreements."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.core.models import Organisation
from vegvis.earlyaccess import services
from vegvis.earlyaccess.models import (
    AgreementKind,
    Basis,
    ExperimentalTreatment,
    OrganisationRegion,
    PatientTreatment,
    Programme,
)
from vegvis.testing.factories import PersonFactory, named_organisation, region

HOSPITAL = "Oslo universitetssykehus HF"  # Helse Sør-Øst
OTHER_HOSPITAL = "Helse Bergen HF"  # Helse Vest
RHF = "Helse Sør-Øst RHF"
OTHER_RHF = "Helse Vest RHF"
SUPPLIER = "Legemiddelprodusenten AS"
REGION_OF = {HOSPITAL: "helse-sor-ost", RHF: "helse-sor-ost", OTHER_HOSPITAL: "helse-vest", OTHER_RHF: "helse-vest"}


def later(monkeypatch: Any, days: int) -> date:
    """Let ``days`` pass: every "today" the application asks for is that many days on (the clock helper of
    abroad/tests/test_adviser_access.py)."""
    real = timezone.localdate
    day = real() + timedelta(days=days)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day if not args else real(*args, **kwargs))
    return day


def on_day(monkeypatch: Any, day: date) -> None:
    """Make ``day`` today."""
    later(monkeypatch, (day - timezone.localdate()).days)


def hospital(name: str = HOSPITAL) -> Organisation:
    found = named_organisation(name, Organisation.Kind.HOSPITAL)
    OrganisationRegion.objects.get_or_create(organisation=found, defaults={"region": region(REGION_OF[name])})
    return found


def regional_body(name: str = RHF) -> Organisation:
    found = named_organisation(name, Organisation.Kind.PUBLIC_BODY)
    OrganisationRegion.objects.get_or_create(organisation=found, defaults={"region": region(REGION_OF[name])})
    return found


def organisations() -> None:
    """Every organisation the matrix's users are held at, linked to its region."""
    for name in (HOSPITAL, OTHER_HOSPITAL):
        hospital(name)
    for name in (RHF, OTHER_RHF):
        regional_body(name)


def programme(
    kind: str = AgreementKind.SHORT_DURATION,
    *,
    basis: str = Basis.PROGRAMME,
    signed_on: date | None = None,
    regions: tuple[str, ...] = ("helse-sor-ost",),
    owner: Organisation | None = None,
    drug: str = "Tidlibumab",
) -> Programme:
    """A programme kept by the hospital, with a signed agreement (``signed_on``, default a year ago) per region."""
    organisations()
    made = services.programme_register(
        actor=SYSTEM,
        data=services.ProgrammeData(
            drug_name=drug,
            active_substance=drug.lower().replace("mab", "umab"),
            atc_code="L01XC",
            supplier=named_organisation(SUPPLIER, Organisation.Kind.SUPPLIER),
            indication="Residiverende multippelt myelom etter minst tre behandlingslinjer",
            basis=basis,
            agreement_kind=kind,
            marketing_authorised_on=None,
            method_id=None,
            cost_terms="Legemiddelet er vederlagsfritt til Beslutningsforum har besluttet.",
            owner=owner or hospital(),
        ),
    )
    for code in regions:
        services.agreement_register(
            actor=SYSTEM,
            programme=made,
            region=region(code),
            signed_on=signed_on or timezone.localdate() - timedelta(days=365),
            reference=f"SI-{code}-{made.pk}",
        )
    return made


def start(
    made: Programme | None = None, *, at: str = HOSPITAL, started_on: date | None = None, **person: Any
) -> PatientTreatment:
    made = made or programme()
    return services.treatment_start(
        actor=SYSTEM,
        programme=made,
        person=PersonFactory(**person),
        hospital=hospital(at),
        consultant="Overlege Kari Nordmann",
        started_on=started_on or timezone.localdate() - timedelta(days=30),
    )


def plan(started_on: date | None = None, **changes: Any) -> services.ExperimentalData:
    started_on = started_on or timezone.localdate() - timedelta(days=60)
    values: dict[str, Any] = {
        "treatment": "Off-label immunterapi ved sjelden sarkomtype",
        "consultant": "Overlege Per Hansen",
        "started_on": started_on,
        "why_no_study": "Ingen åpen studie i Norden for denne diagnosen.",
        "soundness": "Vurdert forsvarlig av faggruppen etter litteraturgjennomgang.",
        "consent_on": started_on - timedelta(days=3),
        "consent_taken_by": "Overlege Per Hansen",
        "consent_information": "Muntlig og skriftlig om usikker effekt, kjente bivirkninger og retten til å avslutte.",
        "purpose": "Stanse sykdomsprogresjon",
        "goals": "Stabil sykdom etter 12 uker",
        "frequency_and_duration": "Hver tredje uke i inntil seks måneder",
        "monitoring": "Blodprøver før hver kur, CT hver 12. uke",
        "responsible_persons": "Overlege Per Hansen, sykepleier Anne Berg",
        "stop_criteria": "Progresjon på CT eller bivirkning grad 3 eller mer",
        "evaluation_plan": "Evaluering etter 12 og 24 uker",
        "risk_analysis": "Kjent bivirkningsprofil; risiko for immunrelaterte bivirkninger",
    }
    values.update(changes)
    return services.ExperimentalData(**values)


def experimental(*, at: str = HOSPITAL, started_on: date | None = None, **person: Any) -> ExperimentalTreatment:
    organisations()
    return services.experimental_register(
        actor=SYSTEM, person=PersonFactory(**person), hospital=hospital(at), data=plan(started_on)
    )


def user(role: str, at: str | None = HOSPITAL, username: str | None = None) -> Any:
    """A user holding an early-access role at the organisation named (a hospital, or an RHF's own)."""
    from vegvis.testing.factories import UserFactory

    organisations()
    extra: dict[str, Any] = {}
    if at is not None and role != "earlyaccess_national":
        kind = "public_body" if at in (RHF, OTHER_RHF) else "hospital"
        extra = {"role__organisation": at, "role__organisation_kind": kind}
    return UserFactory(username=username or f"{role}.{REGION_OF.get(at or '', 'all')}", role=role, **extra)
