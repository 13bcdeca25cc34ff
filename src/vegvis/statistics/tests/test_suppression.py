"""Small-number suppression (statistics/suppression.py): primary and secondary suppression over tables with totals.

The property tests play the reader who wants a hidden cell back: from every shown total and shown cell they
subtract (one line at a time), and they solve all the lines together; no hidden value may come out.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vegvis.statistics.suppression import SMALL_BELOW, Figures, Key, Protected, suppress_line, suppress_table

SMALLISH = st.one_of(st.integers(0, 6), st.integers(0, 40))


def lines_of(table: Protected) -> list[tuple[list[Key], Key]]:
    lines: list[tuple[list[Key], Key]] = []
    if table.row_totals:
        lines += [([("cell", r, c) for c in range(table.columns)], ("row", r, 0)) for r in range(table.rows)]
    if table.column_totals:
        lines += [([("cell", r, c) for r in range(table.rows)], ("column", 0, c)) for c in range(table.columns)]
    if table.row_totals and table.column_totals:
        lines.append(([("row", r, 0) for r in range(table.rows)], ("grand", 0, 0)))
        lines.append(([("column", 0, c) for c in range(table.columns)], ("grand", 0, 0)))
    return lines


def solvable(table: Protected, key: Key) -> bool:
    """The attacker's linear algebra: can the equations of all lines, shown values put in, fix ``key``?"""
    unknowns = sorted(table.hidden)
    rows = []
    for members, total in lines_of(table):
        row = [Fraction(1 if u in members else 0) - Fraction(1 if u == total else 0) for u in unknowns]
        if any(row):
            rows.append(row)
    target = [Fraction(1 if u == key else 0) for u in unknowns]
    return rank([*rows, target]) == rank(rows)


def rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    found = 0
    columns = len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((i for i in range(found, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            continue
        matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
        for i in range(len(matrix)):
            if i != found and matrix[i][column]:
                factor = matrix[i][column] / matrix[found][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[found], strict=True)]
        found += 1
    return found


def assert_protected(table: Protected, cells: list[list[int]], *, floor: int) -> None:
    # Shown values are the true ones; totals are the true totals.
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            assert table.cell(r, c) in (None, value)
            assert table.cell_hidden(r, c) == (table.cell(r, c) is None)
        if table.row_totals:
            assert table.row_total(r) in (None, sum(row))
    if table.column_totals:
        for c in range(table.columns):
            assert table.column_total(c) in (None, sum(row[c] for row in cells))
    for members, total in lines_of(table):
        if total in table.hidden:
            continue
        hidden = [m for m in members if m in table.hidden]
        # Never exactly one hidden cell beside a shown total: subtraction would give it back.
        assert len(hidden) != 1
        if hidden:
            # Nor hidden cells that can only all be at their least value (two hidden counts summing to 2).
            assert sum(table.values[m] for m in hidden) > floor * len(hidden)
    for key in table.hidden:
        assert not solvable(table, key), key


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 4).flatmap(lambda n: st.lists(st.lists(SMALLISH, min_size=n, max_size=n), min_size=1, max_size=4)),
    st.booleans(),
    st.booleans(),
)
def test_no_hidden_count_can_be_recomputed(cells: list[list[int]], row_totals: bool, column_totals: bool) -> None:
    table = suppress_table(cells, row_totals=row_totals, column_totals=column_totals)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if 1 <= value <= 4:
                assert table.cell_hidden(r, c)  # primary
            if value == 0 and table.cell_hidden(r, c):
                # A zero is hidden only as the last resort: a line through it had nothing else left to hide.
                row_left = any(cells[r][k] and not table.cell_hidden(r, k) for k in range(len(row))) or (
                    row_totals and not table.row_total_hidden(r)
                )
                column_left = any(cells[k][c] and not table.cell_hidden(k, c) for k in range(len(cells))) or (
                    column_totals and not table.column_total_hidden(c)
                )
                assert not (row_left and column_left), (r, c)
        if row_totals and 1 <= sum(row) <= 4:
            assert table.row_total_hidden(r)
    assert_protected(table, cells, floor=1)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(
            st.lists(st.tuples(SMALLISH, st.integers(0, 3_000_000)), min_size=n, max_size=n), min_size=1, max_size=3
        )
    ),
    st.booleans(),
)
def test_amounts_resting_on_hidden_counts_are_hidden_and_protected(
    pairs: list[list[tuple[int, int]]], column_totals: bool
) -> None:
    counts = [[count for count, _amount in row] for row in pairs]
    amounts = [[amount for _count, amount in row] for row in pairs]
    counted = suppress_table(counts, column_totals=column_totals)
    money = suppress_table(amounts, column_totals=column_totals, resting_on=counted)
    assert counted.hidden <= money.hidden
    assert_protected(money, amounts, floor=0)


