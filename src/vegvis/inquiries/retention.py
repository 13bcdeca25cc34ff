"""The desk's retention: closed cases and never-triaged inquiries whose retention time has run out are deleted or
anonymised, each with a deletion-log row (no personal data) and an audit entry. The approach is abroad's
(abroad/retention.py, ADR 0005), mirrored here rather than shared, since what goes and what stays differs.

What happens per kind (the times are ``core.LegalDeadline`` rows an administrator edits; without a row nothing of
that kind is touched):

- *information cases* (``inquiries_retention_information``, from closing): **deleted** with their inquiry,
  documents and files. They hold the person's account and little else; their figures are in the yearly account,
  made long before the time runs out.
- *assistance cases* (``inquiries_retention_assistance``, from closing): **anonymised**. What the statistics
  count stays (association, year, kind, service, channel, who made contact, outcome, failure type, the days of
  receipt and closing); everything naming or describing the person goes: the account, contact details, consent,
  the person link, the outcome note and amount, the health provider, and every document, file, power of attorney,
  record request, complaint, claim, assessment and meeting. So the outcome and failure-type figures the association
  compares year on year stay right.
- *inquiries never triaged* (``inquiries_retention_untriaged``, from receipt): **deleted**.

The deletion log (``audit.DeletionLog``) keeps, per case or inquiry: the association, the case number or inquiry
reference, the kind (``object_type`` and whether it was anonymised), the day the time ran from (closing or receipt,
a day and never a time), the rule and counts of what went. No name, national id, contact detail or account: the
association's lead reads it at ``/henvendelser/slettelogg/`` (``views.deletion_log``).

Conservative as abroad's: only closed cases, closed before the cut-off, with no document registered since then;
a case changed while the job runs is skipped. A person in the person register is deleted only when nothing else
in Vegvis refers to them. Each case goes in its own transaction; stored files are removed after the commit. The
audit trail is never changed: it names persons by id and records which fields changed, not their values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone

from vegvis.access.models import EmergencyAccess
from vegvis.access.principal import SYSTEM
from vegvis.audit.models import DeletionLog
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core.models import LegalDeadline, Person
from vegvis.inquiries.models import (
    Assessment,
    Case,
    CompensationClaim,
    Complaint,
    Document,
    Inquiry,
    Kind,
    Meeting,
    PowerOfAttorney,
    RecordRequest,
    Status,
)

RULES = {
    Kind.INFORMATION: "inquiries_retention_information",
    Kind.ASSISTANCE: "inquiries_retention_assistance",
}
UNTRIAGED_RULE = "inquiries_retention_untriaged"
JOB = "inquiries.retention"
ACTOR = "system:retention"
BATCH = 200
# Everything in a case but its documents; powers of attorney first, as they refer to their scan.
CHILDREN: tuple[type[models.Model], ...] = (
    PowerOfAttorney,
    RecordRequest,
    Complaint,
    CompensationClaim,
    Assessment,
    Meeting,
)
NOON = time(12, 0)


@dataclass
class RetentionRun:
    deleted: list[str] = field(default_factory=list)  # case numbers and inquiry references
    anonymised: list[str] = field(default_factory=list)
    persons: int = 0


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def cutoff(key: str, today: date) -> date | None:
    """Cases closed (inquiries received) before this day are past retention; None when no time is set."""
    deadline = LegalDeadline.objects.filter(key=key).first()
    if deadline is None:
        return None
    return today - relativedelta(**{deadline.unit: deadline.amount})


def cases_past_retention(kind: str, today: date) -> models.QuerySet[Case]:
    before = cutoff(RULES[Kind(kind)], today)
    if before is None:
        return Case.objects.none()
    later_documents = Document.objects.filter(case=OuterRef("pk"), registered_on__gte=before)
    return (
        Case.objects.filter(kind=kind, status=Status.CLOSED, closed_at__isnull=False, closed_at__lt=_start_of(before))
        .filter(anonymised_at__isnull=True)
        .exclude(Exists(later_documents))
        .order_by("closed_at", "pk")
    )


def inquiries_past_retention(today: date) -> models.QuerySet[Inquiry]:
    before = cutoff(UNTRIAGED_RULE, today)
    if before is None:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(
        triaged_at__isnull=True, case__isnull=True, received_at__lt=_start_of(before)
    ).order_by("received_at", "pk")


def retention_run(*, today: date | None = None, limit: int = BATCH) -> RetentionRun:
    """Delete or anonymise up to ``limit`` of each: information cases, assistance cases, untriaged inquiries."""
    today = today or timezone.localdate()
    run = RetentionRun()
    for kind, done in ((Kind.INFORMATION, run.deleted), (Kind.ASSISTANCE, run.anonymised)):
        for case_id in list(cases_past_retention(kind, today).values_list("pk", flat=True)[:limit]):
            reference, persons = case_retire(case_id=case_id, kind=kind, today=today)
            if reference:
                done.append(reference)
                run.persons += persons
    for inquiry_id in list(inquiries_past_retention(today).values_list("pk", flat=True)[:limit]):
        reference, persons = inquiry_erase(inquiry_id=inquiry_id, today=today)
        if reference:
            run.deleted.append(reference)
            run.persons += persons
    return run


def _rule(key: str) -> str:
    return str(LegalDeadline.objects.filter(key=key).first() or key)[:200]


def case_retire(*, case_id: int, kind: str, today: date) -> tuple[str, int]:
    """Delete (information) or anonymise (assistance) one case past retention. Returns its number and the number
    of persons deleted ("" when the case no longer qualifies)."""
    anonymise = kind == Kind.ASSISTANCE
    rule = _rule(RULES[Kind(kind)])
    files: list[tuple[Any, str]] = []
    with audited_atomic():
        case = Case.objects.select_for_update().select_related("inquiry").filter(pk=case_id).first()
        if case is None or not cases_past_retention(kind, today).filter(pk=case_id).exists():
            return "", 0  # reopened or changed since it was listed
        inquiry = case.inquiry
        # Inquiries added to the case later (services.inquiries.inquiry_attach) go, or are stripped, with it.
        attached = list(Inquiry.objects.select_for_update().filter(attached_to=case))
        person_ids = {p for p in (case.person_id, inquiry.person_id, *(a.person_id for a in attached)) if p}
        counts: dict[str, int] = {}
        for model in CHILDREN:
            deleted, _per_model = model.objects.filter(case=case).delete()  # type: ignore[attr-defined]
            counts[model._meta.model_name] = deleted  # type: ignore[index]
        documents = list(case.documents.all())
        files = [(d.file.storage, str(d.file.name)) for d in documents if d.file]
        counts |= {"documents": len(documents), "files": len(files), "inquiries_attached": len(attached)}
        Document.objects.filter(case=case).delete()
        counts["emergency_grants"] = EmergencyAccess.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
        ).delete()[0]
        audit_record(
            principal=SYSTEM,
            actor_name=ACTOR,
            action=Action.UPDATE if anonymise else Action.DELETE,
            obj=case,
            label=case.number,
            person_ids=person_ids,
            detail={"job": JOB, "rule": rule, "anonymised": anonymise, "closed_at": case.closed_at, **counts},
        )
        if anonymise:
            _strip(case, inquiry)
            for other in attached:
                _strip_inquiry(other)
        else:
            Inquiry.objects.filter(attached_to=case).delete()
            case.delete()
            inquiry.delete()
        counts["persons"] = sum(_delete_if_unreferenced(Person.objects.filter(pk=pk)) for pk in person_ids)
        DeletionLog.objects.create(
            at=timezone.now(),
            job=JOB,
            actor_username=ACTOR,
            object_type="inquiries.case",
            object_id=str(case_id),
            reference=case.number,
            rule=("anonymised: " if anonymise else "") + rule,
            counts=counts,
            organisation_id=case.organisation_id,
            counted_from=timezone.localdate(case.closed_at) if case.closed_at else None,
        )
        transaction.on_commit(lambda: _delete_files(files))
    return case.number, counts["persons"]


def _strip(case: Case, inquiry: Inquiry) -> None:
    """Keep what the statistics count; clear the rest. The times keep their local day (the statistics measure
    days), at noon, so an exact time of contact does not single the person out."""
    Case.objects.filter(pk=case.pk).update(
        person=None,
        case_worker=None,
        medical_adviser=None,
        outcome_note="",
        amount_granted=None,
        due_on=None,
        due_reason="",
        closed_at=_noon(case.closed_at),
        anonymised_at=timezone.now(),
    )
    _strip_inquiry(inquiry)


def _strip_inquiry(inquiry: Inquiry) -> None:
    Inquiry.objects.filter(pk=inquiry.pk).update(
        person=None,
        registered_by=None,
        provider="",
        account="",
        contact_name="",
        contact_email="",
        contact_phone="",
        consent_text="",
        consent_given_at=None,
        received_at=_noon(inquiry.received_at),
        triaged_at=_noon(inquiry.triaged_at),
    )


def _noon(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return timezone.make_aware(datetime.combine(timezone.localdate(moment), NOON))


def inquiry_erase(*, inquiry_id: int, today: date) -> tuple[str, int]:
    """Delete one inquiry never triaged; its person too when nothing else refers to them."""
    rule = _rule(UNTRIAGED_RULE)
    with audited_atomic():
        inquiry = Inquiry.objects.select_for_update().filter(pk=inquiry_id).first()
        if inquiry is None or not inquiries_past_retention(today).filter(pk=inquiry_id).exists():
            return "", 0  # triaged since it was listed
        person_id = inquiry.person_id
        audit_record(
            principal=SYSTEM,
            actor_name=ACTOR,
            action=Action.DELETE,
            obj=inquiry,
            label=inquiry.audit_label,
            person_id=person_id,
            detail={"job": JOB, "rule": rule, "received_at": inquiry.received_at},
        )
        inquiry.delete()
        persons = _delete_if_unreferenced(Person.objects.filter(pk=person_id)) if person_id else 0
        DeletionLog.objects.create(
            at=timezone.now(),
            job=JOB,
            actor_username=ACTOR,
            object_type="inquiries.inquiry",
            object_id=str(inquiry_id),
            reference=inquiry.reference,
            rule=rule,
            counts={"persons": persons},
            organisation_id=inquiry.organisation_id,
            counted_from=timezone.localdate(inquiry.received_at),
        )
    return inquiry.reference, persons


def _delete_if_unreferenced(queryset: models.QuerySet[Any]) -> int:
    """Delete the objects only if that deletes nothing else and nothing refers to them (as abroad's job)."""
    objects = list(queryset)
    if not objects:
        return 0
    collector = Collector(using=queryset.db, origin=objects[0])
    try:
        collector.collect(objects)
    except ProtectedError:
        return 0
    others = [model for model, found in collector.data.items() if model is not queryset.model and found]
    if others or any(fast.exists() for fast in collector.fast_deletes):
        return 0
    deleted, _per_model = queryset.delete()
    return deleted


def _delete_files(files: Iterable[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)
