"""Every rule of the contract and its edges, through the batch check's own entry point."""

from __future__ import annotations

import pytest
from django.utils import translation

from vegvis.cooperation.rules import RULE_SETS, RULES, AgreementRule, OrganisationRule
from vegvis.cooperation.tests.documents import (
    agreement,
    broken,
    check,
    document,
    event,
    logo_use,
    organisation,
    person,
    position,
    supplier,
)

CONTRACT_RULES = {
    "medtek": {
        "medtek-4-exclusivity": "§ 4",
        "medtek-5-logo": "§ 5",
        "medtek-6-written": "§ 6",
        "medtek-6-amount": "§ 6",
        "medtek-6-purpose": "§ 6",
        "medtek-7-representation": "§ 7",
        "medtek-7-abroad": "§ 7",
        "medtek-8-position-of-trust": "§ 8",
    },
    "lmi": {"lmi-signed-before-start", "lmi-transparency-clause", "lmi-market-value", "lmi-income-cap"},
}


def test_the_rule_sets_hold_exactly_the_contracts_rules_with_their_paragraphs():
    assert {rule.id: rule.paragraph for rule in RULE_SETS["medtek"].rules} == CONTRACT_RULES["medtek"]
    assert {rule.id for rule in RULE_SETS["lmi"].rules} == CONTRACT_RULES["lmi"]
    assert [rule.id for rule in RULE_SETS["lmi"].rules if isinstance(rule, OrganisationRule)] == ["lmi-income-cap"]
    assert len(RULES) == 12


def test_every_rule_says_what_is_wrong_in_norwegian():
    for rule in RULES.values():
        english = str(rule.sentence)
        with translation.override("nb"):
            norwegian = str(rule.sentence)
        assert norwegian and norwegian != english, rule.id


def test_a_compliant_agreement_breaks_nothing_and_the_output_has_the_contracts_shape():
    assert check(document()) == {"agreements": {"a-1": []}, "organisations": {}}


def test_an_empty_register_gives_empty_findings():
    assert check(document(organisations=[], suppliers=[], agreements=[])) == {"agreements": {}, "organisations": {}}


# ---------------------------------------------------------------- medtek § 4, § 6


def test_exclusivity():
    assert broken(exclusive=True) == ["medtek-4-exclusivity"]


def test_written():
    assert broken(written=False) == ["medtek-6-written"]


@pytest.mark.parametrize(
    ("amount", "in_kind", "expected"),
    [
        (None, None, ["medtek-6-amount"]),
        ("0.00", None, []),
        (None, "0", []),
        (None, "2500.00", []),
        ("100.00", "2500.00", []),
    ],
)
def test_amount_only_both_null_breaks(amount, in_kind, expected):
    assert broken(amount_nok=amount, in_kind_value_nok=in_kind) == expected


@pytest.mark.parametrize("purpose", ["", " ", "\t\n", "\u00a0\u2003"])
def test_a_blank_purpose_breaks(purpose):
    assert broken(purpose=purpose) == ["medtek-6-purpose"]


def test_a_null_or_left_out_purpose_is_missing():
    assert broken(purpose=None) == ["medtek-6-purpose"]
    without = agreement()
    del without["purpose"]
    assert check(document(agreements=[without]))["agreements"]["a-1"] == ["medtek-6-purpose"]


def test_a_purpose_of_one_character_is_stated():
    assert broken(purpose=" x ") == []


# ---------------------------------------------------------------- medtek § 5


@pytest.mark.parametrize(
    "use",
    [
        logo_use(approved_on=None),
        logo_use(purpose=""),
        logo_use(purpose="   "),
        logo_use(purpose=None),
        logo_use(manner=""),
        logo_use(manner="\n"),
        logo_use(manner=None),
    ],
)
def test_a_logo_use_unapproved_or_without_purpose_or_manner_breaks(use):
    assert broken(logo_uses=[use]) == ["medtek-5-logo"]


def test_logo_uses_approved_with_purpose_and_manner_or_none_at_all_break_nothing():
    assert broken(logo_uses=[]) == []
    assert broken(logo_uses=[logo_use(), logo_use(approved_on="2030-01-01")]) == []


