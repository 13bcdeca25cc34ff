"""Properties of the check over generated registers, against oracles written another way than the rules."""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.cooperation.rules import RULE_SETS
from vegvis.cooperation.tests.documents import check

DAY0 = date(2024, 11, 1)
HORIZON = date(2027, 12, 31)  # open ends reach beyond every generated day
COUNTRIES = ("NO", "SE", "DK")
COVERS = ("travel", "registration", "lodging", "meals", "entertainment", "gifts", "other")
SETS = {"medtek", "lmi"}


def days(draw: Any, *, nullable: bool, after: date | None = None) -> date | None:
    if nullable and draw(st.booleans()):
        return None
    start = after or DAY0
    return start + timedelta(days=draw(st.integers(0, 500 if after is None else 200)))


def amount(draw: Any, *, nullable: bool = True) -> str | None:
    if nullable and draw(st.integers(0, 3)) == 0:
        return None
    return f"{draw(st.integers(0, 300_000))}.{draw(st.integers(0, 99)):02d}"


@st.composite
def registers(draw: Any) -> dict[str, Any]:
    org_ids = [f"org-{n}" for n in range(draw(st.integers(1, 3)))]
    sup_ids = [f"sup-{n}" for n in range(draw(st.integers(1, 3)))]
    organisations = [
        {
            "id": org,
            "name": org,
            "home_country": draw(st.sampled_from(COUNTRIES)),
            "budgets": {
                str(year): f"{draw(st.integers(0, 2_000_000))}.00"
                for year in draw(st.sets(st.sampled_from([2024, 2025, 2026, 2027])))
            },
        }
        for org in org_ids
    ]
    suppliers = [
        {"id": sup, "name": sup, "rule_sets": sorted(draw(st.sets(st.sampled_from(sorted(SETS)), min_size=1)))}
        for sup in sup_ids
    ]
    people = []
    for n in range(draw(st.integers(0, 3))):
        positions = []
        for _ in range(draw(st.integers(0, 2))):
            start = days(draw, nullable=False)
            end = days(draw, nullable=True, after=start)
            positions.append(
                {
                    "organisation": draw(st.sampled_from(org_ids)),
                    "role": "styremedlem",
                    "from": start.isoformat(),  # type: ignore[union-attr]
                    "to": end and end.isoformat(),
                }
            )
        people.append({"id": f"p-{n}", "employer": draw(st.sampled_from(sup_ids)), "positions_of_trust": positions})
    agreements = []
    for n in range(draw(st.integers(0, 6))):
        starts_on = days(draw, nullable=False)
        ends_on = days(draw, nullable=True, after=starts_on)
        signed_on = days(draw, nullable=True, after=starts_on - timedelta(days=3))  # type: ignore[operator]
        agreements.append(
            {
                "id": f"a-{n}",
                "supplier": draw(st.sampled_from(sup_ids)),
                "organisation": draw(st.sampled_from(org_ids)),
                "third_party": draw(st.sampled_from([None, "Byrå AS"])),
                "kind": draw(
                    st.sampled_from(["financial_support", "purchase_of_services", "advertising", "event_support"])
                ),
                "written": draw(st.booleans()),
                "signed_on": signed_on and signed_on.isoformat(),
                "starts_on": starts_on.isoformat(),  # type: ignore[union-attr]
                "ends_on": ends_on and ends_on.isoformat(),
                "amount_nok": amount(draw),
                "in_kind_value_nok": amount(draw),
                "purpose": draw(st.sampled_from([None, "", "  ", "Kurs"])),
                "exclusive": draw(st.booleans()),
                "transparency_clause": draw(st.booleans()),
                "market_value_stated": draw(st.booleans()),
                "event": draw(
                    st.none()
                    | st.fixed_dictionaries(
                        {
                            "name": st.just("Møte"),
                            "country": st.sampled_from(COUNTRIES),
                            "covers": st.lists(st.sampled_from(COVERS), max_size=3),
                        }
                    )
                ),
                "logo_uses": draw(
                    st.lists(
                        st.fixed_dictionaries(
                            {
                                "approved_on": st.sampled_from([None, "2025-01-01"]),
                                "purpose": st.sampled_from([None, "", " ", "Brosjyre"]),
                                "manner": st.sampled_from([None, "", "\t", "Logo"]),
                            }
                        ),
                        max_size=2,
                    )
                ),
            }
        )
    return {"organisations": organisations, "suppliers": suppliers, "people": people, "agreements": agreements}


SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _period(start: str, end: str | None) -> set[date]:
    first, last = date.fromisoformat(start), date.fromisoformat(end) if end else HORIZON
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


@SETTINGS
@given(registers())
def test_every_agreement_has_a_sorted_list_of_its_suppliers_rules(register):
    result = check(register)
    assert list(result) == ["agreements", "organisations"]
    assert set(result["agreements"]) == {agreement["id"] for agreement in register["agreements"]}
    rule_sets = {supplier["id"]: supplier["rule_sets"] for supplier in register["suppliers"]}
    for agreement in register["agreements"]:
        found = result["agreements"][agreement["id"]]
        allowed = {rule.id for name in rule_sets[agreement["supplier"]] for rule in RULE_SETS[name].rules}
        assert found == sorted(set(found)) and set(found) <= allowed - {"lmi-income-cap"}


@SETTINGS
@given(registers())
def test_positions_of_trust_against_a_day_by_day_oracle(register):
    result = check(register)
    for agreement in register["agreements"]:
        period = _period(agreement["starts_on"], agreement["ends_on"])
        expected = "medtek" in next(s for s in register["suppliers"] if s["id"] == agreement["supplier"])[
            "rule_sets"
        ] and any(
            person["employer"] == agreement["supplier"]
            and position["organisation"] == agreement["organisation"]
            and period & _period(position["from"], position["to"])
            for person in register["people"]
            for position in person["positions_of_trust"]
        )
        assert ("medtek-8-position-of-trust" in result["agreements"][agreement["id"]]) == bool(expected)


@SETTINGS
@given(registers())
def test_the_income_cap_against_an_oracle_in_fractions(register):
    lmi = {supplier["id"] for supplier in register["suppliers"] if "lmi" in supplier["rule_sets"]}
    expected: dict[str, dict[str, list[str]]] = {}
    for organisation in register["organisations"]:
        for year, budget in organisation["budgets"].items():
            income = sum(
                Fraction(agreement["amount_nok"] or 0) + Fraction(agreement["in_kind_value_nok"] or 0)
                for agreement in register["agreements"]
                if agreement["organisation"] == organisation["id"]
                and agreement["supplier"] in lmi
                and agreement["starts_on"].startswith(year)
            )
            if income > Fraction(budget) * Fraction(15, 100):
                expected.setdefault(organisation["id"], {})[year] = ["lmi-income-cap"]
    found = check(register)["organisations"]
    assert found == expected
    assert all(list(years) == sorted(years) for years in found.values())


@SETTINGS
@given(registers(), st.randoms(use_true_random=False))
def test_the_order_of_the_lists_does_not_change_the_findings(register, shuffle: random.Random):
    before = check(register)
    for name in ("organisations", "suppliers", "people", "agreements"):
        shuffle.shuffle(register[name])
    after = check(register)
    assert after["agreements"] == before["agreements"]
    assert after["organisations"] == before["organisations"]
