"""Assessments by the association's medical advisers and external experts, and meetings with providers: steps of
``steps.TABLE`` like the others, each in one transaction through ``take_step``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.accounts.models import User
from vegvis.core.errors import DomainError
from vegvis.inquiries.models import Assessment, Case, Document, Meeting
from vegvis.inquiries.services.base import register_document, stored, take_step


def assessment_request(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    assessor: str,
    question: str,
    due_on: date,
    adviser: User | None = None,
    expert_name: str = "",
) -> Assessment:
    """Ask the association's medical adviser (who is then assigned to the case, and so sees it) or an external
    expert for an assessment by ``due_on``."""
    from vegvis.inquiries.selectors import desk_users

    today = timezone.localdate()
    if due_on <= today:
        raise DomainError(_("The answer must be due after today."), field="due_on")
    if assessor == Assessment.Assessor.ADVISER:
        if adviser is None or not desk_users(case.organisation_id, "inquiries.assess_case").filter(pk=adviser.pk):
            raise DomainError(_("Choose one of the association's medical advisers."), field="adviser")
        expert_name = ""
    elif assessor == Assessment.Assessor.EXPERT:
        if not expert_name.strip():
            raise DomainError(_("Name the external expert."), field="expert_name")
        adviser = None
    else:
        raise DomainError(_("Choose who assesses the case."), field="assessor")
    made: dict[str, Assessment] = {}

    def apply(row: Case) -> dict[str, Any]:
        if adviser is not None:
            row.medical_adviser = adviser
        made["assessment"] = Assessment.objects.create(
            case=row,
            assessor=assessor,
            adviser=adviser,
            expert_name=expert_name.strip(),
            question=question,
            requested_on=today,
            due_on=due_on,
        )
        return {"assessment": made["assessment"].pk, "assessor": assessor, "due_on": due_on}

    take_step(actor, case, "request_assessment", version, apply)
    return made["assessment"]


def _answer(actor: Principal, row: Case, assessment: Assessment, conclusion: str, answered_on: date) -> None:
    assessment.answered_on, assessment.conclusion = answered_on, conclusion
    assessment.save(update_fields=["answered_on", "conclusion"])
    register_document(
        row,
        principal=actor,
        kind=Document.Kind.OTHER,
        direction=Document.Direction.INCOMING if assessment.expert_name else Document.Direction.INTERNAL,
        title=stored("Assessment by %(name)s", name=assessment.assessor_name),
        document_date=answered_on,
        correspondent=assessment.expert_name,
        body=conclusion,
    )


def assessment_register(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    assessment: Assessment,
    answered_on: date,
    conclusion: str,
) -> None:
    """The external expert's answer, registered by the case worker."""

    def apply(row: Case) -> dict[str, Any]:
        found = Assessment.objects.select_for_update().get(pk=assessment.pk, case=row, assessor="expert")
        if found.answered_on is not None:
            raise DomainError(_("This assessment is already registered."), field="assessment")
        _answer(actor, row, found, conclusion, answered_on)
        return {"assessment": found.pk}

    take_step(actor, case, "register_assessment", version, apply)


def assessment_give(*, actor: Principal, case: Case, version: int | None, conclusion: str) -> None:
    """The assigned medical adviser's own assessment (the oldest one asked of them)."""

    def apply(row: Case) -> dict[str, Any]:
        found = (
            Assessment.objects.select_for_update()
            .filter(case=row, assessor="adviser", adviser=actor.user, answered_on__isnull=True)
            .order_by("requested_on", "id")
            .first()
        )
        if found is None:
            raise DomainError(_("The case has no assessment waiting for its medical adviser."))
        _answer(actor, row, found, conclusion, timezone.localdate())
        return {"assessment": found.pk}

    take_step(actor, case, "give_assessment", version, apply)


def meeting_register(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    provider: str,
    held_on: date,
    participants: str = "",
    notes: str = "",
) -> Meeting:
    """A meeting with the provider, planned (its notes written after) or held (with its notes)."""
    if notes and held_on > timezone.localdate():
        raise DomainError(_("Notes are written once the meeting has been held."), field="notes")
    made: dict[str, Meeting] = {}

    def apply(row: Case) -> dict[str, Any]:
        made["meeting"] = Meeting.objects.create(
            case=row, provider=provider, held_on=held_on, participants=participants, notes=notes
        )
        if notes:
            _meeting_document(actor, row, made["meeting"])
        return {"meeting": made["meeting"].pk, "held_on": held_on}

    take_step(actor, case, "register_meeting", version, apply)
    return made["meeting"]


def _meeting_document(actor: Principal, row: Case, meeting: Meeting) -> None:
    register_document(
        row,
        principal=actor,
        kind=Document.Kind.OTHER,
        direction=Document.Direction.INTERNAL,
        title=stored("Notes from the meeting with %(provider)s", provider=meeting.provider),
        document_date=meeting.held_on,
        body=meeting.notes,
    )


def meeting_notes(*, actor: Principal, case: Case, version: int | None, meeting: Meeting, notes: str) -> None:
    def apply(row: Case) -> dict[str, Any]:
        found = Meeting.objects.select_for_update().get(pk=meeting.pk, case=row)
        if found.notes:
            raise DomainError(_("The meeting's notes are already written."), field="meeting")
        if found.held_on > timezone.localdate():
            raise DomainError(_("Notes are written once the meeting has been held."), field="meeting")
        found.notes = notes
        found.save(update_fields=["notes"])
        _meeting_document(actor, row, found)
        return {"meeting": found.pk}

    take_step(actor, case, "write_meeting_notes", version, apply)
