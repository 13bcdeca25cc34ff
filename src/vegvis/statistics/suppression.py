"""Small-number suppression: one function over a table of counts (or amounts) with its row and column totals,
and ``Figures``, which applies it to the figures of a nested dict (a report's JSON) path by path.

Rules (docs/architecture.md, "Statistics kit"):

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


# ---------------------------------------------------------------- figures of a nested dict


class Figures:
    """The figures of a nested dict (a report's JSON) being suppressed, addressed by dotted paths
    (``"particle_therapy.patients.helse-nord"``; a list item by its index: ``"granted_per_hospital.0.count"``).

    Reads come from the figures as computed; a hidden figure becomes ``None`` in the copy that ``result`` returns,
    and its path is listed under ``hidden``, so every output made from the result hides the same cells.
    """

    def __init__(self, data: dict[str, Any], *, threshold: int = SMALL_BELOW) -> None:
        self.source = data
        self.data = copy.deepcopy(data)
        self.threshold = threshold
        self.hidden: set[str] = set()
        self.totals: dict[str, int | None] = {}  # a line's total as shown (None: hidden), by the line's name

    def get(self, path: str) -> Any:
        """The figure as computed (never the hidden ``None``)."""
        value: Any = self.source
        for part in path.split("."):
            value = value[int(part)] if isinstance(value, list) else value[part]
        return value

    def is_hidden(self, path: str) -> bool:
        return path in self.hidden

    def hide(self, path: str) -> None:
        *parents, last = path.split(".")
        parent: Any = self.data
        for part in parents:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        if isinstance(parent, list):
            parent[int(last)] = None
        else:
            parent[last] = None
        self.hidden.add(path)

    def hide_small(self, path: str) -> bool:
        """Primary suppression of one figure on its own (no line to protect it in); True when it is hidden."""
        value = self.get(path)
        if value is not None and 1 <= value < self.threshold:
            self.hide(path)
            return True
        return False

    def line(
        self,
        cells: Sequence[str],
        *,
        total: str | None = None,
        name: str | None = None,
        resting_on: Protected | None = None,
    ) -> Protected:
        """Suppress the figures at ``cells`` as one line with its total (``suppress_line``) and hide what it hides.

        ``total``: the path of a figure that is this line's total (hidden with the line's total). ``name``: record
        the line's total as shown under this name in ``totals``. ``resting_on``: the protected counts that these
        amounts rest on.
        """
        table = suppress_line([self.get(path) for path in cells], threshold=self.threshold, resting_on=resting_on)
        for index, path in enumerate(cells):
            if table.cell_hidden(0, index):
                self.hide(path)
        if name is not None:
            self.totals[name] = table.row_total(0)
        if total is not None and table.row_total_hidden(0):
            self.hide(total)
        return table

    def result(self, *, totals_key: str = "line_totals") -> dict[str, Any]:
        """The figures with the hidden ones ``None``, plus ``hidden`` (every hidden path, a hidden line total as
        ``<totals_key>.<name>``), ``<totals_key>`` (each recorded line's total as shown) and ``suppression``."""
        out = self.data
        out[totals_key] = dict(self.totals)
        hidden = self.hidden | {f"{totals_key}.{name}" for name, total in self.totals.items() if total is None}
        out["hidden"] = sorted(hidden)
        out["suppression"] = {
            "threshold": self.threshold,
            "rule": "counts 1 to threshold-1, and figures that would reveal them",
        }
        return out
