"""Every read of early access, already filtered by the permission layer.

The worklist's flags:
- *past expected duration*: a running treatment under the short-duration agreement whose expected end (six
  months after the start, `earlyaccess_short_duration`) is behind us — flagged from the day after it;
- *exemption expiring*: a running treatment whose programme rests on a named-patient exemption that ends within
  `earlyaccess_exemption_warning` (60 days by default), or has ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.abroad.selectors import MethodDecision, method_decisions
from vegvis.access.policies import get_visible_or_404, policy_for, visible
from vegvis.access.principal import Principal
from vegvis.casework.paging import Keyset
from vegvis.core.models import LegalDeadline, Organisation, Region
from vegvis.core.related import CaseFacts, RelatedItem
from vegvis.earlyaccess.models import (
    EXEMPTION_WARNING,
    AgreementKind,
    Basis,
    ExperimentalTreatment,
    OrganisationRegion,
    PatientTreatment,
    Programme,
)
from vegvis.earlyaccess.policies import ANY_ROLE, MANAGE_PROGRAMME, VIEW_TREATMENT, overview_regions

PAGE_SIZE = 50
# The worklist: the earliest expected end first (the short-duration treatments about to run over), then the rest.
BY_EXPECTED_END: Keyset[Any] = Keyset("expected_end_on")


def today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- programmes (no personal data)


def programmes(principal: Principal) -> QuerySet[Programme]:
    return visible(principal, Programme.objects.select_related("supplier", "owner"))


def public_programmes() -> QuerySet[Programme]:
    """Every programme for the public list: the programme's own fields, never a patient or a count of them."""
    return Programme.objects.select_related("supplier").order_by("drug_name", "pk")


def programme_for(principal: Principal, pk: int) -> Programme:
    return get_visible_or_404(principal, Programme.objects.select_related("supplier", "owner"), pk=pk)


def method_decision(programme: Programme) -> MethodDecision | None:
    """The programme's Nye metoder decision, read from treatment abroad's methods register."""
    if programme.method_id is None:
        return None
    return method_decisions([programme.method_id]).get(programme.method_id)


def methods_by_programme(rows: list[Programme]) -> dict[int, MethodDecision]:
    found = method_decisions({p.method_id for p in rows})
    return {p.pk: found[p.method_id] for p in rows if p.method_id in found}


def exemption_valid_until(programme: Programme) -> date | None:
    """The last day the programme's exemptions cover (the newest renewal's), or None."""
    return programme.exemptions.aggregate(last=Max("valid_until"))["last"]


def exemption_warning_from(on: date) -> date:
    """Exemptions ending on or before this day are flagged (the warning period after ``on``)."""
    return LegalDeadline.get(EXEMPTION_WARNING).after(on)


def exemption_flag(programme: Programme, on: date | None = None) -> str | None:
    """ "expired", "expiring" or None for a programme resting on an exemption."""
    if programme.basis != Basis.EXEMPTION:
        return None
    on = on or today()
    last = exemption_valid_until(programme)
    if last is None or last < on:
        return "expired"
    return "expiring" if last <= exemption_warning_from(on) else None


def hospitals_for_treatment(principal: Principal) -> QuerySet[Organisation]:
    """The hospitals whose patients the principal treats (a clinician's own), for the start form's choice."""
    grant = principal.grant(VIEW_TREATMENT)
    hospitals = Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL, earlyaccess_region__isnull=False)
    return hospitals if grant.everywhere else hospitals.filter(pk__in=sorted(grant.organisation_ids))


def hospitals_for_programmes(principal: Principal) -> QuerySet[Organisation]:
    """The hospitals the principal registers programmes for (a pharmacy's own; every hospital nationally)."""
    grant = principal.grant(MANAGE_PROGRAMME)
    hospitals = Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL, earlyaccess_region__isnull=False)
    return hospitals if grant.everywhere else hospitals.filter(pk__in=sorted(grant.organisation_ids))


def agreement_regions(principal: Principal) -> QuerySet[Region]:
    grant = principal.grant(MANAGE_PROGRAMME)
    if grant.everywhere:
        return Region.objects.all()
    ids = OrganisationRegion.objects.filter(organisation_id__in=sorted(grant.organisation_ids)).values("region_id")
    return Region.objects.filter(pk__in=ids)


# ---------------------------------------------------------------- the worklist


@dataclass
class WorklistRow:
    treatment: PatientTreatment
    past_expected: bool
    exemption: str | None

    @property
    def flagged(self) -> bool:
        return self.past_expected or self.exemption is not None


def past_expected_duration(treatment: PatientTreatment, on: date) -> bool:
    return (
        treatment.stopped_on is None
        and treatment.programme.agreement_kind == AgreementKind.SHORT_DURATION
        and treatment.expected_end_on is not None
        and on > treatment.expected_end_on
    )


def worklist(
    principal: Principal, *, hospital: Organisation, running: bool = True, after: str | None = None
) -> tuple[list[WorklistRow], str | None]:
    """The hospital's patients in programmes, earliest expected end first, each with its flags."""
    queryset = visible(
        principal,
        PatientTreatment.objects.filter(hospital=hospital).select_related("programme", "person"),
    )
    if running:
        queryset = queryset.filter(stopped_on__isnull=True)
    rows, cursor = BY_EXPECTED_END.page(queryset, after=after, limit=PAGE_SIZE)
    on = today()
    flags: dict[int, str | None] = {}
    for t in rows:
        if t.programme_id not in flags:
            flags[t.programme_id] = exemption_flag(t.programme, on)
    return [
        WorklistRow(t, past_expected_duration(t, on), flags[t.programme_id] if t.stopped_on is None else None)
        for t in rows
    ], cursor


