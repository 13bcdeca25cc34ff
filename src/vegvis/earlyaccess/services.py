"""Every write of early access: one function, one audited transaction each, refusals in the user's language.

The rules (DOMAIN.md §5, issue 16): a patient may start on a programme's drug only under a signed standard
agreement for the hospital's region, on or after its agreement date (the agreement is concluded *before* the
patient starts); a programme resting on a named-patient exemption needs an exemption valid on the start day, and an
exemption is valid for at most a year (`earlyaccess_exemption_validity`); a treatment under the short-duration
agreement is expected to end after six months (`earlyaccess_short_duration`); the patient never pays for
experimental treatment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.access.policies import policy_for
from vegvis.access.principal import Principal
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audit_record, audited_atomic, changes
from vegvis.casework.numbering import next_organisation_number
from vegvis.core.atc import is_valid, normalise
from vegvis.core.models import LegalDeadline, Organisation, Person, Region
from vegvis.core.services import person_get_or_create
from vegvis.earlyaccess.models import (
    EXEMPTION_DEADLINE,
    EXPERIMENTAL_NUMBER_KIND,
    PATIENT_PAYER,
    SHORT_DURATION_DEADLINE,
    TREATMENT_NUMBER_KIND,
    AdverseEvent,
    AgreementKind,
    Basis,
    CostEntry,
    EndReason,
    Evaluation,
    Exemption,
    ExperimentalTreatment,
    OrganisationRegion,
    PatientTreatment,
    Programme,
    RegionalAgreement,
    StopReason,
)
from vegvis.earlyaccess.policies import may_manage_programme, may_register_agreement, may_treat_at

Action = AuditEntry.Action


class Refused(ValueError):
    """The change is not allowed; the message is for the user, shown next to ``field`` when it names one of the
    form's fields (else above the form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _d(value: date) -> str:
    return date_format(value, "d.m.Y")


def hospital_region(hospital: Organisation) -> Region:
    link = OrganisationRegion.objects.select_related("region").filter(organisation=hospital).first()
    if link is None:
        raise Refused(_("%(hospital)s belongs to no regional health authority in Vegvis.") % {"hospital": hospital})
    return link.region


# ---------------------------------------------------------------- programmes, exemptions, agreements


@dataclass(frozen=True)
class ProgrammeData:
    drug_name: str
    active_substance: str
    atc_code: str
    supplier: Organisation
    indication: str
    basis: str
    agreement_kind: str
    marketing_authorised_on: date | None
    method_id: int | None
    cost_terms: str
    owner: Organisation


def programme_register(*, actor: Principal, data: ProgrammeData) -> Programme:
    """A hospital pharmacy's (or the national administrator's) new programme, kept by ``data.owner``."""
    grant = actor.grant("earlyaccess.manage_programme")
    if not (grant.everywhere or data.owner.pk in grant.organisation_ids):
        raise Refused(_("You may register programmes only for your own hospital."))
    if data.atc_code and not is_valid(data.atc_code):
        raise Refused(_("The ATC code is not valid."))
    with audited_atomic():
        values = asdict(data)
        values["atc_code"] = normalise(data.atc_code)
        programme = Programme(**values)
        programme.full_clean()
        programme.save()
        audit_record(principal=actor, action=Action.CREATE, obj=programme, label=f"programme {programme.pk}")
    return programme


# What an edit may change: everything but the keeping hospital (a pharmacy cannot hand a programme on).
EDITABLE = (
    "drug_name",
    "active_substance",
    "atc_code",
    "supplier_id",
    "indication",
    "basis",
    "agreement_kind",
    "marketing_authorised_on",
    "method_id",
    "cost_terms",
)


