"""Who may see and act on the desk's inquiries and cases: the association's own staff (organisation-scoped roles),
and its medical advisers for the cases assigned to them. No health-authority role holds an inquiries permission,
so nothing here is visible to treatment abroad's staff; everything in a case follows the case."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.core.policies import register_person_visibility
from vegvis.inquiries.models import (
    Case,
    CompensationClaim,
    Complaint,
    Document,
    Inquiry,
    PowerOfAttorney,
    RecordRequest,
)

STAFF = "inquiries.view_case"
HANDLE = "inquiries.handle_case"
ASSESS = "inquiries.assess_case"


def _organisations(principal: Principal, permission: str) -> Q | None:
    grant = principal.grant(permission)
    if grant.everywhere:
        return Q()
    if grant.organisation_ids:
        return Q(organisation_id__in=sorted(grant.organisation_ids))
    return None


def _assigned(principal: Principal) -> Q | None:
    """A medical adviser's cases: assigned to them, in their own association."""
    organisations = _organisations(principal, ASSESS)
    if organisations is None or principal.user is None:
        return None
    return organisations & Q(medical_adviser=principal.user)


def case_condition(principal: Principal) -> Q | None:
    conditions = [c for c in (_organisations(principal, STAFF), _assigned(principal)) if c is not None]
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


class CasePolicy(policies.Policy):
    model = Case

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = case_condition(principal)
        return queryset.none() if condition is None else queryset.filter(condition)

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return self.scope(principal, Case.objects.filter(pk=obj.pk)).exists()
        if action == "handle":
            grant = principal.grant(HANDLE)
            return grant.everywhere or obj.organisation_id in grant.organisation_ids
        if action == "assess":
            grant = principal.grant(ASSESS)
            return (grant.everywhere or obj.organisation_id in grant.organisation_ids) and (
                principal.user is not None and obj.medical_adviser_id == principal.user.pk
            )
        return False

    def label(self, obj: Any) -> str:
        return obj.number


class InquiryPolicy(policies.Policy):
    """Inquiries reach only the desk's staff of the association they were sent to (advisers see cases only)."""

    model = Inquiry

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = _organisations(principal, STAFF)
        return queryset.none() if condition is None else queryset.filter(condition)

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        permission = HANDLE if action == "handle" else STAFF
        grant = principal.grant(permission)
        return grant.everywhere or obj.organisation_id in grant.organisation_ids

    def label(self, obj: Any) -> str:
        return obj.reference


class CaseChildPolicy(policies.Policy):
    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(case__in=CasePolicy().scope(principal, Case.objects.all()))

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        return CasePolicy().can(principal, action, obj.case)

    def label(self, obj: Any) -> str:
        return getattr(obj, "number", None) or obj.case.number


class DocumentPolicy(CaseChildPolicy):
    model = Document


class PowerOfAttorneyPolicy(CaseChildPolicy):
    model = PowerOfAttorney


class RecordRequestPolicy(CaseChildPolicy):
    model = RecordRequest


class ComplaintPolicy(CaseChildPolicy):
    model = Complaint


class ClaimPolicy(CaseChildPolicy):
    model = CompensationClaim


for policy in (
    CasePolicy(),
    InquiryPolicy(),
    DocumentPolicy(),
    PowerOfAttorneyPolicy(),
    RecordRequestPolicy(),
    ComplaintPolicy(),
    ClaimPolicy(),
):
    policies.register(policy)


def _persons_of_visible_cases(principal: Principal) -> Q | None:
    if not principal.has_any(STAFF, ASSESS):
        return None
    condition = Q(inquiry_cases__in=CasePolicy().scope(principal, Case.objects.all()))
    staff = _organisations(principal, STAFF)
    if staff is not None:
        condition |= Q(inquiries__in=Inquiry.objects.filter(staff))
    return condition


register_person_visibility(_persons_of_visible_cases)
