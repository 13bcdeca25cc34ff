"""Who may see and act on treatment-abroad cases: the office's staff (work need), the medical adviser of an
assigned assessment, and a user with an open emergency grant. Everything else in the case follows the case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from vegvis.abroad.models import Assessment, Case, Document, Expense
from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.core.policies import register_person_visibility

# action → permissions that allow it (within the office, or as assigned adviser)
ACTIONS = {
    "view": ("abroad.view_case", "abroad.assess_case"),
    "handle": ("abroad.handle_case",),
    "decide": ("abroad.decide_case",),
    "assess": ("abroad.assess_case",),
}


def _office_condition(principal: Principal, permission: str) -> Q | None:
    grant = principal.grant(permission)
    if grant.everywhere:
        return Q()
    if grant.office_ids:
        return Q(office_id__in=sorted(grant.office_ids))
    return None


# A medical adviser sees a case while their assessment is open and for this many days after answering it (to
# answer the office's follow-up questions on what they wrote); then the case is closed to them again.
ADVISER_DAYS_AFTER_ANSWER = 14


def adviser_assessments_open(principal: Principal) -> QuerySet[Assessment]:
    """The adviser's assessments that still give access to their case."""
    since = timezone.localdate() - timedelta(days=ADVISER_DAYS_AFTER_ANSWER)
    return Assessment.objects.filter(adviser=principal.user).filter(
        Q(answered_on__isnull=True) | Q(answered_on__gte=since)
    )


def _assigned_condition(principal: Principal, prefix: str = "") -> Q | None:
    if principal.user is None or not principal.grant("abroad.assess_case").assigned:
        return None
    return Q(**{f"{prefix}pk__in": adviser_assessments_open(principal).values("case_id")})


class CasePolicy(policies.Policy):
    model = Case

    def normally_visible(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Visible by work need alone: own office, or an assessment assigned to the adviser."""
        conditions = [
            c
            for c in (_office_condition(principal, "abroad.view_case"), _assigned_condition(principal))
            if c is not None
        ]
        if not conditions:
            return queryset.none()
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return queryset.filter(combined)

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        normal = self.normally_visible(principal, queryset)
        if principal.has("access.use_emergency_access") and principal.user is not None:
            return normal | queryset.filter(pk__in=policies.emergency_ids(principal, Case))
        return normal

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        permissions = ACTIONS.get(action, ())
        if not principal.has_any(*permissions):
            return False
        if action == "assess":
            return adviser_assessments_open(principal).filter(case=obj).exists() if principal.user else False
        if (
            action == "view"
            and _assigned_condition(principal) is not None
            and adviser_assessments_open(principal).filter(case=obj).exists()
        ):
            return True
        for permission in permissions:
            grant = principal.grant(permission)
            if grant.everywhere or obj.office_id in grant.office_ids:
                return True
        # An emergency grant opens the case for reading only: never for handling or decisions (issue 10).
        return action == "view" and self.scope(principal, Case.objects.filter(pk=obj.pk)).exists()

    def label(self, obj: Any) -> str:
        return obj.number


class CaseChildPolicy(policies.Policy):
    """Documents, invoices and assessments are visible exactly when their case is."""

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(case__in=CasePolicy().scope(principal, Case.objects.all()))

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        return CasePolicy().can(principal, action, obj.case)

    def label(self, obj: Any) -> str:
        return getattr(obj, "number", None) or f"{obj.case.number}"


class DocumentPolicy(CaseChildPolicy):
    model = Document


class ExpensePolicy(CaseChildPolicy):
    model = Expense


class AssessmentPolicy(CaseChildPolicy):
    model = Assessment


for policy in (CasePolicy(), DocumentPolicy(), ExpensePolicy(), AssessmentPolicy()):
    policies.register(policy)


def _persons_with_visible_cases(principal: Principal) -> Q | None:
    """A visible case makes its patient visible, unless the case was registered for a person its office could not
    see (``patient_withheld``): such a case shows what the application gave, never the register's person."""
    if not principal.has_any("abroad.view_case", "abroad.assess_case"):
        return None
    return Q(abroad_cases__in=CasePolicy().scope(principal, Case.objects.filter(patient_withheld=False)))


register_person_visibility(_persons_with_visible_cases)


# ---------------------------------------------------------------- importing cases (abroad.import_cases)


def import_office_ids(principal: Principal | None) -> frozenset[int] | None:
    """The offices whose cases, and whose patients, the principal may write by importing a file; None: every
    office. No principal (the system, e.g. loading the demo) and a global grant (the operator at the server's
    shell, a national role) import for the whole country; an office lead for the offices of the grant."""
    if principal is None:
        return None
    grant = principal.grant("abroad.import_cases")
    if grant.everywhere:
        return None
    return frozenset(grant.office_ids)


def importable_person_ids(office_ids: frozenset[int], person_ids: list[int]) -> set[int]:
    """Of these persons, those an import for ``office_ids`` may link and change: patients of one of the offices'
    cases. Persons are shared by the whole country; one known only to another office is not the importer's to
    rename or move."""
    if not office_ids or not person_ids:
        return set()
    return set(
        Case.objects.filter(office_id__in=sorted(office_ids), patient_id__in=person_ids)
        .values_list("patient_id", flat=True)
        .distinct()
    )
