"""Every read of the cooperation register: the stored rows as the rules' plain `Register`, the agreements a
principal may see with their findings, and the published (public) rows with their totals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from vegvis.access.policies import get_visible_or_404, visible
from vegvis.access.principal import Principal
from vegvis.cooperation import models, register, rules
from vegvis.core.models import Organisation


def register_from_db(*, organisation_ids: Iterable[int] | None = None) -> register.Register:
    """The stored register as the rules see it: every agreement (of ``organisation_ids``' organisations, or all),
    with the organisations, suppliers and supplier employees they need. Ids are the rows' primary keys as text.

    An organisation's agreements are always taken whole, whatever their status or supplier: the LMI income cap
    adds up all of them."""
    agreements = models.Agreement.objects.select_related("event").prefetch_related("logo_uses").order_by("pk")
    if organisation_ids is not None:
        agreements = agreements.filter(organisation_id__in=list(organisation_ids))
    rows = list(agreements)
    org_ids = {a.organisation_id for a in rows}
    supplier_ids = {a.supplier_id for a in rows}

    budgets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for budget in models.OrganisationBudget.objects.filter(organisation_id__in=org_ids):
        budgets[budget.organisation_id][f"{budget.year:04d}"] = budget.amount
    organisations = {
        str(o.pk): register.Organisation(
            id=str(o.pk), name=o.name, home_country=str(o.country), budgets=budgets.get(o.pk, {})
        )
        for o in Organisation.objects.filter(pk__in=org_ids)
    }
    rule_sets: dict[int, set[str]] = defaultdict(set)
    for supplier_id, name in models.SupplierRuleSet.objects.filter(supplier_id__in=supplier_ids).values_list(
        "supplier_id", "rule_set"
    ):
        rule_sets[supplier_id].add(name)
    suppliers = {
        str(s.pk): register.Supplier(id=str(s.pk), name=s.name, rule_sets=frozenset(rule_sets.get(s.pk, ())))
        for s in Organisation.objects.filter(pk__in=supplier_ids)
    }
    people = tuple(
        register.Person(
            id=str(e.pk),
            employer=str(e.supplier_id),
            positions_of_trust=tuple(
                register.PositionOfTrust(
                    organisation=str(p.organisation_id), role=p.role, starts_on=p.starts_on, ends_on=p.ends_on
                )
                for p in e.positions.all()
            ),
        )
        for e in models.SupplierEmployee.objects.filter(supplier_id__in=supplier_ids)
        .prefetch_related("positions")
        .order_by("pk")
    )
    return register.Register(
        organisations=organisations,
        suppliers=suppliers,
        people=people,
        agreements=tuple(as_plain(a) for a in rows),
    )


def as_plain(agreement: models.Agreement) -> register.Agreement:
    event = getattr(agreement, "event", None) if agreement.pk else None
    return register.Agreement(
        id=str(agreement.pk),
        supplier=str(agreement.supplier_id),
        organisation=str(agreement.organisation_id),
        third_party=agreement.third_party or None,
        kind=agreement.kind,
        written=agreement.written,
        signed_on=agreement.signed_on,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        amount_nok=agreement.amount_nok,
        in_kind_value_nok=agreement.in_kind_value_nok,
        purpose=agreement.purpose,
        exclusive=agreement.exclusive,
        transparency_clause=agreement.transparency_clause,
        market_value_stated=agreement.market_value_stated,
        event=(
            register.Event(name=event.name, country=str(event.country), covers=tuple(event.covers)) if event else None
        ),
        logo_uses=tuple(
            register.LogoUse(approved_on=u.approved_on, purpose=u.purpose, manner=u.manner)
            for u in agreement.logo_uses.all()
        ),
    )


@dataclass(frozen=True)
class Finding:
    id: str
    paragraph: str
    sentence: str


def _finding(rule_id: str) -> Finding:
    rule = rules.RULES[rule_id]
    return Finding(rule_id, rule.paragraph, str(rule.sentence))


def agreement_findings(agreement: models.Agreement) -> list[Finding]:
    """The rules the agreement breaks, each with its paragraph and sentence; and the LMI income cap when its
    organisation breaks it in the agreement's starting year and the supplier is bound by LMI."""
    ids = findings_by_agreement([agreement.organisation_id]).get(agreement.pk, [])
    return [_finding(rule_id) for rule_id in ids]


def findings_by_agreement(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """The rule ids each agreement of the organisations breaks, as its page shows them: its own findings, then
    the income cap when its organisation breaks it in the agreement's start year and its supplier is bound by
    LMI. One evaluation for all of them (the administration re-checks every agreement a change touches)."""
    plain = register_from_db(organisation_ids=organisation_ids)
    findings = rules.evaluate(plain)
    result: dict[int, list[str]] = {}
    for agreement in plain.agreements:
        ids = list(findings.agreements.get(agreement.id, []))
        capped = findings.organisations.get(agreement.organisation, {}).get(f"{agreement.starts_on.year:04d}", [])
        if capped and "lmi" in plain.suppliers[agreement.supplier].rule_sets:
            ids.extend(capped)
        result[int(agreement.id)] = ids
    return result


def visible_agreements(principal: Principal) -> QuerySet[models.Agreement]:
    return visible(principal, models.Agreement.objects.select_related("supplier", "organisation"))


def agreement_for(principal: Principal, pk: int) -> models.Agreement:
    return get_visible_or_404(
        principal,
        models.Agreement.objects.select_related("supplier", "organisation", "event").prefetch_related("logo_uses"),
        pk=pk,
    )


def register_list(principal: Principal) -> list[tuple[models.Agreement, list[str]]]:
    """The agreements the principal may see, those breaking a rule first (most findings first), then newest."""
    rows = list(visible_agreements(principal).order_by("-starts_on", "pk"))
    if not rows:
        return []
    findings = rules.evaluate(register_from_db(organisation_ids={a.organisation_id for a in rows})).agreements
    listed = [(a, findings.get(str(a.pk), [])) for a in rows]
    listed.sort(key=lambda pair: -len(pair[1]))  # stable: newest first within the same count
    return listed


def supplier_choices(principal: Principal) -> QuerySet[Organisation]:
    """The suppliers the principal may enter agreements for (the register's suppliers have a rule set)."""
    grant = principal.grant("cooperation.enter_agreement")
    suppliers = Organisation.objects.filter(cooperation_rule_sets__isnull=False).distinct()
    return suppliers if grant.everywhere else suppliers.filter(pk__in=sorted(grant.organisation_ids))


def organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)


# ---------------------------------------------------------------- public (published versions only)


@dataclass(frozen=True)
class PublicFilter:
    year: int
    q: str = ""
    supplier: int | None = None
    organisation: int | None = None
    kind: str = ""
    min_total: Decimal | None = None
    max_total: Decimal | None = None


def published_years() -> list[int]:
    years = set(models.PublishedVersion.objects.filter(current=True).values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def published(filters: PublicFilter) -> QuerySet[models.PublishedVersion]:
    rows = models.PublishedVersion.objects.filter(current=True, year=filters.year).select_related(
        "supplier", "organisation"
    )
    if filters.q:
        rows = rows.filter(
            Q(supplier__name__icontains=filters.q)
            | Q(organisation__name__icontains=filters.q)
            | Q(terms__purpose__icontains=filters.q)
        )
    if filters.supplier:
        rows = rows.filter(supplier_id=filters.supplier)
    if filters.organisation:
        rows = rows.filter(organisation_id=filters.organisation)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.min_total is not None:
        rows = rows.filter(total_nok__gte=filters.min_total)
    if filters.max_total is not None:
        rows = rows.filter(total_nok__lte=filters.max_total)
    return rows.order_by("organisation__name", "supplier__name", "agreement_id")


def totals(rows: QuerySet[models.PublishedVersion], by: str) -> list[dict[str, Any]]:
    """Sum of the rows' totals per ``by`` ("supplier" or "organisation"), largest first."""
    return list(
        rows.order_by()
        .values(f"{by}_id", f"{by}__name")
        .annotate(total=Sum("total_nok"))
        .order_by("-total", f"{by}__name")
    )


def budgets_of(year: int, organisation_ids: Iterable[int]) -> dict[int, Decimal]:
    return dict(
        models.OrganisationBudget.objects.filter(year=year, organisation_id__in=list(organisation_ids)).values_list(
            "organisation_id", "amount"
        )
    )


def public_suppliers(year: int) -> QuerySet[Organisation]:
    ids = models.PublishedVersion.objects.filter(current=True, year=year).values("supplier_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def public_organisations(year: int) -> QuerySet[Organisation]:
    ids = models.PublishedVersion.objects.filter(current=True, year=year).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")
