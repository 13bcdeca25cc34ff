"""The desk case's steps (``steps.TABLE`` names each as its service) and its assignment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.accounts.models import User
from vegvis.audit.services import Action, retry_on_conflict
from vegvis.core.errors import DomainError
from vegvis.inquiries import deadlines, letters
from vegvis.inquiries.models import (
    Case,
    CompensationClaim,
    Complaint,
    Document,
    Kind,
    Outcome,
    PowerOfAttorney,
    RecordRequest,
    Scope,
)
from vegvis.inquiries.services.base import audit_case, locked, register_document, stored, take_step
from vegvis.inquiries.services.letters import letter_seal

INFORMATION_OUTCOMES = frozenset({Outcome.ADVICE_GIVEN, Outcome.WITHDRAWN})


def power_of_attorney_register(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    granted_by: str,
    scopes: list[str],
    signed_on: date,
    valid_until: date | None = None,
    content: bytes | None = None,
    filename: str = "",
    content_type: str = "",
) -> PowerOfAttorney:
    """The signed power of attorney, its scan stored in the case file."""
    if not scopes:
        raise DomainError(_("Choose what the power of attorney covers."), field="scopes")
    if valid_until is not None and valid_until < signed_on:
        raise DomainError(_("The power of attorney cannot expire before it was signed."), field="valid_until")
    made: dict[str, PowerOfAttorney] = {}

    def apply(row: Case) -> dict[str, Any]:
        scan = None
        if content is not None:
            scan = register_document(
                row,
                principal=actor,
                kind=Document.Kind.POWER_OF_ATTORNEY,
                direction=Document.Direction.INCOMING,
                title=stored("Power of attorney signed by %(name)s", name=granted_by),
                document_date=signed_on,
                correspondent=granted_by,
                content=content,
                filename=filename,
                content_type=content_type,
            )
        made["poa"] = PowerOfAttorney.objects.create(
            case=row,
            granted_by=granted_by,
            signed_on=signed_on,
            valid_until=valid_until,
            scan=scan,
            **{f"scope_{scope}": scope in scopes for scope in Scope.values},
        )
        return {"power_of_attorney": made["poa"].pk, "scopes": sorted(scopes)}

    take_step(actor, case, "register_power_of_attorney", version, apply)
    return made["poa"]


@retry_on_conflict
def power_of_attorney_revoke(
    *, actor: Principal, case: Case, power_of_attorney: PowerOfAttorney, revoked_on: date
) -> None:
    """The person has revoked the power of attorney: from that day the association may not act under it."""
    with locked(case, None, actor) as row:
        poa = PowerOfAttorney.objects.select_for_update().get(pk=power_of_attorney.pk, case=row)
        poa.revoked_on = revoked_on
        poa.save(update_fields=["revoked_on"])
        audit_case(actor, row, Action.UPDATE, power_of_attorney=poa.pk, revoked_on=revoked_on)


def records_request(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    provider: str,
    sent_on: date,
    provider_address: str = "",
    language: str = "",
    write_letter: bool = True,
) -> RecordRequest:
    """The request for the person's records; its letter (``letters.record_request``) sealed into the case file,
    unless the request went some other way (``write_letter=False``: only registered)."""
    made: dict[str, RecordRequest] = {}

    def apply(row: Case) -> dict[str, Any]:
        made["request"] = RecordRequest.objects.create(
            case=row, provider=provider, sent_on=sent_on, due_on=deadlines.records_due(sent_on)
        )
        title = stored("Request for medical records to %(provider)s", provider=provider)
        if write_letter:
            data = letters.record_request(
                actor=actor,
                case=row,
                provider=provider,
                sent_on=sent_on,
                provider_address=provider_address,
                language=language,
            )
            sent = letter_seal(
                row,
                actor=actor,
                data=data,
                kind=Document.Kind.RECORD_REQUEST,
                title=title,
                correspondent=provider,
                document_date=sent_on,
                language=language,
            )
            return {"provider": provider, "due_on": made["request"].due_on, "letter": sent.pk}
        register_document(
            row,
            principal=actor,
            kind=Document.Kind.RECORD_REQUEST,
            direction=Document.Direction.OUTGOING,
            title=title,
            document_date=sent_on,
            correspondent=provider,
        )
        return {"provider": provider, "due_on": made["request"].due_on}

    take_step(actor, case, "request_records", version, apply)
    return made["request"]


def records_remind(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    request: RecordRequest,
    sent_on: date,
    provider_address: str = "",
    language: str = "",
) -> Document:
    """The reminder to a provider whose answer is past due: the letter (``letters.record_request_reminder``) sealed
    into the case file, and the day it was sent kept on the request."""
    made: dict[str, Document] = {}

    def apply(row: Case) -> dict[str, Any]:
        found = RecordRequest.objects.select_for_update().get(pk=request.pk, case=row)
        if found.received_on is not None or found.due_on >= sent_on:
            raise DomainError(_("Only a request whose answer is past due can be reminded of."), field="request")
        found.reminded_on = sent_on
        found.save(update_fields=["reminded_on"])
        data = letters.record_request_reminder(
            actor=actor, case=row, request=found, sent_on=sent_on, provider_address=provider_address, language=language
        )
        made["letter"] = letter_seal(
            row,
            actor=actor,
            data=data,
            kind=Document.Kind.RECORD_REQUEST_REMINDER,
            title=stored("Reminder to %(provider)s: request for medical records", provider=found.provider),
            correspondent=found.provider,
            document_date=sent_on,
            language=language,
        )
        return {"record_request": found.pk, "letter": made["letter"].pk}

    take_step(actor, case, "remind_record_request", version, apply)
    return made["letter"]


def records_receive(
    *, actor: Principal, case: Case, version: int | None, request: RecordRequest, received_on: date
) -> None:
    def apply(row: Case) -> dict[str, Any]:
        found = RecordRequest.objects.select_for_update().get(pk=request.pk, case=row)
        if found.received_on is not None:
            raise DomainError(_("These records are already registered as received."), field="request")
        found.received_on = received_on
        found.save(update_fields=["received_on"])
        register_document(
            row,
            principal=actor,
            kind=Document.Kind.RECORDS_RECEIVED,
            direction=Document.Direction.INCOMING,
            title=stored("Medical records from %(provider)s", provider=found.provider),
            document_date=received_on,
            correspondent=found.provider,
        )
        return {"record_request": found.pk}

    take_step(actor, case, "register_records", version, apply)


def complaint_register(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    recipient: str,
    provider: str,
    decision_on: date,
    sent_on: date | None = None,
) -> Complaint:
    made: dict[str, Complaint] = {}

    def apply(row: Case) -> dict[str, Any]:
        made["complaint"] = Complaint.objects.create(
            case=row,
            recipient=recipient,
            provider=provider,
            decision_on=decision_on,
            deadline=deadlines.complaint_deadline(decision_on),
            sent_on=sent_on,
        )
        if sent_on is not None:
            _complaint_document(actor, row, made["complaint"])
        return {"complaint": made["complaint"].pk, "deadline": made["complaint"].deadline}

    take_step(actor, case, "register_complaint", version, apply)
    return made["complaint"]


def _complaint_document(actor: Principal, row: Case, complaint: Complaint) -> None:
    register_document(
        row,
        principal=actor,
        kind=Document.Kind.COMPLAINT,
        direction=Document.Direction.OUTGOING,
        title=stored("Complaint about %(provider)s", provider=complaint.provider),
        document_date=complaint.sent_on or timezone.localdate(),
        correspondent=str(Complaint.Recipient(complaint.recipient).label),
    )


def complaint_send(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    complaint: Complaint,
    sent_on: date,
    recipient_address: str = "",
    language: str = "",
    write_letter: bool = True,
) -> None:
    """The complaint sent, with its cover letter (``letters.complaint_cover``) sealed into the case file."""

    def apply(row: Case) -> dict[str, Any]:
        found = Complaint.objects.select_for_update().get(pk=complaint.pk, case=row)
        if found.sent_on is not None:
            raise DomainError(_("The complaint is already registered as sent."), field="complaint")
        found.sent_on = sent_on
        found.save(update_fields=["sent_on"])
        if write_letter:
            data = letters.complaint_cover(
                actor=actor,
                case=row,
                complaint=found,
                sent_on=sent_on,
                recipient_address=recipient_address,
                language=language,
            )
            letter_seal(
                row,
                actor=actor,
                data=data,
                kind=Document.Kind.COMPLAINT,
                title=stored("Complaint about %(provider)s", provider=found.provider),
                correspondent=data["recipient_lines"][0],
                document_date=sent_on,
                language=language,
            )
        else:
            _complaint_document(actor, row, found)
        return {"complaint": found.pk, "late": sent_on > found.deadline}

    take_step(actor, case, "send_complaint", version, apply)


def claim_prepare(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    knew_on: date,
    act_on: date,
    claimed_loss: Decimal | None = None,
) -> CompensationClaim:
    """The claim with its two limitation dates computed; the desk watches them until the claim is sent."""
    if act_on > knew_on:
        raise DomainError(_("The injury cannot be known before the act that caused it."), field="knew_on")
    made: dict[str, CompensationClaim] = {}

    def apply(row: Case) -> dict[str, Any]:
        relative, absolute = deadlines.limitation_dates(knew_on=knew_on, act_on=act_on)
        made["claim"] = CompensationClaim.objects.create(
            case=row,
            knew_on=knew_on,
            act_on=act_on,
            relative_limit=relative,
            absolute_limit=absolute,
            claimed_loss=claimed_loss,
        )
        return {"claim": made["claim"].pk, "limits": [relative, absolute]}

    take_step(actor, case, "prepare_npe_claim", version, apply)
    return made["claim"]


def _open_claim(row: Case, **conditions: Any) -> CompensationClaim:
    claim = CompensationClaim.objects.select_for_update().filter(case=row, **conditions).order_by("-id").first()
    if claim is None:
        raise DomainError(_("The case has no compensation claim at this step."))
    return claim


def claim_send(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    sent_on: date,
    npe_reference: str = "",
    language: str = "",
    write_letter: bool = True,
) -> CompensationClaim:
    """The claim sent to NPE, with its cover letter (``letters.npe_claim_cover``) sealed into the case file."""
    made: dict[str, CompensationClaim] = {}

    def apply(row: Case) -> dict[str, Any]:
        claim = made["claim"] = _open_claim(row, sent_on__isnull=True)
        title = stored("Compensation claim to Norsk pasientskadeerstatning")
        if write_letter:
            data = letters.npe_claim_cover(
                actor=actor, case=row, sent_on=sent_on, npe_reference=npe_reference, language=language, claim=claim
            )
            letter_seal(
                row,
                actor=actor,
                data=data,
                kind=Document.Kind.NPE_CLAIM,
                title=title,
                correspondent="Norsk pasientskadeerstatning",
                document_date=sent_on,
                language=language,
            )
        else:
            register_document(
                row,
                principal=actor,
                kind=Document.Kind.NPE_CLAIM,
                direction=Document.Direction.OUTGOING,
                title=title,
                document_date=sent_on,
                correspondent="Norsk pasientskadeerstatning",
            )
        claim.sent_on, claim.npe_reference = sent_on, npe_reference
        claim.save(update_fields=["sent_on", "npe_reference"])
        return {"claim": claim.pk, "after_limitation": claim.limit_passed}

    take_step(actor, case, "send_npe_claim", version, apply)
    return made["claim"]


def claim_decide(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    decision: str,
    decision_received_on: date,
    amount_granted: Decimal | None = None,
) -> CompensationClaim:
    """NPE's decision; the appeal deadline to Pasientskadenemnda counts from the day it was received."""
    if decision not in CompensationClaim.Decision.values:
        raise DomainError(_("Choose NPE's decision."), field="decision")
    made: dict[str, CompensationClaim] = {}

    def apply(row: Case) -> dict[str, Any]:
        claim = made["claim"] = _open_claim(row, sent_on__isnull=False, decision="")
        claim.decision, claim.decision_received_on = decision, decision_received_on
        claim.amount_granted = amount_granted
        claim.appeal_deadline = deadlines.appeal_deadline(decision_received_on)
        claim.save(update_fields=["decision", "decision_received_on", "amount_granted", "appeal_deadline"])
        register_document(
            row,
            principal=actor,
            kind=Document.Kind.NPE_DECISION,
            direction=Document.Direction.INCOMING,
            title=stored("Decision from Norsk pasientskadeerstatning"),
            document_date=decision_received_on,
            correspondent="Norsk pasientskadeerstatning",
        )
        return {"claim": claim.pk, "decision": decision, "appeal_deadline": claim.appeal_deadline}

    take_step(actor, case, "register_npe_decision", version, apply)
    return made["claim"]


