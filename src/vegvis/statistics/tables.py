"""A statistics table: a caption, typed columns, rows of values, an optional total row, a note, and ``HIDDEN``
for a figure suppressed to protect privacy. Every export (``exports``: HTML, XLSX, CSV, JSON; ``charts``) reads
one of these, so each format shows the same cells, and a hidden one the same way: «skjult», never a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from vegvis.statistics.numbers import NBSP, nb_number
from vegvis.statistics.suppression import SMALL_BELOW, Protected, suppress_table

KINDS = ("text", "int", "nok", "percent")  # nok: whole kroner; percent: a whole percentage


class Hidden:
    """A figure suppressed to protect privacy: shown as «skjult», never as a number (JSON: null, listed in
    ``hidden``)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = Hidden()


def hidden_marker() -> str:
    """What a suppressed figure shows instead of a number (never «under 5», never an amount)."""
    return _("hidden")


def hidden_in_text() -> str:
    """A suppressed figure inside a sentence: marked as the term the footnote explains."""
    return f"«{hidden_marker()}»"


def hidden_note() -> str:
    return _(
        "«hidden»: hidden to protect privacy (fewer than 5 patients, or a figure from which such a number could "
        "be worked out)."
    )


def figure_text(value: int | None) -> str:
    """A number in a chart or a text alternative: 22 623 000, or «skjult» for a suppressed figure (None)."""
    return hidden_marker() if value is None else nb_number(value)


def format_cell(value: Any, kind: str, space: str = NBSP) -> str:
    """A cell as text: «skjult» when hidden, «–» when there is no figure, numbers as the publication writes them."""
    if value is HIDDEN:
        return hidden_marker()
    if value is None:
        return "–"
    if kind == "percent":
        return f"{value}{space}%"
    if kind in {"int", "nok"}:
        return nb_number(value, space)
    return str(value)


@dataclass
class Column:
    label: str
    kind: str = "int"  # text, int, nok or percent

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a column's kind is one of {KINDS}, not {self.kind!r}")


@dataclass
class Table:
    """One table. ``rows`` hold plain values (text, whole numbers, ``None`` for no figure) or ``HIDDEN``; the
    first column is usually the rows' labels (kind ``text``). ``total_last``: the last row is the total row."""

    key: str  # a short, unique id: the HTML anchor (``tabell-<key>``)
    sheet: str  # the XLSX sheet's name (at most 31 characters)
    caption: str
    columns: list[Column]
    rows: list[list[Any]]
    total_last: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError("every row has one value per column")

    @property
    def header(self) -> list[str]:
        return [c.label for c in self.columns]

    @property
    def numeric(self) -> list[bool]:
        return [c.kind != "text" for c in self.columns]

    @property
    def hidden_cells(self) -> list[tuple[int, int]]:
        """(row, column) of every hidden value, in reading order."""
        return [(r, c) for r, row in enumerate(self.rows) for c, value in enumerate(row) if value is HIDDEN]

    @property
    def footnote(self) -> str:
        """The table's note, and the explanation of «skjult» when a value is hidden."""
        if self.hidden_cells:
            return f"{self.note} {hidden_note()}".strip()
        return self.note

    def rendered_rows(self) -> list[list[tuple[str, bool]]]:
        """Each row as (text, is_number) cells, numbers formatted as in the publication."""
        return [
            [
                (format_cell(value, column.kind), column.kind != "text")
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


def counts_table(
    *,
    key: str,
    caption: str,
    row_labels: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[int]],
    row_totals: bool = True,
    column_totals: bool = False,
    total_label: str = "",
    label_header: str = "",
    kind: str = "int",
    sheet: str = "",
    note: str = "",
    suppress: bool = True,
    threshold: int = SMALL_BELOW,
    resting_on: Protected | None = None,
) -> tuple[Table, Protected]:
    """A table of counts (or amounts, ``kind="nok"``) per row and column with its totals, small numbers suppressed;
    returned with the suppression result (pass it as ``resting_on`` for the amounts that rest on these counts).

    The rows are ``[label, *cells, row total]``; with ``column_totals`` a last row ``[total_label, *column totals,
    grand total]`` follows. With ``suppress`` the rules of ``suppression.suppress_table`` decide what is ``HIDDEN``
    (amounts: pass the counts' ``protected`` as ``resting_on``); without, every figure is shown.
    """
    total_label = total_label or _("Total")
    protected = suppress_table(
        cells,
        row_totals=row_totals,
        column_totals=column_totals,
        threshold=threshold if suppress else 1,
        resting_on=resting_on if suppress else None,
    )

    def shown(value: int | None, hidden: bool) -> Any:
        return HIDDEN if hidden else value

    rows: list[list[Any]] = []
    for r, label in enumerate(row_labels):
        row: list[Any] = [label]
        row += [shown(protected.cell(r, c), protected.cell_hidden(r, c)) for c in range(len(columns))]
        if row_totals:
            row.append(shown(protected.row_total(r), protected.row_total_hidden(r)))
        rows.append(row)
    if column_totals:
        last: list[Any] = [total_label]
        last += [shown(protected.column_total(c), protected.column_total_hidden(c)) for c in range(len(columns))]
        if row_totals:
            grand = ("grand", 0, 0)
            last.append(shown(protected.shown(grand), grand in protected.hidden))
        rows.append(last)
    header = [Column(label_header, "text"), *(Column(label, kind) for label in columns)]
    if row_totals:
        header.append(Column(total_label, kind))
    table = Table(key, sheet or caption[:31], caption, header, rows, total_last=column_totals, note=note)
    return table, protected
