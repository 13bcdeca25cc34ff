"""Statistics tables (statistics/tables.py): a table of counts with its totals shows ``HIDDEN`` exactly where the
suppression rules hide a figure, the true value everywhere else, and explains «skjult» in its footnote."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vegvis.statistics.numbers import NBSP, nb_number, percent, share
from vegvis.statistics.suppression import suppress_table
from vegvis.statistics.tables import HIDDEN, Column, Table, counts_table, figure_text, format_cell

COUNTS = st.integers(1, 4).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 30), min_size=n, max_size=n), min_size=1, max_size=4)
)


def assert_shown(value: object, hidden: bool, true: int) -> None:
    """A hidden figure is the marker, never a number; a shown one is the true figure."""
    if hidden:
        assert value is HIDDEN
    else:
        assert value == true


@settings(max_examples=150, deadline=None)
@given(COUNTS, st.booleans(), st.booleans())
def test_a_counts_table_shows_hidden_exactly_where_suppression_hides(
    cells: list[list[int]], row_totals: bool, column_totals: bool
) -> None:
    columns = [f"R{c}" for c in range(len(cells[0]))]
    labels = [f"row {r}" for r in range(len(cells))]
    table, protected = counts_table(
        key="t",
        caption="Counts",
        row_labels=labels,
        columns=columns,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total_label="Sum",
    )
    assert protected == suppress_table(cells, row_totals=row_totals, column_totals=column_totals)
    assert table.header == ["", *columns, *(["Sum"] if row_totals else [])]
    assert len(table.rows) == len(cells) + (1 if column_totals else 0)
    assert table.total_last == column_totals
    for r, row in enumerate(cells):
        shown = table.rows[r]
        assert shown[0] == labels[r]
        for c, value in enumerate(row):
            assert_shown(shown[1 + c], protected.cell_hidden(r, c), value)
        if row_totals:
            assert_shown(shown[-1], protected.row_total_hidden(r), sum(row))
    if column_totals:
        last = table.rows[-1]
        assert last[0] == "Sum"
        for c in range(len(columns)):
            assert_shown(last[1 + c], protected.column_total_hidden(c), sum(row[c] for row in cells))
        if row_totals:
            assert_shown(last[-1], ("grand", 0, 0) in protected.hidden, sum(map(sum, cells)))
    assert len(table.hidden_cells) == len(protected.hidden)
    assert ("skjult for å verne personvernet" in table.footnote) == bool(protected.hidden)


def test_the_issues_line_in_a_table():
    """2, 7, 19 per region: the 2 and its complement (the 7) are hidden; the true total 28 is shown."""
    table, _protected = counts_table(
        key="3.2", caption="Mottatte", row_labels=["Søknader"], columns=["A", "B", "C"], cells=[[2, 7, 19]]
    )
    assert table.rows == [["Søknader", HIDDEN, HIDDEN, 19, 28]]
    assert table.header[-1] == "Sum"  # «Total» in Norwegian
    assert table.hidden_cells == [(0, 1), (0, 2)]
    rendered = table.rendered_rows()[0]
    assert rendered == [("Søknader", False), ("skjult", True), ("skjult", True), ("19", True), ("28", True)]
    assert table.footnote.startswith("«skjult»: skjult for å verne personvernet")


def test_without_suppression_every_figure_is_shown():
    table, protected = counts_table(
        key="n", caption="National", row_labels=["x"], columns=["A", "B"], cells=[[1, 2]], suppress=False
    )
    assert table.rows == [["x", 1, 2, 3]] and not protected.hidden and table.footnote == ""


def test_amounts_rest_on_their_counts():
    _counts, counted = counts_table(key="c", caption="c", row_labels=["n"], columns=["A", "B"], cells=[[3, 20]])
    money, _ = counts_table(
        key="k",
        caption="kr",
        row_labels=["kr"],
        columns=["A", "B"],
        cells=[[900_000, 4_000_000]],
        kind="nok",
        resting_on=counted,
    )
    assert money.rows == [["kr", HIDDEN, HIDDEN, 4_900_000]]
    assert [c.kind for c in money.columns] == ["text", "nok", "nok", "nok"]


def test_cells_are_written_as_the_publication_writes_them():
    assert format_cell(22_623_000, "nok") == f"22{NBSP}623{NBSP}000"
    assert format_cell(22_623_000, "int", " ") == "22 623 000"
    assert format_cell(77, "percent") == f"77{NBSP}%"
    assert format_cell(None, "int") == "–"
    assert format_cell(HIDDEN, "nok") == "skjult"
    assert format_cell("Oslo", "text") == "Oslo"
    assert figure_text(None) == "skjult" and figure_text(1500) == "1 500"
    assert nb_number(None) == ""


def test_percentages_are_rounded_half_up():
    assert percent(155, 200) == 78  # 77.5
    assert percent(1, 3) == 33
    assert percent(1, 0) is None
    assert share(None, 10) is None and share(5, None) is None and share(5, 10) == 50


def test_a_table_is_consistent():
    with pytest.raises(ValueError):
        Column("x", "money")
    with pytest.raises(ValueError):
        Table("k", "s", "c", [Column("a", "text"), Column("b")], [["only one"]])
