"""Object-level access: one policy per model answers "which may this principal see" and "may it do this".

Domains register a policy for each model that holds personal data. Views and API operations fetch objects
only through ``visible`` and ``get_visible_or_404``, which return 404 both for objects that do not exist and
for objects the principal may not see, and write a refused attempt to the audit trail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vegvis.access.models import EmergencyAccess
from vegvis.access.notices import notify_reviewers
from vegvis.access.principal import Principal

M = TypeVar("M", bound=models.Model)

EMERGENCY_ACCESS_HOURS = 12


class Policy:
    """Subclass per model. ``scope`` filters with indexed columns; ``can`` answers per action."""

    model: type[models.Model]

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        raise NotImplementedError

    def label(self, obj: Any) -> str:
        return str(obj.pk)


_registry: dict[type[models.Model], Policy] = {}


def register(policy: Policy) -> Policy:
    _registry[policy.model] = policy
    return policy


def policy_for(model: type[models.Model]) -> Policy:
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"No access policy registered for {model.__name__}") from None


def registered_models() -> list[type[models.Model]]:
    return list(_registry)


def visible(principal: Principal, queryset: QuerySet[M]) -> QuerySet[M]:
    if not principal.is_authenticated:
        return queryset.none()
    return policy_for(queryset.model).scope(principal, queryset)


def emergency_ids(principal: Principal, model: type[models.Model]) -> list[Any]:
    """Ids of objects of this model the user holds an open emergency grant for.

    Read at once (an indexed look-up that almost always finds nothing) rather than left as a subquery: with
    ``office_id IN (…) OR id IN (subquery)`` PostgreSQL cannot walk the worklist's index in order and sorts every
    open case instead; with no grants the condition is the office's alone (docs/performance.md).
    """
    return list(
        EmergencyAccess.objects.filter(
            user=principal.user,
            content_type=ContentType.objects.get_for_model(model),
            expires_at__gt=timezone.now(),
        ).values_list("object_id", flat=True)
    )


def with_emergency(principal: Principal, model: type[models.Model], condition: Q) -> Q:
    if principal.user is None:
        return condition
    return condition | Q(pk__in=emergency_ids(principal, model))


def is_emergency(principal: Principal, obj: models.Model, normally_visible: QuerySet[Any]) -> bool:
    """True when the principal sees this object only through an emergency grant."""
    if principal.user is None:
        return False
    return not normally_visible.filter(pk=obj.pk).exists()


def get_visible_or_404(principal: Principal, queryset: QuerySet[M], **lookup: Any) -> M:
    obj = visible(principal, queryset).filter(**lookup).first()
    if obj is None:
        hidden = queryset.filter(**lookup).first()
        if hidden is not None:
            from vegvis.audit.services import audit_denied

            audit_denied(principal, obj=hidden, label=policy_for(queryset.model).label(hidden))
        raise Http404
    return obj


def require(principal: Principal, action: str, obj: models.Model) -> None:
    """Raise PermissionDenied (and audit it) unless the principal may do ``action`` to ``obj``."""
    from django.core.exceptions import PermissionDenied

    if not policy_for(type(obj)).can(principal, action, obj):
        from vegvis.audit.services import audit_denied

        audit_denied(principal, obj=obj, label=policy_for(type(obj)).label(obj), detail={"action": action})
        raise PermissionDenied


def open_emergency_access(*, principal: Principal, obj: models.Model, reason: str) -> EmergencyAccess:
    """Grant the user time-limited access to one object outside their work need; audited and flagged."""
    from vegvis.audit.services import Action, audit_record, audited_atomic

    with audited_atomic():
        assert principal.user is not None, "emergency access is always a named user's"
        grant = EmergencyAccess.objects.create(
            user=principal.user,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            reason=reason,
            expires_at=timezone.now() + timedelta(hours=EMERGENCY_ACCESS_HOURS),
            office_id=getattr(obj, "office_id", None),
            label=policy_for(type(obj)).label(obj)[:200],
        )
        audit_record(
            principal=principal,
            action=Action.EMERGENCY,
            obj=obj,
            label=policy_for(type(obj)).label(obj),
            person_id=getattr(obj, "person_id", None) or getattr(obj, "patient_id", None),
            emergency=True,
            reason=reason,
        )
        notify_reviewers(grant)  # sent when the transaction commits
    return grant
