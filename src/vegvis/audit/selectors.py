"""Reading the audit trail (itself personal data: who looked at whom)."""

from __future__ import annotations

from django.db.models import QuerySet

from vegvis.audit.models import AuditEntry


def person_access_log(person_id: int) -> QuerySet[AuditEntry]:
    """Everyone who has read or changed this person's data, newest first."""
    return AuditEntry.objects.filter(person_refs__person_id=person_id).order_by("-seq")
