"""The line validator every JSON Lines importer shares: reading the file, checking fields, naming each problem."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

from vegvis.imports.lines import ImportRefused, LineCheck, LineError, json_lines

TODAY = date(2024, 6, 1)


def check(number: int = 1) -> tuple[LineCheck, list[LineError]]:
    errors: list[LineError] = []
    return LineCheck(number, errors), errors


def test_lines_are_numbered_as_in_the_file_and_blank_ones_skipped():
    content = b'\xef\xbb\xbf{"a": 1}\r\n\n   \n{"b": 2}\n\xff\xfe\n'
    assert list(json_lines(content)) == [(1, '{"a": 1}'), (4, '{"b": 2}'), (5, None)]
    assert list(json_lines(b"")) == []


def test_a_line_that_cannot_be_read_is_named_with_what_is_wrong():
    line, errors = check(3)
    assert line.read(None) is None
    assert line.read('{"a": 1,') is None
    assert line.read("[1, 2]") is None
    assert line.read('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}") is None
    assert not line.ok
    assert [str(e) for e in errors] == [
        "Line 3: the line is not UTF-8 text; save the file as UTF-8",
        "Line 3: the line is not valid JSON (the error is at character 9)",
        "Line 3: the line must be a JSON object in braces {…}",
        "Line 3: the line has brackets nested too deep to read",
    ]


def test_the_importer_names_what_its_lines_hold():
    line, errors = check()
    line.read("7", not_an_object="one case per line")
    assert [e.message for e in errors] == ["one case per line"]


def test_amounts_written_as_bare_numbers_are_named_by_their_path():
    line, errors = check()
    assert line.read('{"amount": 1.5, "items": [{"x": 2}, {"x": 2.25}], "count": 3}') is None
    assert [(e.field, e.message.startswith("write amounts as text")) for e in errors] == [
        ("amount", True),
        ("items[2].x", True),
    ]
    line, errors = check()
    assert line.read('{"count": 3, "name": "x"}') == {"count": 3, "name": "x"}
    assert line.ok and not errors


def test_field_checks_collect_every_problem_of_a_line():
    line, errors = check(2)
    data = {
        "name": "  Kari  ",
        "blank": " ",
        "long": "x" * 11,
        "number": 5,
        "kind": "other",
        "day": "2024-02-30",
        "late": "2024-06-02",
        "us": "06/01/2024",
        "amount": "12500.50",
        "float": 12.5,
        "zero": "0.00",
        "cents": "1.234",
        "nested": [],
        "extra": 1,
    }
    assert line.text(data, "name", label="name", required=True) == "Kari"
    assert line.ok
    line.unknown_fields(data, frozenset(data) - {"extra"}, "case.")
    assert line.text(data, "blank", label="blank", required=True) == ""
    assert line.text(data, "long", label="long", max_length=10) == ""
    assert line.text(data, "number", label="number") == ""
    assert line.text(data, "missing", label="missing", required=True) == ""
    assert line.choice(data, "kind", ["a", "b"], label="kind", required=True) == ""
    assert line.date(data, "day", label="day", required=True, today=TODAY) is None
    assert line.date(data, "late", label="late", required=True, today=TODAY) is None
    assert line.date(data, "us", label="us", required=True, today=TODAY) is None
    assert line.date(data, "name", label="absent", required=False, today=TODAY) is None
    assert line.amount(data, "amount", label="amount", required=True) == Decimal("12500.50")
    assert line.amount(data, "float", label="float", required=True) is None
    assert line.amount(data, "zero", label="zero", required=True) is None
    assert line.amount(data, "cents", label="cents", required=True) is None
    assert line.obj(data["nested"], label="nested") is None
    assert not line.ok
    assert [(e.line, e.field, e.message) for e in errors] == [
        (2, "case.extra", "unknown field; check the spelling against the import guide"),
        (2, "blank", "is empty"),
        (2, "long", "is too long (at most 10 characters)"),
        (2, "number", "must be text in quotes"),
        (2, "missing", "is missing"),
        (2, "kind", "“other” is not allowed; write one of: a, b"),
        (2, "day", "“2024-02-30” is not a date that exists"),
        (2, "late", "2024-06-02 is in the future"),
        (2, "us", "must be a date written YYYY-MM-DD, for example 2020-02-03"),
        (2, "absent", "must be a date written YYYY-MM-DD, for example 2020-02-03"),
        (2, "float", 'must be an amount written as text in quotes, for example "12500.00"'),
        (2, "zero", "the amount must be above zero"),
        (
            2,
            "cents",
            "“1.234” is not an amount: use digits and at most two decimals after a point, e.g. 12500.00",
        ),
        (2, "nested", "must be an object in braces {…}"),
    ]


def test_each_problem_reads_in_norwegian_with_its_line_and_field():
    with translation.override("nb"):
        assert str(LineError(4, "hospital.country", "x")) == "Linje 4, hospital.country: x"
        assert str(LineError(4, "", "x")) == "Linje 4: x"
        assert str(LineError(0, "", "Filen er tom.")) == "Filen er tom."


def test_a_refusal_holds_every_problem_whether_from_a_line_or_the_whole_file():
    refused = ImportRefused([LineError(2, "name", "is missing"), "The file is not UTF-8 text."])
    assert refused.errors == [LineError(2, "name", "is missing"), LineError(0, "", "The file is not UTF-8 text.")]
    assert refused.problems == ["Line 2, name: is missing", "The file is not UTF-8 text."]
    assert str(refused) == "Line 2, name: is missing\nThe file is not UTF-8 text."
