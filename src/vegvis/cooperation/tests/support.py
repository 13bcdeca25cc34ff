"""The cooperation register's test data, made through its services: a supplier (bound by both rule sets) and a
patient organisation the matrix's users belong to, others they do not, and agreements in each state."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.cooperation import services
from vegvis.cooperation.models import Agreement, OrganisationBudget, SupplierRuleSet
from vegvis.core.models import Organisation
from vegvis.testing.factories import named_organisation, patient_organisation

SUPPLIER = "Medisinleverandøren AS"
OTHER_SUPPLIER = "Den andre leverandøren AS"
ORGANISATION = "Foreningen for hjertesyke"
OTHER_ORGANISATION = "Foreningen for lungesyke"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def supplier(name: str = SUPPLIER, rule_sets: tuple[str, ...] = ("medtek", "lmi")) -> Organisation:
    """A supplier of the register, by name (made at first use; the access matrix's supplier users are held at the
    same row)."""
    company = named_organisation(name, Organisation.Kind.SUPPLIER)
    for rule_set in rule_sets:
        SupplierRuleSet.objects.get_or_create(supplier=company, rule_set=rule_set)
    return company


def organisation(name: str = ORGANISATION, budget: Decimal | None = None, year: int | None = None) -> Organisation:
    found = patient_organisation(name)
    if budget is not None:
        OrganisationBudget.objects.update_or_create(
            organisation=found, year=year or timezone.localdate().year, defaults={"amount": budget}
        )
    return found


def terms(**changes: Any) -> services.AgreementData:
    """Terms that break no rule of either set, with ``changes``."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "supplier": supplier(),
        "organisation": organisation(),
        "kind": "financial_support",
        "written": True,
        "signed_on": today.replace(month=1, day=1),
        "starts_on": today.replace(month=1, day=2),
        "ends_on": today.replace(month=12, day=31),
        "amount_nok": Decimal("50000.00"),
        "in_kind_value_nok": None,
        "purpose": "Likepersonskurs",
        "exclusive": False,
        "transparency_clause": True,
        "market_value_stated": True,
    }
    return services.AgreementData(**{**values, **changes})


def make_agreement(state: str = "in_review", *, actor: Any = SYSTEM, **changes: Any) -> Agreement:
    """An agreement taken to ``state`` (in_review, confirmed, disputed, published, published_disputed)."""
    agreement = services.agreement_enter(actor=actor, data=terms(**changes))
    if state in {"confirmed", "published"}:
        agreement = services.agreement_confirm(actor=SYSTEM, agreement=agreement, version=agreement.version)
    if state in {"disputed", "published_disputed"}:
        agreement = services.agreement_dispute(
            actor=SYSTEM, agreement=agreement, version=agreement.version, reason="Beløpet er feil."
        )
    if state == "published_disputed":
        Agreement.objects.filter(pk=agreement.pk).update(correction_due_on=timezone.localdate() - timedelta(days=1))
        agreement.refresh_from_db()
    if state in {"published", "published_disputed"}:
        services.agreement_publish(actor=SYSTEM, agreement=agreement, version=agreement.version)
        agreement.refresh_from_db()
    return agreement


def a_date(text: str) -> date:
    return date.fromisoformat(text)
