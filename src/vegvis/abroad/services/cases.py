"""Registering and editing cases, and the steps before the decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.abroad import deadlines, letters, numbering
from vegvis.abroad.models import (
    LETTER_LANGUAGE_CODES,
    UNDECIDED_STATUSES,
    Assessment,
    Case,
    Document,
    LetterTemplate,
    Method,
    Route,
)
from vegvis.abroad.selectors import office_case_handlers
from vegvis.abroad.services.base import (
    _audit_case,
    _check_office,
    _deny,
    _is_emergency,
    _locked,
    _register_document,
    _search_text,
    _transition,
    office_for,
    registering_office,
    stored,
)
from vegvis.abroad.steps import TABLE
from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic, retry_on_conflict
from vegvis.casework.steps import TransitionRefused
from vegvis.core import icd10
from vegvis.core.models import Office, Organisation, Person, PowerOfAttorney, Region
from vegvis.core.national_id import IdKind
from vegvis.core.services import person_get_or_create

# ---------------------------------------------------------------- cases


@dataclass
class ApplicationData:
    """What a new application or referral carries (from the form, the API or an import)."""

    patient: Person
    route: str
    received_date: date
    diagnosis_icd10: str
    applicant: str = Case.Applicant.HOSPITAL_DOCTOR
    applicant_name: str = ""
    referring_organisation: Organisation | None = None
    power_of_attorney: PowerOfAttorney | None = None
    timing: str = Case.Timing.PRIOR_APPROVAL
    letter_language: str = "nb"
    requested_treatment: str = ""
    method: Method | None = None
    hospital: Organisation | None = None
    office: Office | None = None
    external_id: str | None = None
    # The patient as the application gave them, where it is not what the register holds (see Case.patient_withheld).
    stated_name: str = ""
    stated_address: str = ""
    stated_home_region: Region | None = None
    patient_withheld: bool = False


@retry_on_conflict
def case_create(*, actor: Principal, data: ApplicationData) -> Case:
    """Register a received application or referral, with its first document, in one transaction."""
    errors: dict[str, str] = {}
    try:
        diagnosis = icd10.validate(data.diagnosis_icd10)
    except icd10.Icd10Error as error:
        errors["diagnosis_icd10"] = str(error)
    if data.received_date > timezone.localdate():
        errors["received_date"] = _("The date received cannot be in the future.")
    if data.letter_language not in LETTER_LANGUAGE_CODES:
        errors["letter_language"] = _("Choose bokmål or nynorsk.")
    if data.applicant == Case.Applicant.REPRESENTATIVE:
        poa = data.power_of_attorney
        if poa is None:
            errors["power_of_attorney"] = _(
                "An application from a representative needs the patient's power of attorney."
            )
        elif poa.person_id != data.patient.pk or not poa.is_valid_on(data.received_date):
            errors["power_of_attorney"] = _(
                "The power of attorney is not the patient's, or not valid on the date received."
            )
    if errors:
        raise ValidationError(errors)
    office = data.office or office_for(data.patient)
    _check_office(actor, office)
    with audited_atomic():
        year = data.received_date.year
        serial = numbering.next_serial(office.pk, year)
        case = Case(
            office=office,
            patient=data.patient,
            route=data.route,
            year=year,
            serial=serial,
            number=numbering.case_number(year, serial),
            external_id=data.external_id,
            patient_withheld=data.patient_withheld,
            stated_name=data.stated_name,
            stated_address=data.stated_address,
            stated_home_region=data.stated_home_region,
            applicant=data.applicant,
            applicant_name=data.applicant_name,
            referring_organisation=data.referring_organisation,
            power_of_attorney=data.power_of_attorney,
            timing=data.timing,
            letter_language=data.letter_language,
            received_date=data.received_date,
            diagnosis_icd10=diagnosis,
            diagnosis_chapter=icd10.chapter_for(diagnosis).key,  # type: ignore[union-attr]
            requested_treatment=data.requested_treatment,
            method=data.method,
            hospital=data.hospital,
            handler=actor.user if actor.user and actor.has("abroad.handle_case") else None,
        )
        case.search_text = _search_text(case)
        deadlines.refresh(case)
        case.save()
        kind = Document.Kind.APPLICATION
        _register_document(
            case,
            principal=actor,
            kind=kind,
            direction=Document.Direction.INCOMING,
            title=stored(
                gettext_noop("%(route)s for %(name)s"), route=Route(case.route).label, name=case.patient_display_name
            ),
            document_date=data.received_date,
            correspondent=data.applicant_name or str(data.referring_organisation or case.patient_display_name),
            correspondent_is_private=data.applicant in {Case.Applicant.PATIENT, Case.Applicant.REPRESENTATIVE}
            or not (data.applicant_name or data.referring_organisation),
        )
        _audit_case(actor, case, Action.CREATE, route=case.route, office=office.code)
    return case


@retry_on_conflict
def application_register(*, actor: Principal, values: dict[str, Any]) -> Case:
    """A new application from the web form or the API: the person, any power of attorney and the case, all or
    nothing.

    The office is the one the application names, or the one for the home region it gives: never the register's, so
    a national id known at another office is registered like any other (the patient's right to apply) and the answer
    does not tell the caller that the person exists elsewhere. The register's person is never changed here:
    - a person the caller may see, with another name given: the register's name is kept and the given one stored as
      the case's ``stated_name`` (the case page shows both; issue 11's "silently dropped" name);
    - a person the caller may not see (``patient_withheld``): the case keeps and shows only what was given.
    """
    office = values.get("office") or registering_office(actor, values["home_region"])
    _check_office(actor, office)
    typed_name = " ".join(str(values["patient_name"]).split())
    typed_address = ", ".join(
        part
        for part in (
            values.get("address_line", "").strip(),
            f"{values.get('postal_code', '').strip()} {values.get('city', '').strip()}".strip(),
        )
        if part
    )
    with audited_atomic():
        person, created = person_get_or_create(
            actor=actor,
            national_id=values["national_id"],
            name=typed_name,
            home_region=values["home_region"],
            birth_date=values.get("birth_date"),
            id_kind=IdKind(values["id_kind"]) if values.get("id_kind") else None,
            address_line=values.get("address_line", ""),
            postal_code=values.get("postal_code", ""),
            city=values.get("city", ""),
        )
        withheld = not created and not policies.policy_for(Person).can(actor, "view", person)
        stated: dict[str, Any] = {}
        if withheld:
            stated = {
                "patient_withheld": True,
                "stated_name": typed_name,
                "stated_address": typed_address[:300],
                "stated_home_region": values["home_region"],
            }
        elif not created and typed_name and typed_name != person.name:
            stated = {"stated_name": typed_name}
        power = None
        if values.get("applicant") == Case.Applicant.REPRESENTATIVE:
            power = PowerOfAttorney.objects.create(
                person=person,
                representative_name=values["representative_name"],
                representative_address=values.get("representative_address", ""),
                scope=values["representative_scope"],
                signed_on=values["representative_signed_on"],
                valid_until=values.get("representative_valid_until"),
            )
            audit_record(
                principal=actor,
                action=Action.CREATE,
                obj=power,
                label=f"power of attorney {power.pk}",
                person_id=person.pk,
            )
        return case_create(
            actor=actor,
            data=ApplicationData(
                patient=person,
                route=values["route"],
                received_date=values["received_date"],
                diagnosis_icd10=values["diagnosis_icd10"],
                applicant=values["applicant"],
                applicant_name=values.get("applicant_name", ""),
                power_of_attorney=power,
                timing=values.get("timing") or Case.Timing.PRIOR_APPROVAL,
                letter_language=values.get("letter_language") or "nb",
                requested_treatment=values.get("requested_treatment", ""),
                method=values.get("method"),
                hospital=values.get("hospital"),
                office=office,
                external_id=values.get("external_id"),
                **stated,
            ),
        )


CASE_EDITABLE = ["requested_treatment", "method", "hospital", "diagnosis_icd10", "handler", "timing"]
CASE_REFERENCE_FIELDS = frozenset({"method", "hospital", "handler", "timing"})


def case_update(*, actor: Principal, case: Case, version: int, **values: Any) -> Case:
    with _locked(case, version, actor) as locked:
        changed: dict[str, Any] = {}
        for name, value in values.items():
            if name not in CASE_EDITABLE:
                raise ValueError(f"{name} cannot be changed here")
            if name == "diagnosis_icd10":
                try:
                    value = icd10.validate(value)
                except icd10.Icd10Error as error:
                    raise ValidationError({"diagnosis_icd10": str(error)}) from error
                locked.diagnosis_chapter = icd10.chapter_for(value).key  # type: ignore[union-attr]
            old = getattr(locked, name)
            if old != value:
                # Health data's values stay out of the audit trail, which outlives the case (docs/security.md).
                changed[name] = [str(old or ""), str(value or "")] if name in CASE_REFERENCE_FIELDS else "changed"
                setattr(locked, name, value)
        locked.search_text = _search_text(locked)
        _audit_case(actor, locked, Action.UPDATE, changed=changed)
    return case


# ---------------------------------------------------------------- reassignment and corrections (issue 11)


def case_reassign(*, actor: Principal, case: Case, version: int, handler: Any) -> Case:
    """Hand the case to another case handler (holidays, sick leave, workload).

    Anyone who handles the office's cases by work need (its case handlers and its office lead) may reassign
    them; emergency access opens a case for reading and handling, not for moving it. The new handler must be an
    active case handler of the case's office. The audit entry names the old and the new handler.
    """
    if actor.user is not None and _is_emergency(actor, case):
        _deny(actor, case, "reassign")
    with _locked(case, version, actor) as locked:
        if handler is None or not office_case_handlers(locked.office_id).filter(pk=handler.pk).exists():
            raise ValidationError({"handler": _("Choose an active case handler at the case's office.")})
        if locked.handler_id == handler.pk:
            raise ValidationError(
                {"handler": _("%(name)s already handles this case.") % {"name": handler.get_full_name()}}
            )
        old = locked.handler
        locked.handler = handler
        _audit_case(
            actor,
            locked,
            Action.UPDATE,
            reassigned=True,
            changed={
                "handler": [old.get_full_name() if old else "", handler.get_full_name()],
                "handler_id": [old.pk if old else None, handler.pk],
            },
        )
    return case


# What "correct case data" may change. The route only before the decision: it decides who decides the case and
# which steps it has, and every route has the steps up to the decision.
CASE_CORRECTABLE = ("route", "method", "hospital", "diagnosis_icd10", "requested_treatment", "letter_language")
# Health data: the audit trail, which outlives the case, says that these changed, never their values
# (docs/security.md, retention). The other fields are recorded with their old and new value.
CASE_HEALTH_FIELDS = frozenset({"diagnosis_icd10", "requested_treatment"})


def route_correctable(case: Case) -> bool:
    return case.status in UNDECIDED_STATUSES


def case_correct(*, actor: Principal, case: Case, version: int, **values: Any) -> Case:
    """Correct what was registered wrong: route (before the decision), method, hospital, diagnosis, treatment,
    and the written language (bokmål/nynorsk) of the case's letters from now on.

    Only the fields given are changed; nothing at all is saved if one is refused. Audited field by field.
    """
    if actor.user is not None and _is_emergency(actor, case):
        _deny(actor, case, "correct")
    unknown = set(values) - set(CASE_CORRECTABLE)
    if unknown:
        raise ValueError(f"{sorted(unknown)} cannot be corrected here")
    with _locked(case, version, actor) as locked:
        changed: dict[str, Any] = {}
        for name in CASE_CORRECTABLE:
            if name not in values:
                continue
            value = values[name]
            if name == "diagnosis_icd10":
                try:
                    value = icd10.validate(value or "")
                except icd10.Icd10Error as error:
                    raise ValidationError({"diagnosis_icd10": str(error)}) from error
            elif name == "requested_treatment":
                value = (value or "").strip()
            elif name == "letter_language":
                if value not in LETTER_LANGUAGE_CODES:
                    raise ValidationError({"letter_language": _("Choose bokmål or nynorsk.")})
            elif name == "route":
                if value not in Route.values:
                    raise ValidationError({"route": _("Choose a route.")})
                if value != locked.route and not route_correctable(locked):
                    raise ValidationError(
                        {
                            "route": _("The route can be corrected only before the decision. This case is: %(status)s.")
                            % {"status": locked.status_label}
                        }
                    )
            old = getattr(locked, name)
            if old == value:
                continue
            if name == "diagnosis_icd10":
                locked.diagnosis_chapter = icd10.chapter_for(value).key  # type: ignore[union-attr]
            setattr(locked, name, value)
            changed[name] = "changed" if name in CASE_HEALTH_FIELDS else [str(old or ""), str(value or "")]
        if not changed:
            raise ValidationError(_("Nothing to save: the case already has these values."))
        locked.search_text = _search_text(locked)
        _audit_case(actor, locked, Action.UPDATE, corrected=True, changed=changed)
    return case


# ---------------------------------------------------------------- steps before the decision


def case_request_info(*, actor: Principal, case: Case, version: int, text: str, recipient: str) -> Case:
    if not text.strip():
        raise ValidationError({"text": _("Write what information is missing.")})

    def apply(c: Case) -> dict[str, Any]:
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.INFO_REQUEST,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Request for information")),
            document_date=timezone.localdate(),
            correspondent=recipient,
            body=text,
            sent=True,
        )
        return {}

    return _transition(actor, case, "request_info", version, apply)


def case_register_info(
    *, actor: Principal, case: Case, version: int, received_on: date, summary: str, sender: str
) -> Case:
    def apply(c: Case) -> dict[str, Any]:
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.INFO_RECEIVED,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Additional information")),
            document_date=received_on,
            correspondent=sender,
            body=summary,
        )
        return {}

    return _transition(actor, case, "register_info", version, apply)


def case_request_assessment(
    *,
    actor: Principal,
    case: Case,
    version: int,
    expert_community: Organisation,
    question: str,
    adviser: Any = None,
    due_on: date | None = None,
    requested_on: date | None = None,
) -> Case:
    if not question.strip():
        raise ValidationError({"question": _("Write the question to the expert community.")})
    if expert_community.kind != Organisation.Kind.EXPERT_COMMUNITY:
        raise ValidationError({"expert_community": _("Choose a Norwegian expert community.")})

    def apply(c: Case) -> dict[str, Any]:
        today = requested_on or timezone.localdate()
        assessment = Assessment.objects.create(
            case=c,
            expert_community=expert_community,
            adviser=adviser,
            question=question,
            requested_on=today,
            due_on=due_on or deadlines.assessment_due(today),
        )
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.ASSESSMENT_REQUEST,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Request for medical assessment")),
            document_date=today,
            correspondent=str(expert_community),
            correspondent_is_private=False,
            body=question,
            sent=True,
        )
        return {"assessment": assessment.pk, "adviser": adviser.pk if adviser else None}

    return _transition(actor, case, "request_assessment", version, apply)


def assessment_answer(
    *,
    actor: Principal,
    assessment: Assessment,
    recommendation: str,
    conclusion: str,
    answered_on: date | None = None,
    by_letter: bool = False,
    version: int | None = None,
) -> Assessment:
    """The expert's answer: given in Vegvis by the assigned medical adviser, or registered from a letter."""
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Write the assessment.")})
    if recommendation not in Assessment.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose a recommendation.")})
    case = assessment.case

    def apply(c: Case) -> dict[str, Any]:
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.answered_on is not None:
            raise TransitionRefused(_("This assessment has already been answered."))
        if not by_letter and (actor.user is None or locked.adviser_id != actor.user.pk):
            raise TransitionRefused(_("Only the medical adviser the assessment is assigned to can answer it."))
        locked.recommendation = recommendation
        locked.conclusion = conclusion
        locked.answered_on = answered_on or timezone.localdate()
        locked.by_letter = by_letter
        locked.save(update_fields=["recommendation", "conclusion", "answered_on", "by_letter"])
        assessment.__dict__.update(locked.__dict__)
        _register_document(
            c,
            principal=actor,
            kind=Document.Kind.ASSESSMENT,
            direction=Document.Direction.INCOMING,
            title=stored(gettext_noop("Medical assessment")),
            document_date=locked.answered_on,
            correspondent=str(locked.expert_community),
            correspondent_is_private=False,
            body=conclusion,
        )
        return {"assessment": locked.pk, "recommendation": recommendation, "by_letter": by_letter}

    # Two steps of the table on one edge: the office registers a letter, the assigned adviser answers in Vegvis.
    _transition(actor, case, "register_assessment" if by_letter else "answer_assessment", version, apply)
    return assessment