def test_one_bad_logo_use_among_good_ones_breaks_the_rule_once():
    assert broken(logo_uses=[logo_use(), logo_use(manner=" "), logo_use(approved_on=None)]) == ["medtek-5-logo"]


# ---------------------------------------------------------------- medtek § 7


@pytest.mark.parametrize(
    "covers", [[], ["travel"], ["registration"], ["lodging"], ["meals"], ["travel", "registration", "lodging", "meals"]]
)
def test_representation_within_travel_registration_lodging_and_meals(covers):
    assert broken(event=event(covers=covers)) == []


@pytest.mark.parametrize("extra", ["entertainment", "gifts", "other"])
def test_representation_beyond_the_four_breaks(extra):
    assert broken(event=event(covers=["travel", extra])) == ["medtek-7-representation"]
    assert broken(event=event(covers=[extra])) == ["medtek-7-representation"]


def test_an_event_abroad_breaks_and_home_is_the_organisations_home_country():
    assert broken(event=event(country="SE")) == ["medtek-7-abroad"]
    swedish = document(
        organisations=[organisation(home_country="SE")],
        agreements=[agreement(event=event(country="SE"))],
    )
    assert check(swedish)["agreements"]["a-1"] == []
    swedish["agreements"][0]["event"]["country"] = "NO"
    assert check(swedish)["agreements"]["a-1"] == ["medtek-7-abroad"]


def test_no_event_no_event_rules():
    assert broken(event=None) == []


def test_an_event_abroad_with_gifts_breaks_both_rules_of_paragraph_7():
    assert broken(event=event(country="DK", covers=["gifts"])) == ["medtek-7-abroad", "medtek-7-representation"]


# ---------------------------------------------------------------- medtek § 8


def _trust(start: str, end: str | None, *, starts_on: str = "2025-02-01", ends_on: str | None = "2025-12-31") -> list:
    result = check(
        document(
            people=[person(positions=(position(start=start, end=end),))],
            agreements=[agreement(starts_on=starts_on, ends_on=ends_on)],
        )
    )
    return result["agreements"]["a-1"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-01-01", None, True),  # held all along
        ("2024-01-01", "2025-01-31", False),  # ended the day before the agreement starts
        ("2024-01-01", "2025-02-01", True),  # ended on the agreement's first day
        ("2025-12-31", None, True),  # taken on the agreement's last day
        ("2026-01-01", None, False),  # taken the day after it ends
        ("2025-06-01", "2025-06-01", True),  # one day inside the agreement
        ("2025-01-01", "2026-06-30", True),  # spans the whole agreement
    ],
)
def test_position_of_trust_during_the_agreement_both_ends_inclusive(start, end, expected):
    assert _trust(start, end) == (["medtek-8-position-of-trust"] if expected else [])


def test_an_open_ended_agreement_meets_a_position_taken_years_later():
    assert _trust("2040-01-01", "2040-01-01", ends_on=None) == ["medtek-8-position-of-trust"]
    assert _trust("2020-01-01", "2025-01-31", ends_on=None) == []


def test_a_one_day_agreement_on_the_positions_first_and_last_day():
    assert _trust("2025-03-01", "2025-03-10", starts_on="2025-03-01", ends_on="2025-03-01") != []
    assert _trust("2025-03-01", "2025-03-10", starts_on="2025-03-10", ends_on="2025-03-10") != []
    assert _trust("2025-03-01", "2025-03-10", starts_on="2025-03-11", ends_on="2025-03-11") == []


def test_only_the_suppliers_own_employees_and_only_in_this_organisation_count():
    result = check(
        document(
            organisations=[organisation("org-1"), organisation("org-2")],
            suppliers=[supplier("sup-1"), supplier("sup-2")],
            people=[
                person("p-1", employer="sup-2", positions=(position("org-1"),)),  # another supplier's employee
                person("p-2", employer="sup-1", positions=(position("org-2"),)),  # in another organisation
            ],
            agreements=[agreement("a-1"), agreement("a-2", supplier="sup-2"), agreement("a-3", organisation="org-2")],
        )
    )
    assert result["agreements"] == {
        "a-1": [],
        "a-2": ["medtek-8-position-of-trust"],
        "a-3": ["medtek-8-position-of-trust"],
    }


