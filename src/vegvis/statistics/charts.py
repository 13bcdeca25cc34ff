"""Charts of statistics tables, drawn with matplotlib (Agg) as SVG, with Norwegian numbers (22 623 000) and
«skjult» where a figure is suppressed. The same SVG goes on the web page (an ``<img>`` at its own URL) and into
the PDF (``data_uri``), so both show the same bars.

A domain draws its own charts from these parts (``new_figure``, ``label_bars``, ``from_zero``, the palette), or
draws a table as grouped bars (``grouped_bars``); ``svg`` renders one drawing with the kit's style.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from vegvis.statistics.numbers import nb_number
from vegvis.statistics.tables import HIDDEN, Table, hidden_marker

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
DARK = "#1e2b3c"
STYLE = {
    "svg.fonttype": "none",  # text stays text: sharp, searchable, and read by screen readers of the PDF
    "svg.hashsalt": "vegvis",  # the same SVG for the same data
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": DARK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": DARK,
    "ytick.color": DARK,
    "legend.frameon": False,
}
_DRAWING = threading.Lock()
WIDTH = 7.0  # inches: the text width of an A4 page with the report's margins

Data = TypeVar("Data")


def thousands(value: float, _position: int = 0) -> str:
    return nb_number(round(value))


def new_figure(height: float = 3.2) -> tuple[Figure, Any]:
    """A figure the width of the page with one set of axes."""
    figure = Figure(figsize=(WIDTH, height))  # not pyplot: no global figure registry shared between threads
    axes = figure.add_subplot()
    return figure, axes


def _svg_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "Vegvis"})
    return buffer.getvalue()


def svg(draw: Callable[[Data], Figure], data: Data) -> bytes:
    """``draw(data)`` as SVG, in the kit's style."""
    # matplotlib's settings (rcParams) are global to the process: one chart at a time, so a browser loading a
    # page's figures in parallel from a threaded server never mixes their styles or waits on each other's locks.
    with _DRAWING, matplotlib.rc_context(cast(Any, STYLE)):
        return _svg_bytes(draw(data))


def data_uri(content: bytes) -> str:
    """An SVG as a ``data:`` URL: how the PDF (which loads no other URLs) embeds a chart."""
    return "data:image/svg+xml;base64," + base64.b64encode(content).decode("ascii")


def label_bars(
    axes: Any,
    bars: Any,
    *,
    horizontal: bool = False,
    fmt: Callable[[float], str] = thousands,
    hidden: Sequence[Any] = (),
) -> None:
    """Each bar's value at its end; a suppressed figure (``None`` in ``hidden``) is drawn as no bar, marked «skjult»."""
    flags = [value is None for value in hidden] or [False] * len(bars)
    for bar, is_hidden in zip(bars, flags, strict=True):
        value = bar.get_width() if horizontal else bar.get_height()
        if is_hidden:
            fmt_hidden = hidden_marker()
            if horizontal:
                axes.annotate(
                    fmt_hidden,
                    (0, bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color=DARK,
                    style="italic",
                )
            else:
                axes.annotate(
                    fmt_hidden,
                    (bar.get_x() + bar.get_width() / 2, 0),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                    color=DARK,
                    style="italic",
                    rotation=90,
                )
            continue
        if not value:
            continue
        if horizontal:
            axes.annotate(
                fmt(value),
                (bar.get_x() + value, bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=DARK,
            )
        else:
            axes.annotate(
                fmt(value),
                (bar.get_x() + bar.get_width() / 2, value),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=DARK,
            )


def from_zero(axes: Any, heights: Sequence[float]) -> None:
    """Bars grow from 0; when every bar is hidden or 0, no scale is drawn (there is nothing to read on it)."""
    if any(heights):
        axes.set_ylim(bottom=0)
    else:
        axes.set_ylim(0, 1)
        axes.set_yticks([])


def grouped_bars(
    table: Table,
    *,
    columns: Sequence[int] | None = None,
    height: float = 3.2,
    legend_columns: int = 3,
    legend_size: float | None = 8,
) -> Figure:
    """A table as grouped vertical bars: one group per numeric column (or per column of ``columns``, e.g. without
    a column of row totals), its label under the group; one bar per row, its first cell in the legend (a total row
    is left out). A hidden value is no bar, marked «skjult»."""
    rows = table.rows[:-1] if table.total_last else table.rows
    if columns is None:
        columns = [index for index, column in enumerate(table.columns) if column.kind != "text"]
    figure, axes = new_figure(height)
    width = 0.8 / max(len(rows), 1)
    for index, row in enumerate(rows):
        offset = (index - (len(rows) - 1) / 2) * width
        values = [row[c] for c in columns]
        bars = axes.bar(
            [p + offset for p in range(len(columns))],
            [0 if v is HIDDEN else v or 0 for v in values],
            width,
            label=str(row[0]),
            color=PALETTE[index % len(PALETTE)],
        )
        label_bars(axes, bars, hidden=[None if v is HIDDEN else v or 0 for v in values])
    axes.set_xticks(list(range(len(columns))), [table.columns[c].label for c in columns])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=legend_columns, fontsize=legend_size)
    return figure