def programme_update(*, actor: Principal, programme: Programme, version: int, data: ProgrammeData) -> Programme:
    """The programme corrected or completed after registration (a later marketing authorisation, the Nye metoder
    method, the cost terms). Once a patient has started, the standard agreement and the basis stay: the patients'
    expected ends and exemption checks follow from them. Refusals name the field (``ValidationError`` by field)."""
    if not may_manage_programme(actor, programme):
        raise Refused(_("Only the programme's own hospital may change it."))
    if data.atc_code and not is_valid(data.atc_code):
        raise ValidationError({"atc_code": [_("The ATC code is not valid.")]})
    with audited_atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked.version != version:
            raise Refused(_("Someone else changed the programme while you worked on it. Open it again."))
        errors: dict[str, list[str]] = {}
        if locked.treatments.exists():
            if data.agreement_kind != locked.agreement_kind:
                errors["agreement_kind"] = [
                    _(
                        "The standard agreement cannot change once patients have started: their expected ends "
                        "follow from it."
                    )
                ]
            if data.basis != locked.basis:
                errors["basis"] = [
                    _("The basis cannot change once patients have started: their starts were checked against it.")
                ]
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(locked, name) for name in EDITABLE}
        values = asdict(data)
        values["atc_code"] = normalise(data.atc_code)
        values["supplier_id"] = data.supplier.pk
        for name in EDITABLE:
            setattr(locked, name, values[name])
        locked.full_clean()
        diff = changes(locked, before, EDITABLE)
        if not diff:
            return locked
        locked.version += 1
        locked.save(update_fields=[*(name.removesuffix("_id") for name in diff), "version"])
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=locked,
            label=f"programme {locked.pk}",
            detail={"changed": diff},
        )
    return locked


def exemption_add(
    *, actor: Principal, programme: Programme, granted_on: date, valid_until: date, reference: str = ""
) -> Exemption:
    """A named-patient exemption or its renewal: valid for at most the period the law allows (one year)."""
    if not may_manage_programme(actor, programme):
        raise Refused(_("Only the programme's own hospital may register its exemptions."))
    if programme.basis != Basis.EXEMPTION:
        raise Refused(_("The programme rests on an approved compassionate-use programme, not an exemption."))
    with audited_atomic():
        longest = LegalDeadline.get(EXEMPTION_DEADLINE).after(granted_on)
        if valid_until < granted_on:
            raise Refused(_("An exemption cannot end before it is granted."), field="valid_until")
        if valid_until > longest:
            raise Refused(
                _(
                    "An exemption is granted for at most a year: granted %(granted)s, it is valid until %(last)s "
                    "at most."
                )
                % {"granted": _d(granted_on), "last": _d(longest)},
                field="valid_until",
            )
        exemption = Exemption.objects.create(
            programme=programme, granted_on=granted_on, valid_until=valid_until, reference=reference.strip()
        )
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=exemption,
            label=f"programme {programme.pk}: exemption",
            detail={"granted_on": granted_on, "valid_until": valid_until},
        )
    return exemption


def agreement_register(
    *, actor: Principal, programme: Programme, region: Region, signed_on: date, reference: str
) -> RegionalAgreement:
    """The programme's signed standard agreement for one region (one per region)."""
    if not may_register_agreement(actor, region.pk):
        raise Refused(_("You may register agreements only for your own region."))
    if not reference.strip():
        raise Refused(_("Give the agreement's reference."), field="reference")
    with audited_atomic():
        if RegionalAgreement.objects.filter(programme=programme, region=region).exists():
            raise Refused(
                _("The programme has an agreement for %(region)s already.") % {"region": region.name}, field="region"
            )
        agreement = RegionalAgreement.objects.create(
            programme=programme, region=region, signed_on=signed_on, reference=reference.strip()
        )
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=agreement,
            label=f"programme {programme.pk}: agreement {region.code}",
            detail={"signed_on": signed_on},
        )
    return agreement


# ---------------------------------------------------------------- patients in a programme