def test_a_region_of_two_beside_regions_of_seven_and_nineteen():
    """The issue's table: 2, 7, 19 → the 2 and the next smallest (7) are hidden; the total 28 is shown."""
    table = suppress_line([2, 7, 19])
    assert [table.cell(0, c) for c in range(3)] == [None, None, 19]
    assert table.row_total(0) == 28


def test_zeros_are_shown_and_a_line_without_a_complement_hides_its_total():
    table = suppress_line([3, 0, 0])
    assert [table.cell(0, c) for c in range(3)] == [None, 0, 0]
    assert table.row_total_hidden(0)  # a total of 3 is a small number itself


def test_a_small_total_is_hidden_and_large_totals_are_shown():
    assert suppress_line([0, 0]).row_total(0) == 0
    assert suppress_line([40, 2]).row_total(0) == 42
    assert suppress_line([40, 2]).cell(0, 0) is None  # the complement of the 2


def test_two_hidden_ones_are_not_enough():
    """1 + 1 beside a total: the two hidden cells can only be 1 each, so a third is hidden."""
    table = suppress_line([1, 1, 30, 50])
    assert [table.cell(0, c) for c in range(4)] == [None, None, None, 50]


def test_the_threshold_is_configurable():
    assert suppress_line([6, 20], threshold=10).cell(0, 0) is None
    assert suppress_line([6, 20]).cell(0, 0) == 6


def test_a_two_way_table_hides_a_rectangle():
    table = suppress_table([[2, 10, 12], [9, 11, 13]], row_totals=True, column_totals=True)
    hidden_cells = sorted(k for k in table.hidden if k[0] == "cell")
    assert ("cell", 0, 0) in hidden_cells and len(hidden_cells) >= 4
    assert_protected(table, [[2, 10, 12], [9, 11, 13]], floor=1)


def test_amounts_rest_on_counts_of_the_same_shape():
    with pytest.raises(ValueError):
        suppress_line([1, 2], resting_on=suppress_line([1, 2, 3]))
    with pytest.raises(ValueError):
        suppress_line([-1, 2])


# ---------------------------------------------------------------- Figures: the rules applied to a nested dict


def figures_example() -> dict:
    return {
        "year": 2025,
        "per_region": {"a": 2, "b": 7, "c": 19},
        "received": 28,
        "costs": {"a": 100, "b": 700, "c": 1900},
        "hospitals": [{"name": "A", "count": 13}, {"name": "B", "count": 2}],
        "children": 3,
        "adults": 0,
    }


def test_figures_hide_a_line_and_its_complement_and_record_the_total_as_shown():
    data = figures_example()
    figures = Figures(data)
    counts = figures.line([f"per_region.{c}" for c in "abc"], total="received", name="per_region")
    figures.line([f"costs.{c}" for c in "abc"], name="costs", resting_on=counts)
    figures.line([f"hospitals.{i}.count" for i in range(2)])
    assert figures.hide_small("children") and not figures.hide_small("adults")
    out = figures.result(totals_key="totals")

    assert out["per_region"] == {"a": None, "b": None, "c": 19}
    assert out["received"] == 28  # a shown total is the true total
    assert out["costs"] == {"a": None, "b": None, "c": 1900}  # amounts hidden where their counts are
    assert out["hospitals"] == [{"name": "A", "count": None}, {"name": "B", "count": None}]
    assert out["children"] is None and out["adults"] == 0
    assert out["totals"] == {"per_region": 28, "costs": 2700}
    assert out["hidden"] == sorted(
        ["per_region.a", "per_region.b", "costs.a", "costs.b", "hospitals.0.count", "hospitals.1.count", "children"]
    )
    assert out["suppression"]["threshold"] == SMALL_BELOW
    assert data == figures_example()  # the figures as computed are left as they were
    assert figures.get("per_region.a") == 2 and figures.is_hidden("per_region.a")


def test_a_hidden_line_total_is_listed_and_hides_the_figure_it_stands_for():
    figures = Figures({"per_region": {"a": 3, "b": 0}, "received": 3})
    figures.line(["per_region.a", "per_region.b"], total="received", name="per_region")
    out = figures.result()
    assert out["received"] is None and out["line_totals"] == {"per_region": None}
    assert out["hidden"] == ["line_totals.per_region", "per_region.a", "received"]


def test_the_threshold_of_figures_is_configurable():
    figures = Figures({"n": {"a": 6, "b": 30}}, threshold=10)
    figures.line(["n.a", "n.b"])
    assert figures.result()["n"] == {"a": None, "b": None}
