"""Who may see and act on the register's agreements: administrators all of them; a supplier's users only their own
company's (enter, correct); a patient organisation's users only those with their own organisation (confirm,
dispute). The signed PDF follows its agreement. The published versions are public and need no policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.cooperation.models import Agreement, Document

ADMINISTER = "cooperation.administer_register"
ENTER = "cooperation.enter_agreement"
REVIEW = "cooperation.review_agreement"


def _where(principal: Principal, permission: str, column: str) -> Q | None:
    """Where ``permission`` applies, as a condition on ``column`` (the supplier or the organisation)."""
    grant = principal.grant(permission)
    if grant.everywhere:
        return Q()
    if grant.organisation_ids:
        return Q(**{f"{column}__in": sorted(grant.organisation_ids)})
    return None


def agreement_condition(principal: Principal, prefix: str = "") -> Q | None:
    conditions = [
        condition
        for condition in (
            _where(principal, ADMINISTER, f"{prefix}supplier_id"),
            _where(principal, ENTER, f"{prefix}supplier_id"),
            _where(principal, REVIEW, f"{prefix}organisation_id"),
        )
        if condition is not None
    ]
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def may_administer(principal: Principal) -> bool:
    """The register's administration (suppliers' rule sets, organisations' budgets and home countries, positions
    of trust) and publication: the administrators only, everywhere."""
    return principal.grant(ADMINISTER).everywhere


def may_enter_for(principal: Principal, supplier_id: int) -> bool:
    grant = principal.grant(ENTER)
    return grant.everywhere or supplier_id in grant.organisation_ids


def may_review_for(principal: Principal, organisation_id: int) -> bool:
    grant = principal.grant(REVIEW)
    return grant.everywhere or organisation_id in grant.organisation_ids


class AgreementPolicy(policies.Policy):
    model = Agreement

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = agreement_condition(principal)
        return queryset.none() if condition is None else queryset.filter(condition)

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return self.scope(principal, Agreement.objects.filter(pk=obj.pk)).exists()
        if action == "correct":
            return may_enter_for(principal, obj.supplier_id)
        if action == "review":
            return may_review_for(principal, obj.organisation_id)
        if action == "publish":
            return may_administer(principal)
        return False

    def label(self, obj: Any) -> str:
        return f"agreement {obj.number}"


class DocumentPolicy(policies.Policy):
    model = Document

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = agreement_condition(principal, prefix="case__")
        return queryset.none() if condition is None else queryset.filter(condition)

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view" and AgreementPolicy().can(principal, "view", obj.case)

    def label(self, obj: Any) -> str:
        return f"document {obj.number}"


policies.register(AgreementPolicy())
policies.register(DocumentPolicy())
