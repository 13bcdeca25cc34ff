"""The register administrator's writes: the rule sets a supplier is bound by, a patient organisation's home country
and budgets, and the positions of trust supplier employees hold. One audited transaction each.

Each of them can change what the rules find: a budget moves the LMI income cap, a rule set decides which rules a
supplier's agreements are judged by, a home country decides § 7 (abroad) and a position of trust § 8. The staff
pages and the API compute findings when they are read, so they are always true; the published versions store the
findings they were published with, and the public register shows them. So each change re-checks every agreement it
touches (``refresh_published_findings``) and updates the findings of their current published versions in the same
transaction. Earlier versions keep the findings they had: they are the record of what was published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import audit_record, audited_atomic
from vegvis.cooperation import selectors
from vegvis.cooperation.models import (
    Agreement,
    OrganisationBudget,
    PositionOfTrust,
    PublishedVersion,
    RuleSetName,
    SupplierEmployee,
    SupplierRuleSet,
)
from vegvis.cooperation.policies import may_administer
from vegvis.core.models import Organisation

Action = AuditEntry.Action


class AdministrationRefused(ValueError):
    """The change is not allowed; the message is for the user."""


def _check(actor: Principal) -> None:
    if not may_administer(actor):
        raise AdministrationRefused(_("Only the register's administrators change the register's data."))


def refresh_published_findings(actor: Principal, organisation_ids: Iterable[int]) -> list[str]:
    """Re-check every agreement of the organisations and bring the findings of their current published versions
    up to date. Returns the numbers of the agreements whose published findings changed (audited, one entry)."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return []
    findings = selectors.findings_by_agreement(ids)
    changed: list[str] = []
    versions = (
        PublishedVersion.objects.select_for_update()
        .filter(current=True, agreement__organisation_id__in=ids)
        .select_related("agreement")
        .order_by("agreement_id")
    )
    for version in versions:
        now = findings.get(version.agreement_id, [])
        if list(version.findings) != now:
            version.findings = now
            version.save(update_fields=["findings"])
            changed.append(version.agreement.number)
    if changed:
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            label="cooperation: published findings re-checked",
            detail={"agreements": changed},
        )
    return changed


def _organisations_of_supplier(supplier_id: int) -> set[int]:
    return set(Agreement.objects.filter(supplier_id=supplier_id).values_list("organisation_id", flat=True))


# ---------------------------------------------------------------- suppliers


def rule_sets_set(*, actor: Principal, supplier: Organisation, rule_sets: Iterable[str]) -> list[str]:
    """Bind the supplier by exactly ``rule_sets`` (at least one of medtek, lmi)."""
    wanted = sorted(set(rule_sets))
    if not wanted or any(name not in RuleSetName.values for name in wanted):
        raise AdministrationRefused(_("Choose at least one rule set."))
    if supplier.kind != Organisation.Kind.SUPPLIER:
        raise AdministrationRefused(_("Only suppliers are bound by rule sets."))
    with audited_atomic():
        _check(actor)
        before = sorted(SupplierRuleSet.objects.filter(supplier=supplier).values_list("rule_set", flat=True))
        if before == wanted:
            return wanted
        SupplierRuleSet.objects.filter(supplier=supplier).exclude(rule_set__in=wanted).delete()
        for name in wanted:
            SupplierRuleSet.objects.get_or_create(supplier=supplier, rule_set=name)
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=supplier,
            label=f"cooperation: rule sets of {supplier.name}"[:200],
            detail={"before": before, "after": wanted},
        )
        refresh_published_findings(actor, _organisations_of_supplier(supplier.pk))
    return wanted


# ---------------------------------------------------------------- patient organisations


def _patient_organisation(organisation: Organisation) -> None:
    if organisation.kind != Organisation.Kind.PATIENT_ORGANISATION:
        raise AdministrationRefused(_("Choose a patient organisation of the register."))


def home_country_set(*, actor: Principal, organisation: Organisation, country: str) -> None:
    _patient_organisation(organisation)
    with audited_atomic():
        _check(actor)
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = str(locked.country)
        if before == country:
            return
        locked.country = country
        locked.save(update_fields=["country"])
        audit_record(
            principal=actor,
            action=Action.UPDATE,
            obj=locked,
            label=f"cooperation: home country of {locked.name}"[:200],
            detail={"before": before, "after": country},
        )
        refresh_published_findings(actor, [locked.pk])
    organisation.country = country