def claim_appeal(*, actor: Principal, case: Case, version: int | None, appealed_on: date) -> CompensationClaim:
    made: dict[str, CompensationClaim] = {}

    def apply(row: Case) -> dict[str, Any]:
        claim = made["claim"] = _open_claim(
            row, appealed_on__isnull=True, decision__in=CompensationClaim.Decision.values
        )
        claim.appealed_on = appealed_on
        claim.save(update_fields=["appealed_on"])
        register_document(
            row,
            principal=actor,
            kind=Document.Kind.APPEAL,
            direction=Document.Direction.OUTGOING,
            title=stored("Appeal to Pasientskadenemnda"),
            document_date=appealed_on,
            correspondent="Norsk pasientskadeerstatning",
        )
        late = claim.appeal_deadline is not None and appealed_on > claim.appeal_deadline
        return {"claim": claim.pk, "late": late}

    take_step(actor, case, "appeal_npe_decision", version, apply)
    return made["claim"]


def claim_board_decide(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    board_decision: str,
    board_decided_on: date,
    amount_granted: Decimal | None = None,
) -> CompensationClaim:
    made: dict[str, CompensationClaim] = {}

    def apply(row: Case) -> dict[str, Any]:
        claim = made["claim"] = _open_claim(row, appealed_on__isnull=False, board_decision="")
        claim.board_decision, claim.board_decided_on = board_decision, board_decided_on
        if amount_granted is not None:
            claim.amount_granted = amount_granted
        claim.save(update_fields=["board_decision", "board_decided_on", "amount_granted"])
        register_document(
            row,
            principal=actor,
            kind=Document.Kind.BOARD_DECISION,
            direction=Document.Direction.INCOMING,
            title=stored("Decision from Pasientskadenemnda"),
            document_date=board_decided_on,
            correspondent="Pasientskadenemnda",
        )
        return {"claim": claim.pk, "board_decision": board_decision}

    take_step(actor, case, "register_board_decision", version, apply)
    return made["claim"]