def case_send_provisional_reply(*, actor: Principal, case: Case, version: int, expected_by: date, reason: str) -> Case:
    """A provisional reply when no decision can be made within a month (forvaltningsloven § 11 a)."""
    with _locked(case, version, actor) as locked:
        if locked.status not in {s.value for s in UNDECIDED_STATUSES}:
            raise TransitionRefused(_("A provisional reply is only sent before the decision."))
        TABLE.check_step(locked, "send_provisional_reply")  # one per case
        pdf = letters.render_pdf(
            LetterTemplate.Kind.PROVISIONAL_REPLY, locked, extra={"expected_by": expected_by, "reason": reason}
        )
        _register_document(
            locked,
            principal=actor,
            kind=Document.Kind.PROVISIONAL_REPLY,
            direction=Document.Direction.OUTGOING,
            title=stored(gettext_noop("Provisional reply")),
            document_date=timezone.localdate(),
            correspondent=locked.patient_display_name,
            content=pdf,
            content_type="application/pdf",
            sent=True,
        )
        locked.provisional_reply_sent_on = timezone.localdate()
        _audit_case(actor, locked, Action.UPDATE, provisional_reply=str(expected_by))
    return case


def document_register_incoming(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    title: str,
    document_date: date,
    correspondent: str,
    correspondent_is_private: bool,
    content: bytes | None,
    filename: str,
    content_type: str,
) -> Document:
    with _locked(case, version, actor) as locked:
        document = _register_document(
            locked,
            principal=actor,
            kind=Document.Kind.OTHER,
            direction=Document.Direction.INCOMING,
            title=title,
            document_date=document_date,
            correspondent=correspondent,
            correspondent_is_private=correspondent_is_private,
            content=content,
            filename=filename,
            content_type=content_type,
        )
    return document
