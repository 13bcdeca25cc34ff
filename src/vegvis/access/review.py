"""Review of emergency access ("nødtilgang"): every grant is seen afterwards by the office lead of the object's
office or by the privacy officer (personvernombud), who marks it reviewed or reports it, with a comment.

Who may review which grants is the ``EmergencyAccess`` policy below: ``access.review_emergency_access`` in an
office's scope reviews the grants to that office's objects, in global scope all grants. Nobody reviews their own.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access import policies
from vegvis.access.models import EmergencyAccess
from vegvis.access.principal import Principal

REVIEW = "access.review_emergency_access"


class EmergencyAccessPolicy(policies.Policy):
    model = EmergencyAccess

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        grant = principal.grant(REVIEW)
        if principal.user is None:
            return queryset.none()
        if grant.everywhere:
            return queryset.exclude(user=principal.user)
        if grant.office_ids:
            return queryset.filter(office_id__in=sorted(grant.office_ids)).exclude(user=principal.user)
        return queryset.none()

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "review" and self.scope(principal, EmergencyAccess.objects.filter(pk=obj.pk)).exists()

    def label(self, obj: Any) -> str:
        return obj.label or str(obj.pk)


policies.register(EmergencyAccessPolicy())


def emergency_reviews(principal: Principal, *, pending_only: bool = True, limit: int = 200) -> list[EmergencyAccess]:
    """The grants this principal reviews, oldest unreviewed first (or all, newest first)."""
    queryset = policies.visible(principal, EmergencyAccess.objects.select_related("user", "office", "reviewed_by"))
    if pending_only:
        return list(queryset.filter(review="").order_by("created_at", "id")[:limit])
    return list(queryset.order_by("-created_at", "-id")[:limit])


def pending_review_count(principal: Principal) -> int:
    return policies.visible(principal, EmergencyAccess.objects.filter(review="")).count()


def emergency_access_review(
    *, actor: Principal, grant: EmergencyAccess, outcome: str, comment: str = ""
) -> EmergencyAccess:
    """Mark a grant reviewed or report it; a report needs a comment. Audited; a grant is reviewed once."""
    from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic

    if outcome not in {EmergencyAccess.Review.REVIEWED, EmergencyAccess.Review.REPORTED}:
        raise ValidationError({"outcome": _("Choose reviewed or report.")})
    comment = comment.strip()
    if outcome == EmergencyAccess.Review.REPORTED and not comment:
        raise ValidationError({"comment": _("Say why you report this emergency access.")})
    if not EmergencyAccessPolicy().can(actor, "review", grant):
        audit_denied(actor, obj=grant, label=grant.label, detail={"action": "review"})
        raise PermissionDenied
    with audited_atomic():
        locked = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
        if locked.review:
            raise ValidationError({"outcome": _("This emergency access has already been reviewed.")})
        locked.review = outcome
        locked.review_comment = comment
        locked.reviewed_by = actor.user
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=locked,
            label=locked.label,
            # Whose access was reviewed and how; the comment stays on the grant (it may describe the breach).
            detail={"review": outcome, "of_user": locked.user.get_username()},
        )
    grant.__dict__.update(locked.__dict__)
    return grant