def test_a_person_with_several_positions_breaks_when_any_overlaps():
    people = [person(positions=(position(start="2020-01-01", end="2020-12-31"), position(start="2025-12-31")))]
    assert check(document(people=people))["agreements"]["a-1"] == ["medtek-8-position-of-trust"]


# ---------------------------------------------------------------- lmi, per agreement


@pytest.mark.parametrize(
    ("signed_on", "expected"),
    [
        (None, ["lmi-signed-before-start"]),
        ("2025-01-31", []),  # the day before
        ("2025-02-01", []),  # the day it starts: not later
        ("2025-02-02", ["lmi-signed-before-start"]),
    ],
)
def test_signed_before_start(signed_on, expected):
    assert broken(signed_on=signed_on) == expected


def test_transparency_clause_and_market_value():
    assert broken(transparency_clause=False) == ["lmi-transparency-clause"]
    assert broken(market_value_stated=False) == ["lmi-market-value"]


# ---------------------------------------------------------------- which rule sets apply

EVERYTHING_WRONG = {
    "exclusive": True,
    "written": False,
    "amount_nok": None,
    "in_kind_value_nok": None,
    "purpose": "  ",
    "signed_on": None,
    "transparency_clause": False,
    "market_value_stated": False,
    "event": event(country="SE", covers=["entertainment"]),
    "logo_uses": [logo_use(approved_on=None)],
}
MEDTEK_IDS = sorted(set(CONTRACT_RULES["medtek"]) - {"medtek-8-position-of-trust"})
LMI_IDS = ["lmi-market-value", "lmi-signed-before-start", "lmi-transparency-clause"]


def test_an_agreement_is_checked_against_its_suppliers_rule_sets_only():
    assert broken(("medtek",), **EVERYTHING_WRONG) == MEDTEK_IDS
    assert broken(("lmi",), **EVERYTHING_WRONG) == LMI_IDS
    assert broken(("lmi", "medtek"), **EVERYTHING_WRONG) == sorted(LMI_IDS + MEDTEK_IDS)


def test_the_list_is_sorted_lmi_before_medtek_and_holds_each_rule_once():
    found = broken(**{**EVERYTHING_WRONG, "logo_uses": [logo_use(purpose=""), logo_use(manner="")]})
    assert found == sorted(found) and len(found) == len(set(found))
    assert found[0].startswith("lmi-")


def test_each_agreement_with_its_own_suppliers_sets():
    result = check(
        document(
            suppliers=[supplier("med", ("medtek",)), supplier("pharma", ("lmi",))],
            agreements=[
                agreement("a-med", supplier="med", signed_on=None, exclusive=True),
                agreement("a-pharma", supplier="pharma", signed_on=None, exclusive=True),
            ],
        )
    )
    assert result["agreements"] == {"a-med": ["medtek-4-exclusivity"], "a-pharma": ["lmi-signed-before-start"]}


# ---------------------------------------------------------------- lmi income cap


def _cap(*agreements, budgets=None, rule_sets=("lmi",), suppliers=None):
    return check(
        document(
            organisations=[organisation(budgets={"2025": "100000.00"} if budgets is None else budgets)],
            suppliers=suppliers or [supplier(rule_sets=rule_sets)],
            agreements=[agreement(f"a-{n}", **fields) for n, fields in enumerate(agreements, 1)],
        )
    )["organisations"]


def test_exactly_15_per_cent_is_allowed_and_one_ore_more_is_not():
    assert _cap({"amount_nok": "15000.00"}) == {}
    assert _cap({"amount_nok": "15000.01"}) == {"org-1": {"2025": ["lmi-income-cap"]}}


def test_the_cap_sums_money_and_in_kind_values_with_null_as_zero():
    assert _cap({"amount_nok": "10000.00", "in_kind_value_nok": "5000.00"}) == {}
    assert _cap({"amount_nok": "10000.00", "in_kind_value_nok": "5000.01"}) != {}
    assert _cap({"amount_nok": None, "in_kind_value_nok": "15000.01"}) != {}
    assert _cap({"amount_nok": "15000.01", "in_kind_value_nok": None}) != {}
    assert _cap({"amount_nok": None, "in_kind_value_nok": None}) == {}