def case_close(
    *,
    actor: Principal,
    case: Case,
    version: int | None,
    outcome: str,
    failure_type: str = "",
    outcome_note: str = "",
    amount_granted: Decimal | None = None,
) -> Case:
    """Close the case with its outcome and, for an assistance case, the failure type found."""
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the outcome."), field="outcome")
    if case.kind == Kind.INFORMATION and outcome not in INFORMATION_OUTCOMES:
        raise DomainError(_("An information case closes with the advice given, or as withdrawn."), field="outcome")
    if case.kind == Kind.ASSISTANCE and not failure_type:
        raise DomainError(_("Say which failure was found (or that none was)."), field="failure_type")
    if outcome == Outcome.CLAIM_GRANTED and amount_granted is None:
        raise DomainError(_("Give the amount granted."), field="amount_granted")

    def apply(row: Case) -> dict[str, Any]:
        row.outcome, row.failure_type, row.outcome_note = outcome, failure_type, outcome_note
        row.amount_granted = amount_granted
        row.closed_at = timezone.now()
        return {"outcome": outcome, "failure_type": failure_type}

    return take_step(actor, case, "close", version, apply)


@retry_on_conflict
def case_assign(
    *, actor: Principal, case: Case, version: int | None, case_worker: User | None, medical_adviser: User | None
) -> Case:
    """Hand the case to a case worker and, for a review of the records, a medical adviser of the association."""
    from vegvis.inquiries.selectors import desk_users

    for user, permission, field in (
        (case_worker, "inquiries.handle_case", "case_worker"),
        (medical_adviser, "inquiries.assess_case", "medical_adviser"),
    ):
        if user is not None and not desk_users(case.organisation_id, permission).filter(pk=user.pk).exists():
            raise DomainError(_("Choose someone who works at the association's desk."), field=field)
    with locked(case, version, actor) as row:
        row.case_worker, row.medical_adviser = case_worker, medical_adviser
        audit_case(
            actor,
            row,
            Action.UPDATE,
            case_worker=case_worker.pk if case_worker else None,
            medical_adviser=medical_adviser.pk if medical_adviser else None,
        )
    return case


def case_reopen(*, actor: Principal, case: Case, version: int | None, reason: str) -> Case:
    def apply(row: Case) -> dict[str, Any]:
        previous = row.outcome
        row.outcome, row.failure_type, row.outcome_note, row.amount_granted, row.closed_at = "", "", "", None, None
        return {"reason": reason, "previous_outcome": previous}

    return take_step(actor, case, "reopen", version, apply)
