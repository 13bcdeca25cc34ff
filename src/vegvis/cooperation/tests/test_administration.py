"""The register administrator's pages: suppliers' rule sets, organisations' home country and budgets, positions of
trust; every change audited and followed by a re-check, so the published findings stay true."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.audit.models import AuditEntry
from vegvis.cooperation import administration
from vegvis.cooperation.models import OrganisationBudget, PositionOfTrust, PublishedVersion, SupplierRuleSet
from vegvis.cooperation.tests.support import ORGANISATION, SUPPLIER, make_agreement, organisation, supplier
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = UserFactory(username="samarbeid.admin", role="cooperation_administrator")
    log_in_verified(client, user)
    return user


def current_findings() -> list[str]:
    return PublishedVersion.objects.get(current=True).findings


def test_a_budget_typed_in_norwegian_is_saved_audited_and_moves_the_income_cap_on_the_published_version(client, admin):
    make_agreement("published")  # 50 000 from a supplier bound by LMI; no budget: the cap does not judge
    assert current_findings() == []
    org = organisation()
    year = timezone.localdate().year
    page = reverse("cooperation:admin_organisation", args=[org.pk])

    response = client.post(page, {"action": "budget", "budget-year": year, "budget-amount": "300 000,00"})

    assert response.status_code == 302
    assert OrganisationBudget.objects.get(organisation=org, year=year).amount == Decimal("300000.00")
    assert current_findings() == ["lmi-income-cap"]  # 50 000 is more than 15 % of 300 000
    entry = AuditEntry.objects.filter(object_label__contains="budget").get()
    assert (entry.actor_username, entry.detail["after"]) == ("samarbeid.admin", "300000.00")
    shown = client.get(page).content.decode()
    assert "300\u00a0000,00" in shown
    # The year reads as a year, on the organisation's page and the overview (not «2 026»).
    assert f"<td>{year}</td>" in shown
    overview = client.get(reverse("cooperation:admin_overview")).content.decode()
    assert f"{year}: 300\u00a0000,00" in overview

    # Exactly 15 %: allowed.
    client.post(page, {"action": "budget", "budget-year": year, "budget-amount": "333 333,34"})
    assert current_findings() == []
    client.post(page, {"action": "budget", "budget-year": year, "budget-amount": "300 000"})
    assert current_findings() == ["lmi-income-cap"]
    # Removed: a year without a budget is not judged.
    client.post(page, {"action": "budget", "budget-year": year, "budget-amount": ""})
    assert not OrganisationBudget.objects.exists()
    assert current_findings() == []


def test_a_bad_budget_is_named_in_norwegian_next_to_the_field_and_the_input_kept(client, admin):
    org = organisation()
    page = reverse("cooperation:admin_organisation", args=[org.pk])

    response = client.post(page, {"action": "budget", "budget-year": "2026", "budget-amount": "12,345.50"})

    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="12,345.50"' in text
    assert "desimalkomma" in text  # next to the field, in Norwegian
    assert not OrganisationBudget.objects.exists()
    response = client.post(page, {"action": "budget", "budget-year": "1999", "budget-amount": "10"})
    assert "2000" in response.content.decode() and not OrganisationBudget.objects.exists()


def test_the_home_country_decides_the_abroad_rule_and_is_audited(client, admin):
    from vegvis.cooperation.services import EventData

    make_agreement("published", event=EventData(name="Årsmøte", country="SE", covers=("travel",)))
    assert current_findings() == ["medtek-7-abroad"]
    org = organisation()

    client.post(
        reverse("cooperation:admin_organisation", args=[org.pk]), {"action": "country", "country-country": "SE"}
    )

    org.refresh_from_db()
    assert str(org.country) == "SE"
    assert current_findings() == []
    assert AuditEntry.objects.filter(object_label__contains="home country").exists()


def test_rule_sets_decide_the_rules_and_at_least_one_is_required(client, admin):
    make_agreement("published", transparency_clause=False)
    assert current_findings() == ["lmi-transparency-clause"]
    page = reverse("cooperation:admin_supplier", args=[supplier().pk])

    response = client.post(page, {})
    assert response.status_code == 200 and "Velg minst ett regelsett." in response.content.decode()

    assert client.post(page, {"rule_sets": ["medtek"]}).status_code == 302
    assert list(SupplierRuleSet.objects.values_list("rule_set", flat=True)) == ["medtek"]
    assert current_findings() == []
    # The earlier published versions keep theirs: the record of what was published. Only the current one moves.
    entry = AuditEntry.objects.filter(object_label__contains="rule sets").get()
    assert entry.detail == {"before": ["lmi", "medtek"], "after": ["medtek"]}


def test_a_position_of_trust_during_the_agreement_breaks_section_8_and_its_holder_is_never_public(client, admin):
    make_agreement("published")
    form = {
        "supplier": supplier().pk,
        "employee_name": "Kari Tillitsvalgt",
        "organisation": organisation().pk,
        "role": "styremedlem",
        "starts_on": "01.01.2020",
        "ends_on": "",
    }
    response = client.post(reverse("cooperation:admin_position_new"), form)

    assert response.status_code == 302
    assert current_findings() == ["medtek-8-position-of-trust"]
    listing = client.get(reverse("cooperation:admin_positions")).content.decode()
    assert "Kari Tillitsvalgt" in listing and ORGANISATION in listing and SUPPLIER in listing
    assert AuditEntry.objects.filter(action="read", object_label__contains="positions of trust").exists()

    client.logout()
    year = timezone.localdate().year
    for url in (
        reverse("cooperation:public"),
        reverse("cooperation:public_download", args=[year, "csv"]),
        reverse("cooperation:public_download", args=[year, "json"]),
        f"/api/v1/cooperation/public/{year}/agreements",
    ):
        body = client.get(url).content.decode("utf-8-sig")
        assert "Kari" not in body and "styremedlem" not in body, url

    log_in_verified(client, admin)
    position = PositionOfTrust.objects.get()
    # Ended the year before the agreement started: no longer a breach.
    form["ends_on"] = date(timezone.localdate().year - 1, 12, 31).strftime("%d.%m.%Y")
    assert client.post(reverse("cooperation:admin_position", args=[position.pk]), form).status_code == 302
    assert current_findings() == []
    form["ends_on"] = "01.01.2019"
    response = client.post(reverse("cooperation:admin_position", args=[position.pk]), form)
    assert "kan ikke slutte før" in response.content.decode()
    assert client.post(reverse("cooperation:admin_position_delete", args=[position.pk])).status_code == 302
    assert not PositionOfTrust.objects.exists()


def test_only_administrators_change_the_register_data_even_through_the_services():
    supplier()
    someone = UserFactory(
        username="leverandor", role="supplier_user", role__organisation=SUPPLIER, role__organisation_kind="supplier"
    )
    with pytest.raises(administration.AdministrationRefused):
        administration.budget_set(
            actor=principal_for(someone), organisation=organisation(), year=2026, amount=Decimal(1)
        )
    administration.budget_set(actor=SYSTEM, organisation=organisation(), year=2026, amount=Decimal(1))
    assert OrganisationBudget.objects.count() == 1