def start_refusal(programme: Programme, region: Region, started_on: date) -> str | None:
    """Why a patient at a hospital of ``region`` may not start on ``started_on`` (None: they may)."""
    agreement = RegionalAgreement.objects.filter(programme=programme, region=region).first()
    if agreement is None:
        return _(
            "The patient cannot start: %(programme)s has no signed standard agreement for %(region)s. The agreement "
            "must be concluded before the patient starts."
        ) % {"programme": programme.drug_name, "region": region.name}
    if started_on < agreement.signed_on:
        return _(
            "The patient cannot start before the agreement date: the standard agreement for %(region)s was signed "
            "%(signed)s."
        ) % {"region": region.name, "signed": _d(agreement.signed_on)}
    if (
        programme.basis == Basis.EXEMPTION
        and not programme.exemptions.filter(granted_on__lte=started_on, valid_until__gte=started_on).exists()
    ):
        return _("The patient cannot start: the programme has no named-patient exemption valid on %(day)s.") % {
            "day": _d(started_on)
        }
    return None


def expected_end(programme: Programme, started_on: date, given: date | None) -> date | None:
    """When the treatment is expected to end: as the clinician says, or for the short-duration agreement the
    period the agreement assumes (six months) after the start."""
    if given is not None:
        return given
    if programme.agreement_kind == AgreementKind.SHORT_DURATION:
        return LegalDeadline.get(SHORT_DURATION_DEADLINE).after(started_on)
    return None


def _number(prefix: str, hospital: Organisation, year: int, kind: str) -> tuple[int, str]:
    serial = next_organisation_number(hospital, year, kind)
    return serial, f"{prefix}-{year}-{serial:04d}"


@dataclass(frozen=True)
class Patient:
    """The person a typed national id names, and what a treatment may show of them: ``withheld_name`` is the name
    as typed when the person was already in the register but not visible to the clinician (another system's or
    another hospital's patient); the treatment then shows that name, never the register's."""

    person: Person
    withheld_name: str = ""


def patient_for(*, actor: Principal, national_id: str, name: str, home_region: Region) -> Patient:
    """``core.services.person_get_or_create`` keeps the register's person (and name) when the id is known; this
    decides, before the treatment exists (it would make the person visible), whether the clinician may see that
    person. Call it in the treatment's transaction. The register's person is never changed here."""
    typed = " ".join(name.split())
    person, created = person_get_or_create(actor=actor, national_id=national_id, name=typed, home_region=home_region)
    if created or policy_for(Person).can(actor, "view", person):
        return Patient(person)
    return Patient(person, withheld_name=typed)


def _withheld(patient: Person | Patient) -> tuple[Person, dict[str, object]]:
    if isinstance(patient, Patient):
        stated = {"patient_withheld": True, "stated_name": patient.withheld_name} if patient.withheld_name else {}
        return patient.person, stated
    return patient, {}


def treatment_start(
    *,
    actor: Principal,
    programme: Programme,
    person: Person | Patient,
    hospital: Organisation,
    consultant: str,
    started_on: date,
    expected_end_on: date | None = None,
) -> PatientTreatment:
    """A patient starts on the programme's drug at the hospital; refused without a signed agreement for the
    hospital's region, before its agreement date, or (exemption basis) without a valid exemption."""
    if not may_treat_at(actor, hospital.pk):
        raise Refused(_("You may start treatments only at your own hospital."))
    if not consultant.strip():
        raise Refused(_("Name the responsible senior consultant."))
    if expected_end_on is not None and expected_end_on < started_on:
        raise Refused(_("The expected end cannot be before the start."), field="expected_end_on")
    region = hospital_region(hospital)
    person, stated = _withheld(person)
    with audited_atomic():
        refusal = start_refusal(programme, region, started_on)
        if refusal:
            raise Refused(refusal, field="started_on")
        serial, number = _number("TT", hospital, started_on.year, TREATMENT_NUMBER_KIND)
        treatment = PatientTreatment.objects.create(
            programme=programme,
            person=person,
            hospital=hospital,
            region=region,
            year=started_on.year,
            serial=serial,
            number=number,
            consultant=consultant.strip(),
            started_on=started_on,
            expected_end_on=expected_end(programme, started_on, expected_end_on),
            registered_by=actor.user,
            **stated,
        )
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=treatment,
            label=treatment.audit_label,
            person_id=person.pk,
            detail={"programme": programme.pk, "started_on": started_on},
        )
    return treatment