def budget_set(*, actor: Principal, organisation: Organisation, year: int, amount: Decimal | None) -> None:
    """Set the organisation's budget for ``year``; ``None`` removes it (the income cap then does not judge it)."""
    _patient_organisation(organisation)
    if not 2000 <= year <= 2999:
        raise AdministrationRefused(_("Write a year between 2000 and 2999."))
    if amount is not None and amount < 0:
        raise AdministrationRefused(_("The budget cannot be negative."))
    with audited_atomic():
        _check(actor)
        found = OrganisationBudget.objects.select_for_update().filter(organisation=organisation, year=year).first()
        before = str(found.amount) if found else None
        if amount is None:
            if found is None:
                return
            found.delete()
        elif found is None:
            OrganisationBudget.objects.create(organisation=organisation, year=year, amount=amount)
        elif found.amount == amount:
            return
        else:
            found.amount = amount
            found.save(update_fields=["amount"])
        audit_record(
            principal=actor,
            action=Action.DELETE if amount is None else Action.UPDATE,
            obj=organisation,
            label=f"cooperation: budget {year} of {organisation.name}"[:200],
            detail={"year": year, "before": before, "after": None if amount is None else str(amount)},
        )
        refresh_published_findings(actor, [organisation.pk])


# ---------------------------------------------------------------- positions of trust


@dataclass(frozen=True)
class PositionData:
    supplier: Organisation
    employee_name: str
    organisation: Organisation
    role: str
    starts_on: date
    ends_on: date | None


def _employee(supplier: Organisation, name: str) -> SupplierEmployee:
    found = SupplierEmployee.objects.filter(supplier=supplier, name__iexact=name).order_by("pk").first()
    return found or SupplierEmployee.objects.create(supplier=supplier, name=name)


def _validate(data: PositionData) -> None:
    if data.supplier.kind != Organisation.Kind.SUPPLIER:
        raise AdministrationRefused(_("Choose a supplier of the register."))
    _patient_organisation(data.organisation)
    if not data.employee_name.strip():
        raise AdministrationRefused(_("Write the employee's name."))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise AdministrationRefused(_("The position cannot end before it starts."))


def position_save(*, actor: Principal, data: PositionData, position: PositionOfTrust | None = None) -> PositionOfTrust:
    """Record a position of trust (or change one); the employee is found by name within the supplier."""
    _validate(data)
    with audited_atomic():
        _check(actor)
        touched = {data.organisation.pk}
        if position is not None:
            position = PositionOfTrust.objects.select_for_update().select_related("employee").get(pk=position.pk)
            touched.add(position.organisation_id)
            old_employee = position.employee
        else:
            position = PositionOfTrust()
            old_employee = None
        position.employee = _employee(data.supplier, data.employee_name.strip())
        position.organisation = data.organisation
        position.role = data.role.strip()
        position.starts_on = data.starts_on
        position.ends_on = data.ends_on
        created = position.pk is None
        position.save()
        if old_employee is not None and old_employee.pk != position.employee_id and not old_employee.positions.exists():
            old_employee.delete()
        audit_record(
            principal=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=position,
            label=f"cooperation: position of trust {position.pk}",
            detail={
                "supplier": data.supplier.pk,
                "organisation": data.organisation.pk,
                "from": data.starts_on.isoformat(),
                "to": data.ends_on.isoformat() if data.ends_on else None,
            },
        )
        refresh_published_findings(actor, touched)
    return position


def position_delete(*, actor: Principal, position: PositionOfTrust) -> None:
    with audited_atomic():
        _check(actor)
        locked = PositionOfTrust.objects.select_for_update().select_related("employee").get(pk=position.pk)
        employee = locked.employee
        organisation_id = locked.organisation_id
        audit_record(
            principal=actor,
            action=Action.DELETE,
            obj=locked,
            label=f"cooperation: position of trust {locked.pk}",
            detail={"supplier": employee.supplier_id, "organisation": organisation_id},
        )
        locked.delete()
        if not employee.positions.exists():
            employee.delete()
        refresh_published_findings(actor, [organisation_id])
