"""Deleting treatment-abroad cases whose retention time has run out, and letters no case refers to.

Conservative by design: a case is deleted only when it is closed, was closed longer ago than the retention time
(the legal deadline ``retention_abroad``, data an administrator edits; without that row nothing is deleted),
and nothing has been registered in it since that time began. Its patient is deleted only when nothing else in
Vegvis refers to them (another case, a power of attorney used elsewhere, another module's records). Each case
goes in its own transaction, with a DeletionLog row (ids, case number, counts; no personal data) and an audit
entry; the audit trail itself is never deleted, and names persons by id only. Stored files are removed once the
deletion has committed. The archive law (arkivlova) may require case files to be deposited with an archive
rather than deleted: see docs/security.md before changing the retention time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone

from vegvis.abroad.models import (
    Appeal,
    Assessment,
    Case,
    Decision,
    Document,
    Expense,
    PaymentGuarantee,
    Status,
    StayNote,
    TravelBooking,
)
from vegvis.access.models import EmergencyAccess
from vegvis.access.principal import SYSTEM
from vegvis.audit.models import DeletionLog
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core.models import LegalDeadline, Person, PowerOfAttorney

RULE = "retention_abroad"
JOB = "abroad.retention"
ACTOR = "system:retention"
BATCH = 200
# A stored file no document refers to (a change that never committed) is removed after this long.
ORPHAN_AGE = timedelta(days=1)
CHILDREN: tuple[type[models.Model], ...] = (
    Decision,  # first: it refers to the case's appeals and letters
    Assessment,
    Appeal,
    PaymentGuarantee,
    TravelBooking,
    StayNote,
    Expense,
)


@dataclass
class RetentionRun:
    deleted: list[str] = field(default_factory=list)  # "office number" of each deleted case
    persons: int = 0
    orphan_files: int = 0


def cutoff(today: date) -> date | None:
    """Cases closed before this day are past retention; None when no retention time is set."""
    deadline = LegalDeadline.objects.filter(key=RULE).first()
    if deadline is None:
        return None
    return today - relativedelta(**{deadline.unit: deadline.amount})


def cases_past_retention(today: date) -> models.QuerySet[Case]:
    before = cutoff(today)
    if before is None:
        return Case.objects.none()
    later_documents = Document.objects.filter(case=OuterRef("pk"), registered_on__gte=before)
    return (
        Case.objects.filter(status=Status.CLOSED, closed_on__isnull=False, closed_on__lt=before)
        .exclude(Exists(later_documents))
        .order_by("closed_on", "pk")
    )


def retention_run(*, today: date | None = None, limit: int = BATCH) -> RetentionRun:
    """Delete up to ``limit`` cases past retention (the oldest first), then stored files nothing refers to."""
    today = today or timezone.localdate()
    run = RetentionRun()
    rule = LegalDeadline.objects.filter(key=RULE).first()
    for case_id in list(cases_past_retention(today).values_list("pk", flat=True)[:limit]):
        reference, persons = case_erase(case_id=case_id, today=today, rule=str(rule))
        if reference:
            run.deleted.append(reference)
            run.persons += persons
    run.orphan_files = sweep_orphan_files(now=timezone.now())
    return run


def case_erase(*, case_id: int, today: date, rule: str) -> tuple[str, int]:
    """Delete one case with everything in it, and its patient when nothing else refers to them.

    Returns the case's reference and the number of persons deleted ("" when the case no longer qualifies).
    """
    files: list[tuple[Any, str]] = []
    with audited_atomic():
        case = Case.objects.select_for_update().select_related("office").filter(pk=case_id).first()
        if case is None or not cases_past_retention(today).filter(pk=case_id).exists():
            return "", 0  # reopened or changed since it was listed
        reference = f"{case.office.code} {case.number}"
        documents = list(case.documents.all())
        files = [(d.file.storage, str(d.file.name)) for d in documents if d.file]
        counts: dict[str, int] = {"documents": len(documents), "files": len(files)}
        for model in CHILDREN:
            deleted, _per_model = model.objects.filter(case=case).delete()  # type: ignore[attr-defined]
            counts[model._meta.model_name] = deleted  # type: ignore[index]
        Document.objects.filter(case=case).delete()
        counts["emergency_grants"] = EmergencyAccess.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
        ).delete()[0]
        patient_id, power_id = case.patient_id, case.power_of_attorney_id
        audit_record(
            principal=SYSTEM,
            actor_name=ACTOR,
            action=Action.DELETE,
            obj=case,
            label=case.number,
            person_id=patient_id,
            detail={"job": JOB, "rule": rule, "closed_on": case.closed_on, **counts},
        )
        case.delete()
        powers = PowerOfAttorney.objects.filter(pk=power_id) if power_id else PowerOfAttorney.objects.none()
        counts["powers_of_attorney"] = _delete_if_unreferenced(powers)
        counts["persons"] = _delete_if_unreferenced(Person.objects.filter(pk=patient_id))
        DeletionLog.objects.create(
            at=timezone.now(),
            job=JOB,
            actor_username=ACTOR,
            object_type="abroad.case",
            object_id=str(case_id),
            reference=reference,
            rule=rule[:200],
            counts=counts,
        )
        transaction.on_commit(lambda: _delete_files(files))
    return reference, counts["persons"]


def _delete_if_unreferenced(queryset: models.QuerySet[Any]) -> int:
    """Delete the objects only if that deletes nothing else and nothing refers to them (protected or not)."""
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


def sweep_orphan_files(*, now: datetime) -> int:
    """Remove stored case files that no document refers to (left by a change that did not commit)."""
    root = Path(settings.MEDIA_ROOT) / "abroad"
    if not root.exists():
        return 0
    media = Path(settings.MEDIA_ROOT)
    oldest = (now - ORPHAN_AGE).timestamp()
    candidates = {
        str(path.relative_to(media)): path
        for path in root.rglob("*")
        if path.is_file() and path.stat().st_mtime < oldest
    }
    if not candidates:
        return 0
    referenced = set(Document.objects.filter(file__in=list(candidates)).values_list("file", flat=True))
    orphans = [path for name, path in candidates.items() if name not in referenced]
    if not orphans:
        return 0
    with audited_atomic():
        DeletionLog.objects.create(
            at=now,
            job=JOB,
            actor_username=ACTOR,
            object_type="file",
            rule=f"no document refers to it, older than {ORPHAN_AGE.days} day",
            counts={"files": len(orphans)},
        )
        audit_record(
            principal=SYSTEM,
            actor_name=ACTOR,
            action=Action.DELETE,
            label="Stored files without a document",
            detail={"job": JOB, "files": len(orphans)},
        )
        transaction.on_commit(lambda: _unlink(orphans))
    return len(orphans)


def _unlink(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