def _locked(model: type, obj: object, version: int) -> object:
    locked = model.objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
    if locked.version != version:
        raise Refused(_("Someone else changed the treatment while you worked on it. Open it again."))
    return locked


def treatment_stop(
    *, actor: Principal, treatment: PatientTreatment, version: int, stopped_on: date, reason: str, note: str = ""
) -> PatientTreatment:
    if not may_treat_at(actor, treatment.hospital_id):
        raise Refused(_("You may stop treatments only at your own hospital."))
    if reason not in StopReason.values:
        raise Refused(_("Choose why the treatment stopped."))
    with audited_atomic():
        locked = _locked(PatientTreatment, treatment, version)
        assert isinstance(locked, PatientTreatment)
        if locked.stopped_on is not None:
            raise Refused(_("The treatment has stopped already."))
        if stopped_on < locked.started_on:
            raise Refused(
                _("A treatment cannot stop before it started (%(day)s).") % {"day": _d(locked.started_on)},
                field="stopped_on",
            )
        if stopped_on > timezone.localdate():
            raise Refused(_("The stop date cannot be in the future."), field="stopped_on")
        locked.stopped_on, locked.stop_reason, locked.stop_note = stopped_on, reason, note.strip()
        locked.version += 1
        locked.save(update_fields=["stopped_on", "stop_reason", "stop_note", "version"])
        audit_record(
            principal=actor,
            action=Action.TRANSITION,
            obj=locked,
            label=locked.audit_label,
            person_id=locked.person_id,
            detail={"to": "stopped", "reason": reason},
        )
    return locked


# ---------------------------------------------------------------- experimental treatment outside studies


@dataclass(frozen=True)
class ExperimentalData:
    treatment: str
    consultant: str
    started_on: date
    why_no_study: str
    soundness: str
    consent_on: date
    consent_taken_by: str
    consent_information: str
    purpose: str
    goals: str
    frequency_and_duration: str
    monitoring: str
    responsible_persons: str
    stop_criteria: str
    evaluation_plan: str
    risk_analysis: str


def experimental_register(
    *, actor: Principal, person: Person | Patient, hospital: Organisation, data: ExperimentalData
) -> ExperimentalTreatment:
    """A single patient's experimental treatment with its justification, consent and plan (every part required:
    the guideline allows treatment outside a study only so)."""
    if not may_treat_at(actor, hospital.pk):
        raise Refused(_("You may register treatments only at your own hospital."))
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(data).items()}
    if any(v in ("", None) for v in values.values()):
        raise Refused(_("Fill in every part: the justification, the consent and the whole treatment plan."))
    if data.consent_on > data.started_on:
        raise Refused(_("Consent must be given before the treatment starts."), field="consent_on")
    region = hospital_region(hospital)
    person, stated = _withheld(person)
    with audited_atomic():
        serial, number = _number("UB", hospital, data.started_on.year, EXPERIMENTAL_NUMBER_KIND)
        treatment = ExperimentalTreatment.objects.create(
            person=person,
            hospital=hospital,
            region=region,
            year=data.started_on.year,
            serial=serial,
            number=number,
            registered_by=actor.user,
            **values,
            **stated,
        )
        audit_record(
            principal=actor, action=Action.CREATE, obj=treatment, label=treatment.audit_label, person_id=person.pk
        )
    return treatment