def flagged_count(principal: Principal) -> int:
    """Running short-duration treatments past their expected end that the principal sees (the home panel)."""
    return (
        visible(principal, PatientTreatment.objects.all())
        .filter(
            stopped_on__isnull=True,
            programme__agreement_kind=AgreementKind.SHORT_DURATION,
            expected_end_on__lt=today(),
        )
        .count()
    )


def patient_record_or_404(principal: Principal, queryset: QuerySet[Any], pk: int) -> Any:
    """A patient's record the principal may see, else 404 — after the same work whether it exists or not.

    ``access.policies.get_visible_or_404`` audits a refused look at an existing record, which a missing one does
    not get: the other hospital's clinician could tell by the answer's time that a patient exists. Here a missing
    id is audited as a refused attempt too (the guess is worth recording), with a label of the same shape.
    """
    from vegvis.audit.services import audit_denied

    found = visible(principal, queryset).filter(pk=pk).first()
    if found is not None:
        return found
    hidden = queryset.filter(pk=pk).first()
    policy = policy_for(queryset.model)
    audit_denied(
        principal, obj=hidden, label=policy.label(hidden) if hidden is not None else f"{policy.model.__name__} {pk}"
    )
    raise Http404


def treatment_for(principal: Principal, pk: int) -> PatientTreatment:
    return patient_record_or_404(
        principal, PatientTreatment.objects.select_related("programme", "person", "hospital", "region"), pk
    )


def experimental_list(principal: Principal, *, hospital: Organisation) -> list[ExperimentalTreatment]:
    return list(
        visible(principal, ExperimentalTreatment.objects.filter(hospital=hospital).select_related("person")).order_by(
            "-started_on", "-pk"
        )[:PAGE_SIZE]
    )


def experimental_for(principal: Principal, pk: int) -> ExperimentalTreatment:
    return patient_record_or_404(
        principal, ExperimentalTreatment.objects.select_related("person", "hospital", "region"), pk
    )


# ---------------------------------------------------------------- the regional overview (aggregates only)


def overview_region_choices(principal: Principal) -> QuerySet[Region]:
    regions = overview_regions(principal)
    return Region.objects.all() if regions is None else Region.objects.filter(pk__in=sorted(regions))


def running_condition(year: int) -> Q:
    """Treatments running at some time in ``year``."""
    return Q(started_on__year__lte=year) & (Q(stopped_on__isnull=True) | Q(stopped_on__year__gte=year))


# ---------------------------------------------------------------- links with treatment abroad (issue 16, item 6)


def _names(text: str, name: str) -> bool:
    """``name`` stands in ``text`` as a whole word (or words), whatever the case: "Kortivra 10 mg" names
    Kortivra, "Kortivrax" does not."""
    name = name.strip()
    return len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def programmes_naming(text: str, method_id: int | None = None) -> list[Programme]:
    """The programmes whose drug a treatment-abroad application names: its requested treatment (free text) names
    the drug or the active substance as a word, or it is registered under the programme's Nye metoder method.
    Programmes are few (tens), so the words are matched here rather than in the database."""
    found = []
    for programme in Programme.objects.select_related("supplier").order_by("drug_name", "pk"):
        by_method = method_id is not None and programme.method_id == method_id
        if by_method or _names(text, programme.drug_name) or _names(text, programme.active_substance):
            found.append(programme)
    return found


def related_to_case(principal: Principal, facts: CaseFacts) -> list[RelatedItem]:
    """What a treatment-abroad case page shows of early access: the programmes of the drug the application names
    (no personal data: shown to whoever sees the case), and the patient's own early-access and experimental
    treatments to a clinician entitled to see them, through the policies (nothing, not even that they exist, to
    anyone else); that read is audited."""
    from vegvis.audit.services import read_rows

    may_see_programmes = principal.has_any(*ANY_ROLE)
    items = [
        RelatedItem(
            section=_("Early-access programme"),
            title=f"{p.drug_name} ({p.active_substance})",
            detail=str(p.get_agreement_kind_display()),
            url=reverse("earlyaccess:programme", args=[p.pk]) if may_see_programmes else reverse("earlyaccess:public"),
        )
        for p in programmes_naming(facts.treatment_text, facts.method_id)
    ]
    if facts.person_id is None:
        return items
    treatments = list(
        visible(principal, PatientTreatment.objects.filter(person_id=facts.person_id)).select_related(
            "programme", "hospital"
        )
    )
    experimental = list(
        visible(principal, ExperimentalTreatment.objects.filter(person_id=facts.person_id)).select_related("hospital")
    )
    read_rows(
        principal,
        [*treatments, *experimental],
        label="early access on a treatment-abroad case",
        shown=["number", "programme", "hospital", "start", "stop"],
    )
    for t in treatments:
        state = (
            _("stopped %(day)s") % {"day": t.stopped_on.strftime("%d.%m.%Y")}
            if t.stopped_on
            else _("running since %(day)s") % {"day": t.started_on.strftime("%d.%m.%Y")}
        )
        items.append(
            RelatedItem(
                section=_("Early-access treatment"),
                title=f"{t.number}: {t.programme.drug_name}",
                detail=f"{t.hospital.name}, {state}",
                url=reverse("earlyaccess:treatment", args=[t.pk]),
            )
        )
    for e in experimental:
        items.append(
            RelatedItem(
                section=_("Experimental treatment"),
                title=f"{e.number}: {e.treatment}",
                detail=f"{e.hospital.name}, {_('started %(day)s') % {'day': e.started_on.strftime('%d.%m.%Y')}}",
                url=reverse("earlyaccess:experimental", args=[e.pk]),
            )
        )
    return items
