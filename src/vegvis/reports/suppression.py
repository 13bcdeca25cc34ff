"""Small-number suppression: one function over a table of counts (or amounts) with its row and column totals.

Rules (docs/modules/reports.md, "Small numbers"):

1. *Primary*: a count of 1 to ``threshold - 1`` (1–4) is hidden, whether it is a cell or a total. Zero is shown:
   "nobody" identifies no one, and hiding zeros would hide most of a small office's table.
2. *Secondary*: a hidden cell must not be recomputable from a shown total and the shown cells. In a line (a row
   with its total, a column with its total, the totals with the grand total) whose total is shown, exactly one
   hidden cell, or hidden cells that can only be at their least possible value, would give it away: the smallest
   shown non-zero cell of the line is hidden too ("complementary" suppression), or the total when the line has no
   such cell; a zero is hidden only as the last resort, when the lines through a value that must be protected have
   no shown non-zero cell and no shown total left. Then the lines are solved together (every line is an
   equation): a hidden value that the equations still determine gets another complement. Repeat until nothing
   changes.
3. *Amounts* resting on counts (the cost of the referrals in a cell) are hidden wherever the count is, then
   protected by rule 2 among themselves.

Shown values are never changed: a shown total is the true total, also when some of its cells are hidden.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

SMALL_BELOW = 5  # counts of 1–4 are hidden

Key = tuple[str, int, int]  # ("cell", row, column), ("row", row, 0), ("column", 0, column), ("grand", 0, 0)


@dataclass(frozen=True)
class Line:
    members: tuple[Key, ...]
    total: Key


@dataclass(frozen=True)
class Protected:
    """A table after suppression: the true values, and which of them are hidden."""

    values: dict[Key, int]
    hidden: frozenset[Key]
    rows: int
    columns: int
    row_totals: bool
    column_totals: bool

    def shown(self, key: Key) -> int | None:
        return None if key in self.hidden else self.values[key]

    def cell(self, row: int, column: int) -> int | None:
        return self.shown(("cell", row, column))

    def cell_hidden(self, row: int, column: int) -> bool:
        return ("cell", row, column) in self.hidden

    def row_total(self, row: int) -> int | None:
        return self.shown(("row", row, 0))

    def row_total_hidden(self, row: int) -> bool:
        return ("row", row, 0) in self.hidden

    def column_total(self, column: int) -> int | None:
        return self.shown(("column", 0, column))

    def column_total_hidden(self, column: int) -> bool:
        return ("column", 0, column) in self.hidden


def suppress_table(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = False,
    threshold: int = SMALL_BELOW,
    resting_on: Protected | None = None,
) -> Protected:
    """Suppress a table of non-negative whole numbers shown with its row totals and/or column totals.

    Counts: primary suppression of 1 to ``threshold - 1``, then secondary suppression. Amounts: pass the
    protected table of the counts they rest on as ``resting_on`` (same shape); its hidden cells and totals are
    hidden here, then secondary suppression protects them among the amounts.
    """
    rows = len(cells)
    columns = len(cells[0]) if rows else 0
    if any(len(row) != columns for row in cells):
        raise ValueError("every row needs the same number of cells")
    if any(value < 0 for row in cells for value in row):
        raise ValueError("counts and amounts are never negative")
    values: dict[Key, int] = {}
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            values[("cell", r, c)] = int(value)
    lines: list[Line] = []
    if row_totals:
        for r in range(rows):
            values[("row", r, 0)] = sum(int(v) for v in cells[r])
            lines.append(Line(tuple(("cell", r, c) for c in range(columns)), ("row", r, 0)))
    if column_totals:
        for c in range(columns):
            values[("column", 0, c)] = sum(int(cells[r][c]) for r in range(rows))
            lines.append(Line(tuple(("cell", r, c) for r in range(rows)), ("column", 0, c)))
    if row_totals and column_totals:
        values[("grand", 0, 0)] = sum(values[("row", r, 0)] for r in range(rows))
        lines.append(Line(tuple(("row", r, 0) for r in range(rows)), ("grand", 0, 0)))
        lines.append(Line(tuple(("column", 0, c) for c in range(columns)), ("grand", 0, 0)))

    if resting_on is None:
        hidden = {key for key, value in values.items() if 1 <= value < threshold}
        floor = 1  # zeros are shown, so a hidden count is at least 1
    else:
        if (resting_on.rows, resting_on.columns) != (rows, columns):
            raise ValueError("an amount table rests on a count table of the same shape")
        hidden = {key for key in resting_on.hidden if key in values}
        floor = 0  # a hidden amount may be 0
    _protect(values, lines, hidden, floor)
    return Protected(values, frozenset(hidden), rows, columns, row_totals, column_totals)


def suppress_line(
    values: Sequence[int], *, total: bool = True, threshold: int = SMALL_BELOW, resting_on: Protected | None = None
) -> Protected:
    """One line of cells (the regions of one figure) with its total: ``suppress_table`` of a single row."""
    return suppress_table([list(values)], row_totals=total, threshold=threshold, resting_on=resting_on)


# ---------------------------------------------------------------- secondary suppression


def _protect(values: dict[Key, int], lines: list[Line], hidden: set[Key], floor: int) -> None:
    while True:
        if _protect_lines(values, lines, hidden, floor):
            continue
        derivable = [key for key in sorted(hidden) if _determined(key, lines, hidden)]
        if not derivable:
            return
        _hide_complement(values, [line for line in lines if _touches(line, derivable[0])], hidden)


def _protect_lines(values: dict[Key, int], lines: list[Line], hidden: set[Key], floor: int) -> bool:
    """One pass of the per-line rule; True when something more was hidden."""
    changed = False
    for line in lines:
        if line.total in hidden:
            continue
        hidden_members = [m for m in line.members if m in hidden]
        if not hidden_members:
            continue
        hidden_sum = sum(values[m] for m in hidden_members)
        if len(hidden_members) == 1 or hidden_sum == floor * len(hidden_members):
            _hide_complement(values, [line], hidden)
            changed = True
    return changed


def _hide_complement(values: dict[Key, int], lines: list[Line], hidden: set[Key]) -> None:
    """Hide the smallest shown non-zero cell of the lines; failing that their total; failing that any shown cell."""
    members = [m for line in lines for m in line.members if m not in hidden]
    nonzero = [m for m in members if values[m] > 0]
    if nonzero:
        hidden.add(min(nonzero, key=lambda m: (values[m], m)))
        return
    totals = [line.total for line in lines if line.total not in hidden]
    if totals:
        hidden.add(min(totals, key=lambda m: (values[m], m)))
        return
    if members:
        hidden.add(min(members))


def _touches(line: Line, key: Key) -> bool:
    return key == line.total or key in line.members


def _determined(key: Key, lines: list[Line], hidden: set[Key]) -> bool:
    """Whether the lines, read as equations over the hidden values, fix ``key``'s value (exact arithmetic)."""
    order = sorted(hidden)
    index = {k: i for i, k in enumerate(order)}
    equations: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(order)
        for member in line.members:
            if member in hidden:
                row[index[member]] += 1
        if line.total in hidden:
            row[index[line.total]] -= 1
        if any(row):
            equations.append(row)
    basis = _echelon(equations)
    target = [Fraction(0)] * len(order)
    target[index[key]] = Fraction(1)
    for pivot, row in basis:
        if target[pivot]:
            factor = target[pivot]
            target = [t - factor * r for t, r in zip(target, row, strict=True)]
    return not any(target)