def experimental_end(
    *,
    actor: Principal,
    treatment: ExperimentalTreatment,
    version: int,
    ended_on: date,
    reason: str,
    note: str = "",
) -> ExperimentalTreatment:
    """The experimental treatment ends: the date, why (a fixed list, for the regional overview and the report the
    guideline asks for) and a note. Once only; not before the start, not in the future."""
    if not may_treat_at(actor, treatment.hospital_id):
        raise Refused(_("Only the hospital's own clinicians may end its treatments."))
    if reason not in EndReason.values:
        raise Refused(_("Choose why the treatment ended."), field="reason")
    if reason == EndReason.OTHER and not note.strip():
        raise Refused(_("Say in the note why the treatment ended."), field="note")
    with audited_atomic():
        locked = _locked(ExperimentalTreatment, treatment, version)
        assert isinstance(locked, ExperimentalTreatment)
        if locked.ended_on is not None:
            raise Refused(_("The treatment ended already (%(day)s).") % {"day": _d(locked.ended_on)}, field="ended_on")
        if ended_on < locked.started_on:
            raise Refused(
                _("A treatment cannot end before it started (%(day)s).") % {"day": _d(locked.started_on)},
                field="ended_on",
            )
        if ended_on > timezone.localdate():
            raise Refused(_("The end date cannot be in the future."), field="ended_on")
        locked.ended_on, locked.end_reason, locked.end_note = ended_on, reason, note.strip()
        locked.version += 1
        locked.save(update_fields=["ended_on", "end_reason", "end_note", "version"])
        audit_record(
            principal=actor,
            action=Action.TRANSITION,
            obj=locked,
            label=locked.audit_label,
            person_id=locked.person_id,
            detail={"to": "ended", "reason": reason},
        )
    return locked


def _check_follow_up(actor: Principal, treatment: ExperimentalTreatment, on: date, field: str) -> None:
    if not may_treat_at(actor, treatment.hospital_id):
        raise Refused(_("Only the hospital's own clinicians may follow up its treatments."))
    if on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."), field=field)
    if on < treatment.started_on:
        raise Refused(
            _("The date cannot be before the treatment started (%(day)s).") % {"day": _d(treatment.started_on)},
            field=field,
        )


def adverse_event_register(
    *,
    actor: Principal,
    treatment: ExperimentalTreatment,
    occurred_on: date,
    seriousness: str,
    description: str,
    outcome: str,
) -> AdverseEvent:
    _check_follow_up(actor, treatment, occurred_on, "occurred_on")
    with audited_atomic():
        event = AdverseEvent(
            treatment=treatment,
            occurred_on=occurred_on,
            seriousness=seriousness,
            description=description.strip(),
            outcome=outcome,
        )
        event.full_clean()
        event.save()
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=event,
            label=f"{treatment.audit_label}: adverse event",
            person_id=treatment.person_id,
            detail={"seriousness": seriousness},
        )
    return event


def evaluation_register(
    *, actor: Principal, treatment: ExperimentalTreatment, evaluated_on: date, benefit: str, risk: str, assessment: str
) -> Evaluation:
    _check_follow_up(actor, treatment, evaluated_on, "evaluated_on")
    with audited_atomic():
        evaluation = Evaluation(
            treatment=treatment, evaluated_on=evaluated_on, benefit=benefit, risk=risk, assessment=assessment.strip()
        )
        evaluation.full_clean()
        evaluation.save()
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=evaluation,
            label=f"{treatment.audit_label}: evaluation",
            person_id=treatment.person_id,
        )
    return evaluation


PATIENT_NEVER_PAYS = gettext_noop(
    "The patient never pays for experimental treatment: choose the hospital, the region or the supplier."
)


def cost_register(
    *,
    actor: Principal,
    treatment: ExperimentalTreatment,
    incurred_on: date,
    description: str,
    amount: Decimal,
    payer: str,
) -> CostEntry:
    """A cost of the treatment and who bears it; refused when it would charge the patient."""
    if payer == PATIENT_PAYER:
        raise Refused(_(PATIENT_NEVER_PAYS), field="payer")
    _check_follow_up(actor, treatment, incurred_on, "incurred_on")
    if amount < 0:
        raise Refused(_("The amount cannot be negative."), field="amount")
    with audited_atomic():
        entry = CostEntry(
            treatment=treatment, incurred_on=incurred_on, description=description.strip(), amount=amount, payer=payer
        )
        entry.full_clean()
        entry.save()
        audit_record(
            principal=actor,
            action=Action.CREATE,
            obj=entry,
            label=f"{treatment.audit_label}: cost",
            person_id=treatment.person_id,
            detail={"payer": payer, "amount": str(amount)},
        )
    return entry