def test_the_cap_sums_all_the_years_agreements():
    assert _cap({"amount_nok": "7500.00"}, {"amount_nok": "7500.00"}) == {}
    assert _cap({"amount_nok": "7500.00"}, {"amount_nok": "7500.00"}, {"in_kind_value_nok": "0.01"}) != {}


def test_the_cap_counts_an_agreement_in_the_year_it_starts():
    over = {"amount_nok": "20000.00"}
    assert _cap({**over, "signed_on": "2024-12-01", "starts_on": "2024-12-31", "ends_on": "2025-12-31"}) == {}
    assert _cap({**over, "starts_on": "2025-01-01", "ends_on": "2025-01-01"}) != {}
    assert _cap({**over, "starts_on": "2025-12-31", "ends_on": None}) != {}
    assert _cap({**over, "starts_on": "2026-01-01", "ends_on": None}) == {}


def test_years_without_a_budget_are_not_judged():
    assert _cap({"amount_nok": "99999999.00"}, budgets={}) == {}
    assert _cap({"amount_nok": "99999999.00"}, budgets={"2024": "1.00", "2026": "1.00"}) == {}


def test_the_cap_counts_only_suppliers_bound_by_lmi():
    assert _cap({"amount_nok": "20000.00"}, rule_sets=("medtek",)) == {}
    assert _cap({"amount_nok": "20000.00"}, rule_sets=("medtek", "lmi")) != {}
    mixed = [supplier("med", ("medtek",)), supplier("pharma", ("lmi",))]
    assert (
        _cap(
            {"supplier": "med", "amount_nok": "90000.00"},
            {"supplier": "pharma", "amount_nok": "15000.00"},
            suppliers=mixed,
        )
        == {}
    )
    assert (
        _cap(
            {"supplier": "med", "amount_nok": "0.01"}, {"supplier": "pharma", "amount_nok": "15000.01"}, suppliers=mixed
        )
        != {}
    )


def test_a_zero_budget_is_broken_by_any_income():
    assert _cap({"amount_nok": "0.00"}, budgets={"2025": "0.00"}) == {}
    assert _cap({"amount_nok": "0.01"}, budgets={"2025": "0"}) != {}


def test_the_cap_is_exact_with_many_digits():
    budget = "1" + "0" * 40 + ".00000000000000000001"
    at_cap = "15" + "0" * 38 + ".0000000000000000000015"  # exactly 15 % of the budget
    assert _cap({"amount_nok": at_cap}, budgets={"2025": budget}) == {}
    assert _cap({"amount_nok": at_cap + "1"}, budgets={"2025": budget}) != {}


def test_only_organisations_and_years_that_break_are_listed_with_years_as_strings():
    result = check(
        document(
            organisations=[
                organisation("org-1", budgets={"2024": "1000.00", "2025": "1000.00", "2026": "1000.00"}),
                organisation("org-2", budgets={"2025": "1000.00"}),
            ],
            agreements=[
                agreement("a-1", starts_on="2024-03-01", signed_on="2024-02-01", amount_nok="151.00"),
                agreement("a-2", starts_on="2025-03-01", amount_nok="150.00"),
                agreement("a-3", starts_on="2026-03-01", ends_on=None, amount_nok="1000.00"),
                agreement("a-4", organisation="org-2", amount_nok="150.00"),
            ],
        )
    )
    assert result["organisations"] == {"org-1": {"2024": ["lmi-income-cap"], "2026": ["lmi-income-cap"]}}
    assert all(agreement_ids == [] for agreement_ids in result["agreements"].values())


def test_the_cap_does_not_mark_the_agreements():
    result = check(document(organisations=[organisation(budgets={"2025": "1.00"})]))
    assert result == {"agreements": {"a-1": []}, "organisations": {"org-1": {"2025": ["lmi-income-cap"]}}}


def test_every_agreement_rule_is_an_agreement_rule():
    for rule_set in RULE_SETS.values():
        for rule in rule_set.rules:
            assert isinstance(rule, AgreementRule) == (rule.id != "lmi-income-cap")