def _echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Gauss–Jordan elimination: independent rows, each with its pivot column (pivot value 1)."""
    basis: list[tuple[int, list[Fraction]]] = []
    for original in rows:
        row = list(original)
        for pivot, base in basis:
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, base, strict=True)]
        lead = next((i for i, v in enumerate(row) if v), None)
        if lead is None:
            continue
        row = [v / row[lead] for v in row]
        reduced = []
        for pivot, base in basis:
            if base[lead]:
                factor = base[lead]
                base = [a - factor * b for a, b in zip(base, row, strict=True)]
            reduced.append((pivot, base))
        basis = [*reduced, (lead, row)]
    return basis


# ---------------------------------------------------------------- the report's figures for an office's regions

# Per-region figures shown with their total (the statistics page's rows): the path of the per-region dict, and
# the path of the report's own total where it has one.
COUNT_ROWS: dict[str, str | None] = {
    "received_per_region": "applications.received",
    "granted_per_region": "applications.granted",
    "pending_at_year_end_per_region": "applications.pending_at_year_end",
    "children_granted_per_region": "children.granted",
    "appeals.appeals_against_rejection_received": None,
    "appeals.reversed_by_office": None,
    "appeals.forwarded_to_board": None,
    "appeals.board_decisions_received.upheld": None,
    "appeals.board_decisions_received.reversed": None,
    "particle_therapy.patients": None,
}
PARTICLE_COSTS, PARTICLE_PATIENTS = "particle_therapy.costs_nok", "particle_therapy.patients"


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


def _parent(data: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    return data, last


def protect_report(report: dict[str, Any], *, threshold: int = SMALL_BELOW) -> dict[str, Any]:
    """The annual report's figures with small numbers suppressed, for a regional extract (an office lead).

    Every hidden figure becomes ``None`` (``null`` in JSON) and its path is listed under ``hidden``; figures
    computed from a hidden one (a share, a rate, an average) are hidden with it. ``region_totals`` gives the
    total of each per-region row as shown (``None`` when hidden). The statistics page and the report's web page,
    PDF, workbook and JSON all read this one result, so every output hides the same cells.
    """
    out = copy.deepcopy(report)
    codes = list(out["regions"])
    year = str(out["year"])
    hidden: set[str] = set()
    protected: dict[str, Protected] = {}
    totals: dict[str, int | None] = {}

    def hide(path: str) -> None:
        parent, last = _parent(out, path)
        parent[last] = None
        hidden.add(path)

    def apply(path: str, table: Protected, total_path: str | None) -> None:
        for index, code in enumerate(codes):
            if table.cell_hidden(0, index):
                hide(f"{path}.{code}")
        totals[path] = table.row_total(0)
        if total_path is not None and table.row_total_hidden(0):
            hide(total_path)

    for path, total_path in COUNT_ROWS.items():
        values = _get(report, path)
        table = suppress_line([values[c] for c in codes], threshold=threshold)
        protected[path] = table
        apply(path, table, total_path)
    particle_costs = _get(report, PARTICLE_COSTS)
    table = suppress_line(
        [particle_costs[c] for c in codes], threshold=threshold, resting_on=protected[PARTICLE_PATIENTS]
    )
    apply(PARTICLE_COSTS, table, None)

    # The year's costs per region rest on the year's granted applications; earlier years are left as they are.
    costs = report["costs_nok_per_region_per_year"]
    if all(year in costs[c] for c in codes):
        table = suppress_line(
            [costs[c][year] for c in codes], threshold=threshold, resting_on=protected["granted_per_region"]
        )
        for index, code in enumerate(codes):
            if table.cell_hidden(0, index):
                hide(f"costs_nok_per_region_per_year.{code}.{year}")
        totals[f"costs_nok_per_region_per_year.{year}"] = table.row_total(0)

    apps = out["applications"]
    received_hidden = "applications.received" in hidden
    granted_hidden = "applications.granted" in hidden
    # The year's place in the series is the year's total; the other years are counts of their own.
    for series, year_hidden in (("received_per_year", received_hidden), ("granted_per_year", granted_hidden)):
        for y, value in list(apps[series].items()):
            if (y == year and year_hidden) or (y != year and value is not None and 1 <= value < threshold):
                hide(f"applications.{series}.{y}")
    if received_hidden or granted_hidden:
        hide("applications.grant_rate_percent")
    if "children.granted" in hidden or granted_hidden:
        hide("children.percent_of_granted")

    countries = list(report["granted_per_country"])
    table = suppress_line([report["granted_per_country"][c] for c in countries], threshold=threshold)
    for index, country in enumerate(countries):
        if table.cell_hidden(0, index):
            hide(f"granted_per_country.{country}")
    # The Nordic share is the sum of some countries: with a country hidden it could give the country back.
    granted = report["applications"]["granted"]
    nordic = report["granted_nordic"]
    small_share = 1 <= nordic < threshold or 1 <= granted - nordic < threshold
    if granted_hidden or small_share or table.hidden:
        hide("granted_nordic")
        hide("granted_nordic_percent")

    hospitals = report["granted_per_hospital"]
    table = suppress_line([h["count"] for h in hospitals], threshold=threshold)
    for index, hospital in enumerate(out["granted_per_hospital"]):
        if table.cell_hidden(0, index):
            hospital["count"] = None
            hidden.add(f"granted_per_hospital.{index}.count")

    for chapter, counts in report["diagnosis_chapters_count"].items():
        for y, count in counts.items():
            if 1 <= count < threshold:
                hide(f"diagnosis_chapters_count.{chapter}.{y}")
                hide(f"diagnosis_chapters_percent.{chapter}.{y}")

    for y in list(out["average_cost_per_granted_per_year"]):
        cost_hidden = (
            y == year
            and f"costs_nok_per_region_per_year.{year}" in totals
            and (totals[f"costs_nok_per_region_per_year.{year}"] is None)
        )
        if f"applications.granted_per_year.{y}" in hidden or cost_hidden:
            hide(f"average_cost_per_granted_per_year.{y}")

    if 1 <= report["nordic_drug_protocol_children"] < threshold:
        hide("nordic_drug_protocol_children")

    out["region_totals"] = totals
    hidden.update(f"region_totals.{path}" for path, total in totals.items() if total is None)
    out["hidden"] = sorted(hidden)
    out["suppression"] = {"threshold": threshold, "rule": "counts 1 to threshold-1, and figures that would reveal them"}
    return out
