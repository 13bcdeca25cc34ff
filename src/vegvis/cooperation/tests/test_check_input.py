"""The batch check refuses a document that breaks the contract, naming every problem with its JSON path."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from vegvis.cooperation.check import ContractViolation, check_file_content
from vegvis.cooperation.tests.documents import (
    agreement,
    check,
    document,
    encode,
    event,
    logo_use,
    organisation,
    person,
    position,
    supplier,
)


def problems(value) -> dict[str, str]:
    """path -> message of every problem, for a document or raw bytes."""
    content = value if isinstance(value, bytes) else encode(value)
    with pytest.raises(ContractViolation) as refused:
        check_file_content(content)
    found = {problem.path: problem.message for problem in refused.value.problems}
    assert len(found) == len(refused.value.problems), "one problem per path in these tests"
    return found


def one_agreement(**fields) -> dict:
    return document(agreements=[agreement(**fields)])


# ---------------------------------------------------------------- the document's frame


@pytest.mark.parametrize("value", [[], "text", 3, None, True])
def test_the_document_must_be_an_object(value):
    assert problems(value) == {"$": "must be an object in curly brackets"}


def test_every_list_is_required_and_must_be_a_list():
    assert problems({}) == dict.fromkeys(("organisations", "suppliers", "people", "agreements"), "is missing")
    found = problems({"organisations": {}, "suppliers": None, "people": "p-1", "agreements": [3]})
    assert found == {
        "organisations": "must be a list in square brackets",
        "suppliers": "may not be null",
        "people": "must be a list in square brackets",
        "agreements[0]": "must be an object in curly brackets",
    }


def test_fields_the_contract_does_not_name_are_accepted_and_ignored():
    extended = document(
        organisations=[organisation(org_no="987654321")],
        suppliers=[supplier(country="NO")],
        people=[{**person(positions=(position(),)), "name": "x"}],
        agreements=[agreement(event=event(note="x"), logo_uses=[logo_use(extra=1)], comment={"a": [1]})],
    )
    extended["version"] = 2
    assert check(extended) == check(document(people=[person(positions=(position(),))]))


# ---------------------------------------------------------------- missing, null, wrong types

AGREEMENT_REQUIRED = [
    "id", "supplier", "organisation", "third_party", "kind", "written", "signed_on", "starts_on", "ends_on",
    "amount_nok", "in_kind_value_nok", "exclusive", "transparency_clause", "market_value_stated", "event",
    "logo_uses",
]  # fmt: skip


@pytest.mark.parametrize("field", AGREEMENT_REQUIRED)
def test_every_agreement_field_is_required(field):
    incomplete = agreement()
    del incomplete[field]
    assert problems(document(agreements=[incomplete])) == {f"agreements[0].{field}": "is missing"}


@pytest.mark.parametrize(
    ("entry", "field", "path"),
    [
        (organisation(), "id", "organisations[0].id"),
        (organisation(), "home_country", "organisations[0].home_country"),
        (organisation(), "budgets", "organisations[0].budgets"),
        (supplier(), "id", "suppliers[0].id"),
        (supplier(), "rule_sets", "suppliers[0].rule_sets"),
    ],
)
def test_organisation_and_supplier_fields_are_required(entry, field, path):
    del entry[field]
    found = problems(document(organisations=[entry]) if path.startswith("org") else document(suppliers=[entry]))
    assert found[path] == "is missing"


def test_person_and_position_fields_are_required():
    held = position()
    del held["to"]
    found = problems(
        document(people=[{"id": "p-1", "employer": "sup-1", "positions_of_trust": [held, {}]}, {"id": "p-2"}])
    )
    assert found == {
        "people[0].positions_of_trust[0].to": "is missing",
        "people[0].positions_of_trust[1].organisation": "is missing",
        "people[0].positions_of_trust[1].from": "is missing",
        "people[0].positions_of_trust[1].to": "is missing",
        "people[1].employer": "is missing",
        "people[1].positions_of_trust": "is missing",
    }


def test_event_and_logo_use_fields():
    found = problems(one_agreement(event={"covers": "travel"}, logo_uses=[{}, 5]))
    assert found == {
        "agreements[0].event.country": "is missing",
        "agreements[0].event.covers": "must be a list in square brackets",
        "agreements[0].logo_uses[0].approved_on": "is missing",
        "agreements[0].logo_uses[1]": "must be an object in curly brackets",
    }


def test_names_and_roles_no_rule_reads_may_be_left_out_or_null_but_are_text_when_given():
    bare = document(
        organisations=[{"id": "org-1", "home_country": "NO", "budgets": {}}],
        suppliers=[{"id": "sup-1", "name": None, "rule_sets": ["medtek"]}],
        people=[person(positions=({"organisation": "org-1", "from": "2030-01-01", "to": None},))],
        agreements=[agreement(event={"country": "NO", "covers": []})],
    )
    assert check(bare) == {"agreements": {"a-1": []}, "organisations": {}}
    found = problems(
        document(
            organisations=[organisation(name=1)],
            suppliers=[supplier(name=["x"])],
            people=[person(positions=({**position(), "role": 2},))],
            agreements=[agreement(event=event(name=False))],
        )
    )
    assert found == {
        "organisations[0].name": "must be text in quotes",
        "suppliers[0].name": "must be text in quotes",
        "people[0].positions_of_trust[0].role": "must be text in quotes",
        "agreements[0].event.name": "must be text in quotes",
    }


@pytest.mark.parametrize(
    "field", ["id", "supplier", "organisation", "kind", "written", "starts_on", "exclusive", "event.covers"]
)
def test_null_only_where_the_contract_allows_it(field):
    if field == "event.covers":
        found = problems(one_agreement(event=event(covers=None)))
    else:
        found = problems(one_agreement(**{field: None}))
    assert found == {f"agreements[0].{field}": "may not be null"}


def test_null_where_the_contract_allows_it():
    found = check(
        document(
            people=[person(positions=(position("org-1", "2000-01-01", None),))],
            agreements=[
                agreement(
                    third_party=None,
                    signed_on=None,
                    ends_on=None,
                    amount_nok=None,
                    in_kind_value_nok=None,
                    purpose=None,
                    event=None,
                    logo_uses=[logo_use(approved_on=None, purpose=None, manner=None)],
                )
            ],
        )
    )["agreements"]["a-1"]
    assert found == [
        "lmi-signed-before-start",
        "medtek-5-logo",
        "medtek-6-amount",
        "medtek-6-purpose",
        "medtek-8-position-of-trust",
    ]


@pytest.mark.parametrize("value", [1, 0, "true", "false", "ja", []])
@pytest.mark.parametrize("field", ["written", "exclusive", "transparency_clause", "market_value_stated"])
def test_booleans_are_true_or_false(field, value):
    assert problems(one_agreement(**{field: value})) == {f"agreements[0].{field}": "must be true or false"}


@pytest.mark.parametrize(("field", "value"), [("id", 1), ("third_party", 5), ("purpose", ["x"]), ("kind", True)])
def test_text_fields_must_be_text(field, value):
    assert problems(one_agreement(**{field: value})) == {f"agreements[0].{field}": "must be text in quotes"}


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize("value", [50000.0, 50000, 0, 1e3, True, ["1"], {"nok": "1"}, [[[[["1"]]]]]])
def test_an_amount_given_as_a_json_number_or_anything_but_text_is_refused(value):
    message = problems(one_agreement(amount_nok=value))["agreements[0].amount_nok"]
    assert message.startswith('must be an amount written as text in quotes, e.g. "12500.00"')


@pytest.mark.parametrize(
    "value",
    ["", " ", "12,50", "1e3", "1E+3", " 12.00", "12.00 ", "12.00\n", "12.", ".5", "+5", "NaN", "Infinity",
     "1_000", "1 000", "12.5.0", "kr 12", "١٢", "０"],
)  # fmt: skip
def test_a_text_that_is_not_a_plain_decimal_is_refused(value):
    message = problems(one_agreement(in_kind_value_nok=value))["agreements[0].in_kind_value_nok"]
    assert "is not an amount" in message


@pytest.mark.parametrize("value", ["-5.00", "-0", "-0.01"])
def test_negative_amounts_are_refused(value):
    message = problems(one_agreement(amount_nok=value))["agreements[0].amount_nok"]
    assert message == f'an amount may not be negative: "{value}"'


@pytest.mark.parametrize(
    "value", ["0", "12500", "12500.5", "12500.00", "0.001", "007.10", "99999999999999999999999.99"]
)
def test_plain_decimals_are_amounts(value):
    assert check(one_agreement(amount_nok=value, in_kind_value_nok=value))["agreements"]["a-1"] == []
    assert check(document(organisations=[organisation(budgets={"2025": value})]))["agreements"]["a-1"] == []


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value",
    [
        "2025-1-10",
        "20250110",
        "2025-01-10T00:00",
        "2025-01-10 ",
        "10.01.2025",
        "2025-W02-5",
        "",
        20250110,
        "2025/01/10",
    ],
)
def test_dates_are_written_yyyy_mm_dd(value):
    message = problems(one_agreement(signed_on=value))["agreements[0].signed_on"]
    assert message.startswith("must be a date written YYYY-MM-DD")


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "2025-00-10", "0000-01-01", "2023-02-29"])
def test_dates_must_exist(value):
    assert problems(one_agreement(signed_on=value)) == {
        "agreements[0].signed_on": f"“{value}” is not a date that exists"
    }


def test_a_leap_day_is_a_date():
    assert check(one_agreement(signed_on="2024-02-29"))["agreements"]["a-1"] == []


def test_a_period_may_not_end_before_it_starts_but_may_end_the_day_it_starts():
    assert problems(one_agreement(starts_on="2025-02-01", ends_on="2025-01-31")) == {
        "agreements[0].ends_on": "2025-01-31 is before the start of the period, 2025-02-01"
    }
    assert check(one_agreement(starts_on="2025-02-01", ends_on="2025-02-01"))["agreements"]["a-1"] == []
    found = problems(document(people=[person(positions=(position(start="2025-01-02", end="2025-01-01"),))]))
    assert list(found) == ["people[0].positions_of_trust[0].to"]


# ---------------------------------------------------------------- codes and choices


@pytest.mark.parametrize("value", ["no", "No", "NOR", "N", "XX", "ZZ", "EU", "UK", "N0", "", " NO", 578])
def test_country_codes_are_iso_3166_alpha_2(value):
    found = problems(
        document(organisations=[organisation(home_country=value)], agreements=[agreement(event=event(country=value))])
    )
    assert set(found) == {"organisations[0].home_country", "agreements[0].event.country"}


@pytest.mark.parametrize("value", ["SE", "DK", "GL", "AX", "SJ", "US"])
def test_assigned_country_codes_are_accepted(value):
    assert check(one_agreement(event=event(country=value)))["agreements"]["a-1"] == ["medtek-7-abroad"]


def test_unknown_kinds_covers_and_rule_sets_are_refused():
    found = problems(
        document(
            suppliers=[supplier(rule_sets=("medtek", "LMI", 3))],
            agreements=[agreement(kind="gift", event=event(covers=["travel", "hotel", None]))],
        )
    )
    assert found == {
        "suppliers[0].rule_sets[1]": "“LMI” is not allowed; write one of: medtek, lmi",
        "suppliers[0].rule_sets[2]": "must be text in quotes",
        "agreements[0].kind": (
            "“gift” is not allowed; write one of: financial_support, purchase_of_services, advertising, event_support"
        ),
        "agreements[0].event.covers[1]": (
            "“hotel” is not allowed; write one of: travel, registration, lodging, meals, entertainment, gifts, other"
        ),
        "agreements[0].event.covers[2]": "must be text in quotes",
    }


@pytest.mark.parametrize("kind", ["financial_support", "purchase_of_services", "advertising", "event_support"])
def test_every_rule_applies_to_every_kind(kind):
    assert check(one_agreement(kind=kind, exclusive=True, signed_on=None))["agreements"]["a-1"] == [
        "lmi-signed-before-start",
        "medtek-4-exclusivity",
    ]


def test_a_supplier_is_bound_by_at_least_one_rule_set():
    assert problems(document(suppliers=[supplier(rule_sets=())])) == {
        "suppliers[0].rule_sets": "must name at least one rule set: medtek, lmi"
    }


def test_a_rule_set_named_twice_counts_once():
    assert check(document(suppliers=[supplier(rule_sets=("lmi", "lmi"))])) == check(document())


@pytest.mark.parametrize("year", ["25", "2025a", "0000", "", " 2025", "20255", "٢٠٢٥"])
def test_budget_keys_are_years(year):
    found = problems(document(organisations=[organisation(budgets={year: "1.00", "2025": "1.00"})]))
    assert found == {
        f"organisations[0].budgets[{json.dumps(year, ensure_ascii=False)}]": (
            'is not a year: write the year with four digits, e.g. "2025"'
        )
    }


def test_budget_values_are_amounts_and_budgets_an_object():
    found = problems(
        document(organisations=[organisation(budgets={"2025": None, "2026": 4e6}), organisation("o2", budgets=[])])
    )
    assert set(found) == {
        'organisations[0].budgets["2025"]',
        'organisations[0].budgets["2026"]',
        "organisations[1].budgets",
    }


# ---------------------------------------------------------------- ids and references


def test_ids_are_unique_within_their_list_only():
    found = problems(
        document(
            organisations=[organisation("x"), organisation("x")],
            suppliers=[supplier("x")],
            people=[person("x", employer="x"), person("p", employer="x"), person("x", employer="x")],
            agreements=[agreement("x", supplier="x", organisation="x"), agreement("x", supplier="x", organisation="x")],
        )
    )
    assert found == {
        "organisations[1].id": "the id “x” is already used by organisations[0]",
        "people[2].id": "the id “x” is already used by people[0]",
        "agreements[1].id": "the id “x” is already used by agreements[0]",
    }


def test_references_name_an_id_of_the_list_they_point_into():
    found = problems(
        document(
            people=[person(employer="org-1", positions=(position("sup-1"),))],
            agreements=[agreement(supplier="org-1", organisation="p-1")],
        )
    )
    assert found == {
        "people[0].employer": "“org-1” is not the id of any entry in suppliers",
        "people[0].positions_of_trust[0].organisation": "“sup-1” is not the id of any entry in organisations",
        "agreements[0].supplier": "“org-1” is not the id of any entry in suppliers",
        "agreements[0].organisation": "“p-1” is not the id of any entry in organisations",
    }


def test_a_reference_to_an_entry_that_is_itself_bad_is_not_a_second_problem():
    found = problems(document(suppliers=[supplier(rule_sets=("pharma",))]))
    assert list(found) == ["suppliers[0].rule_sets[0]"]


# ---------------------------------------------------------------- every problem at once, one line each


def test_every_problem_is_named_at_once():
    found = problems(
        document(
            organisations=[organisation(home_country="Norge", budgets={"2025": 1})],
            agreements=[
                agreement(signed_on="2025-02-30", amount_nok=50000.0),
                agreement("a-2", kind="gave", logo_uses=[logo_use(approved_on="i går")]),
            ],
        )
    )
    assert set(found) == {
        "organisations[0].home_country",
        'organisations[0].budgets["2025"]',
        "agreements[0].signed_on",
        "agreements[0].amount_nok",
        "agreements[1].kind",
        "agreements[1].logo_uses[0].approved_on",
    }


@pytest.mark.parametrize("breaking", ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_a_problem_is_one_line_even_when_the_values_hold_line_breaks(breaking):
    text = f"a{breaking}b"
    content = encode(
        document(
            organisations=[organisation(text, home_country=text, budgets={text: "1"})],
            suppliers=[supplier(rule_sets=(text,))],
            agreements=[agreement(text, supplier=text, kind=text, amount_nok=text), agreement(text)],
        )
    )
    with pytest.raises(ContractViolation) as refused:
        check_file_content(content)
    lines = [str(problem) for problem in refused.value.problems]
    assert len(lines) == 9  # the six bad values, the repeated id, and the two agreements naming org-1
    assert all(len(line.splitlines()) == 1 for line in lines), lines


def test_problems_are_in_norwegian_under_bokmal():
    with translation.override("nb"):
        found = problems(one_agreement(written="ja", starts_on=None, kind="gave"))
    assert found == {
        "agreements[0].kind": "«gave» er ikke tillatt; skriv én av disse: "
        "financial_support, purchase_of_services, advertising, event_support",
        "agreements[0].written": "må være true eller false",
        "agreements[0].starts_on": "kan ikke være null",
    }


# ---------------------------------------------------------------- the file itself


def test_a_key_given_twice_is_a_problem_wherever_it_is():
    raw = json.dumps(one_agreement(event=event())).replace('"country": "NO"', '"country": "NO", "country": "SE"')
    assert problems(raw.encode()) == {
        "agreements[0].event.country": "the key is given more than once in the same object"
    }
    twice_at_top = b'{"people": [], ' + encode(document())[1:]
    assert problems(twice_at_top) == {"people": "the key is given more than once in the same object"}
    odd_key = b'{"a b": 1, "a b": 2, ' + encode(document())[1:]
    assert problems(odd_key) == {'$["a b"]': "the key is given more than once in the same object"}


@pytest.mark.parametrize(
    ("content", "start"),
    [
        (b"", "the file is not valid JSON: Expecting value at line 1, column 1"),
        (b'{"organisations": [', "the file is not valid JSON"),
        (b"{} {}", "the file is not valid JSON: Extra data"),
        (b'{"a": NaN}', "the file is not valid JSON: NaN is not a JSON value"),
        (b'{"a": -Infinity}', "the file is not valid JSON: -Infinity is not a JSON value"),
        (b"{'a': 1}", "the file is not valid JSON"),
        (b"\xff\xfe{\x00}\x00", "the file is not UTF-8 text (byte 1)"),
        ('{"navn": "Bjørn"}'.encode("latin-1"), "the file is not UTF-8 text (byte 13)"),
        (b"[" * 100_000 + b"]" * 100_000, "the file is nested too deeply to be read"),
        (b'{"organisations": ' + b"9" * 5000 + b"}", "the file holds a number too long to read"),
    ],
)
def test_a_file_that_is_not_utf8_json_is_one_problem_at_the_root(content, start):
    found = problems(content)
    assert list(found) == ["$"] and found["$"].startswith(start)


def test_a_utf8_byte_order_mark_is_allowed():
    assert check_file_content(b"\xef\xbb\xbf" + encode(document())) == check(document())
