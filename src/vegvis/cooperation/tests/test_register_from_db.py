"""The stored register is judged by the same `rules.evaluate()` as the batch check: the same data stored through
the services and given to `vegvis cooperation check` finds the same rules broken, agreement for agreement and
organisation-year for organisation-year."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from vegvis.access.principal import SYSTEM
from vegvis.cooperation import rules, selectors, services
from vegvis.cooperation.models import OrganisationBudget, PositionOfTrust, SupplierEmployee, SupplierRuleSet
from vegvis.cooperation.tests import documents as doc
from vegvis.core.models import Organisation

pytestmark = pytest.mark.django_db

DOCUMENT = doc.document(
    organisations=[doc.organisation("org-1", budgets={"2025": "400000.00"}), doc.organisation("org-2", name="Andre")],
    suppliers=[doc.supplier("sup-1"), doc.supplier("sup-2", rule_sets=("medtek",), name="Medtek AS")],
    people=[doc.person("p-1", employer="sup-2", positions=(doc.position("org-2", "2025-06-01", "2025-06-30"),))],
    agreements=[
        doc.agreement("a-1"),
        doc.agreement("a-2", exclusive=True, written=False, amount_nok=None, purpose=" "),
        doc.agreement(
            "a-3", signed_on=None, transparency_clause=False, amount_nok="50000.01", in_kind_value_nok="10000"
        ),
        doc.agreement(
            "a-4",
            supplier="sup-2",
            organisation="org-2",
            event=doc.event(country="SE", covers=["travel", "gifts"]),
            logo_uses=[doc.logo_use(approved_on=None)],
            market_value_stated=False,
            starts_on="2025-06-30",
            ends_on=None,
        ),
    ],
)


def _store(document: dict[str, Any]) -> dict[str, str]:
    """Store the contract document through the register's models and services; the agreements' pk → JSON id."""
    orgs = {
        o["id"]: Organisation.objects.create(
            kind=Organisation.Kind.PATIENT_ORGANISATION, name=o["name"], country=o["home_country"]
        )
        for o in document["organisations"]
    }
    for o in document["organisations"]:
        for year, amount in o["budgets"].items():
            OrganisationBudget.objects.create(organisation=orgs[o["id"]], year=int(year), amount=Decimal(amount))
    sups = {
        s["id"]: Organisation.objects.create(kind=Organisation.Kind.SUPPLIER, name=s["name"])
        for s in document["suppliers"]
    }
    for s in document["suppliers"]:
        for rule_set in s["rule_sets"]:
            SupplierRuleSet.objects.create(supplier=sups[s["id"]], rule_set=rule_set)
    for p in document["people"]:
        employee = SupplierEmployee.objects.create(supplier=sups[p["employer"]], name=p["id"])
        for pos in p["positions_of_trust"]:
            PositionOfTrust.objects.create(
                employee=employee,
                organisation=orgs[pos["organisation"]],
                role=pos["role"],
                starts_on=date.fromisoformat(pos["from"]),
                ends_on=date.fromisoformat(pos["to"]) if pos["to"] else None,
            )

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    def amount(text: str | None) -> Decimal | None:
        return Decimal(text) if text else None

    ids = {}
    for a in document["agreements"]:
        event = a["event"]
        stored = services.agreement_enter(
            actor=SYSTEM,
            data=services.AgreementData(
                supplier=sups[a["supplier"]],
                organisation=orgs[a["organisation"]],
                kind=a["kind"],
                third_party=a["third_party"] or "",
                written=a["written"],
                signed_on=day(a["signed_on"]),
                starts_on=day(a["starts_on"]),  # type: ignore[arg-type]
                ends_on=day(a["ends_on"]),
                amount_nok=amount(a["amount_nok"]),
                in_kind_value_nok=amount(a["in_kind_value_nok"]),
                purpose=a["purpose"],
                exclusive=a["exclusive"],
                transparency_clause=a["transparency_clause"],
                market_value_stated=a["market_value_stated"],
                event=services.EventData(event["name"], event["country"], tuple(event["covers"])) if event else None,
                logo_uses=tuple(
                    services.LogoUseData(day(u["approved_on"]), u["purpose"], u["manner"]) for u in a["logo_uses"]
                ),
            ),
        )
        ids[str(stored.pk)] = a["id"]
    return ids


def test_the_stored_register_breaks_the_same_rules_as_the_command_finds_in_the_file(tmp_path):
    path = tmp_path / "avtaler.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    out = io.StringIO()
    call_command("cooperation", "check", str(path), stdout=out)
    from_command = json.loads(out.getvalue())

    agreement_ids = _store(DOCUMENT)
    org_ids = {str(o.pk): o.name for o in Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)}
    org_json_id = {o["name"]: o["id"] for o in DOCUMENT["organisations"]}
    findings = rules.evaluate(selectors.register_from_db())

    assert {agreement_ids[pk]: ids for pk, ids in findings.agreements.items()} == from_command["agreements"]
    assert {org_json_id[org_ids[pk]]: years for pk, years in findings.organisations.items()} == from_command[
        "organisations"
    ]
    assert from_command["organisations"] == {"org-1": {"2025": ["lmi-income-cap"]}}  # the data do test the cap
    assert len({tuple(ids) for ids in from_command["agreements"].values()}) == 4
