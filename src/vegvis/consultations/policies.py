"""Who may see and act on consultations and their inputs.

The secretariat sees every consultation of its organisation (the role's scope), drafts included, and every input
to them. A member body's user sees the consultations its body is invited to once they are open, its own body's
input always, and other bodies' inputs only once the consultation is published, and then only those not exempt
(an exempt input's text is for the secretariat and its own body). Case-file documents follow what they belong to.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.consultations.models import Consultation, Document, Input, Status

RUN = "consultations.run_consultation"
SUBMIT = "consultations.submit_input"


def _organisations(principal: Principal, permission: str) -> Q | None:
    """Where ``permission`` applies: Q() everywhere, the organisation ids, or None."""
    grant = principal.grant(permission)
    if grant.everywhere:
        return Q()
    if grant.organisation_ids:
        return Q(pk__in=sorted(grant.organisation_ids))
    return None


def runs(principal: Principal, organisation_id: int) -> bool:
    grant = principal.grant(RUN)
    return grant.everywhere or organisation_id in grant.organisation_ids


def body_organisation_ids(principal: Principal) -> list[int]:
    """The member bodies' organisations the principal submits input for (none for an everywhere grant: input is
    always some one body's)."""
    return sorted(principal.grant(SUBMIT).organisation_ids)


def submits_for(principal: Principal, body_organisation_id: int) -> bool:
    """A body's own users; an everywhere grant (the application itself, as the demo) for any body."""
    grant = principal.grant(SUBMIT)
    return grant.everywhere or body_organisation_id in grant.organisation_ids


def consultation_condition(principal: Principal, prefix: str = "") -> Q | None:
    conditions: list[Q] = []
    grant = principal.grant(RUN)
    if grant.everywhere:
        return Q()
    if grant.organisation_ids:
        conditions.append(Q(**{f"{prefix}organisation_id__in": sorted(grant.organisation_ids)}))
    bodies = body_organisation_ids(principal)
    if bodies:
        conditions.append(
            Q(**{f"{prefix}invited__organisation_id__in": bodies}) & ~Q(**{f"{prefix}status": Status.DRAFT})
        )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def input_condition(principal: Principal, prefix: str = "") -> Q | None:
    conditions: list[Q] = []
    grant = principal.grant(RUN)
    if grant.everywhere:
        return Q()
    if grant.organisation_ids:
        conditions.append(Q(**{f"{prefix}consultation__organisation_id__in": sorted(grant.organisation_ids)}))
    bodies = body_organisation_ids(principal)
    if bodies:
        conditions.append(Q(**{f"{prefix}body__organisation_id__in": bodies}))
        # Others' inputs once published, never an exempt one, and only in the rounds the body was invited to.
        conditions.append(
            Q(**{f"{prefix}consultation__status": Status.PUBLISHED, f"{prefix}contains_personal_data": False})
            & Q(**{f"{prefix}consultation__invited__organisation_id__in": bodies})
        )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


class ConsultationPolicy(policies.Policy):
    model = Consultation

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = consultation_condition(principal)
        return queryset.none() if condition is None else queryset.filter(condition).distinct()

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return self.scope(principal, Consultation.objects.filter(pk=obj.pk)).exists()
        if action == "handle":  # the step table's action: the secretariat of the owning organisation
            return runs(principal, obj.organisation_id)
        if action == "submit":
            return obj.status != Status.DRAFT and any(
                obj.invited.filter(organisation_id__in=body_organisation_ids(principal)).values_list("pk")
            )
        return False

    def label(self, obj: Any) -> str:
        return f"consultation {obj.number}"


class InputPolicy(policies.Policy):
    model = Input

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = input_condition(principal)
        return queryset.none() if condition is None else queryset.filter(condition).distinct()

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return self.scope(principal, Input.objects.filter(pk=obj.pk)).exists()
        if action == "revise":
            return submits_for(principal, obj.body.organisation_id)
        if action == "record_use":
            return runs(principal, obj.consultation.organisation_id)
        return False

    def label(self, obj: Any) -> str:
        return f"consultation input {obj.number}"


class DocumentPolicy(policies.Policy):
    """A document of an input follows its input; the issuer's documents and the response follow the consultation."""

    model = Document

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        of_case = consultation_condition(principal, prefix="case__")
        of_input = input_condition(principal, prefix="input__")
        if of_case is None and of_input is None:
            return queryset.none()
        condition = Q(pk__in=[])
        if of_case is not None:
            condition |= Q(input__isnull=True) & of_case
        if of_input is not None:
            condition |= Q(input__isnull=False) & of_input
        return queryset.filter(condition).distinct()

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view" and self.scope(principal, Document.objects.filter(pk=obj.pk)).exists()

    def label(self, obj: Any) -> str:
        return f"document {obj.number}"


policies.register(ConsultationPolicy())
policies.register(InputPolicy())
policies.register(DocumentPolicy())
