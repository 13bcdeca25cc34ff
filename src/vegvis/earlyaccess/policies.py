"""Who may see and act on early access's records.

A patient's treatment (early access or experimental, with its events, evaluations and costs) is visible only
to the clinicians of its hospital: no other role sees a patient, and a clinician of another hospital gets 404.
Programmes are no personal data: every early-access role sees them; the pharmacy of the hospital that keeps a
programme (or the national administrator) changes it; a pharmacy registers agreements for its own region only.
The regional overview is aggregates of the principal's regions (``overview_regions``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.core.policies import register_person_visibility
from vegvis.earlyaccess.models import (
    AdverseEvent,
    CostEntry,
    Evaluation,
    ExperimentalTreatment,
    OrganisationRegion,
    PatientTreatment,
    Programme,
)

VIEW_TREATMENT = "earlyaccess.view_treatment"
MANAGE_TREATMENT = "earlyaccess.manage_treatment"
MANAGE_PROGRAMME = "earlyaccess.manage_programme"
VIEW_OVERVIEW = "earlyaccess.view_overview"
ANY_ROLE = (VIEW_TREATMENT, MANAGE_PROGRAMME, VIEW_OVERVIEW)


def treatment_condition(principal: Principal, permission: str = VIEW_TREATMENT, prefix: str = "") -> Q | None:
    """The hospitals whose patients ``permission`` reaches, as a condition; None when none."""
    grant = principal.grant(permission)
    if grant.everywhere:
        return Q()
    if grant.organisation_ids:
        return Q(**{f"{prefix}hospital_id__in": sorted(grant.organisation_ids)})
    return None


def may_treat_at(principal: Principal, hospital_id: int) -> bool:
    grant = principal.grant(MANAGE_TREATMENT)
    return grant.everywhere or hospital_id in grant.organisation_ids


def regions_of(organisation_ids: set[int]) -> set[int]:
    return set(
        OrganisationRegion.objects.filter(organisation_id__in=sorted(organisation_ids)).values_list(
            "region_id", flat=True
        )
    )


def may_manage_programme(principal: Principal, programme: Programme) -> bool:
    grant = principal.grant(MANAGE_PROGRAMME)
    return grant.everywhere or programme.owner_id in grant.organisation_ids


def may_register_agreement(principal: Principal, region_id: int) -> bool:
    """The national administrator for any region; a hospital's pharmacy for its own hospital's region."""
    grant = principal.grant(MANAGE_PROGRAMME)
    return grant.everywhere or region_id in regions_of(grant.organisation_ids)


def overview_regions(principal: Principal) -> set[int] | None:
    """The regions whose overview the principal sees: None for all of them, else the ids (maybe empty)."""
    grant = principal.grant(VIEW_OVERVIEW)
    if grant.everywhere:
        return None
    return regions_of(grant.organisation_ids)


class _HospitalScoped(policies.Policy):
    prefix = ""

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = treatment_condition(principal, prefix=self.prefix)
        return queryset.none() if condition is None else queryset.filter(condition)

    def hospital_id(self, obj: Any) -> int:
        return obj.hospital_id if not self.prefix else obj.treatment.hospital_id

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        hospital_id = self.hospital_id(obj)
        if action == "view":
            grant = principal.grant(VIEW_TREATMENT)
            return grant.everywhere or hospital_id in grant.organisation_ids
        if action == "manage":
            return may_treat_at(principal, hospital_id)
        return False


class PatientTreatmentPolicy(_HospitalScoped):
    model = PatientTreatment

    def label(self, obj: Any) -> str:
        return obj.audit_label


class ExperimentalTreatmentPolicy(_HospitalScoped):
    model = ExperimentalTreatment

    def label(self, obj: Any) -> str:
        return obj.audit_label


class AdverseEventPolicy(_HospitalScoped):
    model = AdverseEvent
    prefix = "treatment__"


class EvaluationPolicy(_HospitalScoped):
    model = Evaluation
    prefix = "treatment__"


class CostEntryPolicy(_HospitalScoped):
    model = CostEntry
    prefix = "treatment__"


class ProgrammePolicy(policies.Policy):
    model = Programme

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if principal.has_any(*ANY_ROLE) else queryset.none()

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return principal.has_any(*ANY_ROLE)
        if action == "manage":
            return may_manage_programme(principal, obj)
        return False

    def label(self, obj: Any) -> str:
        return f"programme {obj.pk}"


for policy in (
    PatientTreatmentPolicy(),
    ExperimentalTreatmentPolicy(),
    AdverseEventPolicy(),
    EvaluationPolicy(),
    CostEntryPolicy(),
    ProgrammePolicy(),
):
    policies.register(policy)


def _persons_of_visible_treatments(principal: Principal) -> Q | None:
    """A clinician sees the persons of the hospital's treatments (the person pages, the access log), except where
    the treatment was registered for a person the clinician could not see (``patient_withheld``): such a treatment
    shows the name as typed, never the register's person."""
    condition = treatment_condition(principal)
    if condition is None:
        return None
    condition &= Q(patient_withheld=False)
    return Q(pk__in=PatientTreatment.objects.filter(condition).values("person_id")) | Q(
        pk__in=ExperimentalTreatment.objects.filter(condition).values("person_id")
    )


register_person_visibility(_persons_of_visible_treatments)
