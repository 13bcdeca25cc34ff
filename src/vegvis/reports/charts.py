"""The annual report's charts, drawn with the statistics kit (``vegvis.statistics.charts``: matplotlib, SVG,
Norwegian numbers such as 22 623 000, «skjult» for a suppressed figure).

Every chart is drawn from the report dict alone (never from the database), so the web page, the PDF and the
figure URLs show the same numbers. ``describe`` gives each chart's text alternative.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from vegvis.reports import labels
from vegvis.statistics import charts as kit
from vegvis.statistics import numbers
from vegvis.statistics.charts import PALETTE, WIDTH, from_zero, label_bars, new_figure, thousands
from vegvis.statistics.numbers import nb_number
from vegvis.statistics.tables import HIDDEN, Column, Table, figure_text, hidden_marker


def applications(report: dict[str, Any]) -> Figure:
    """3.1: applications received and granted per year."""
    apps = report["applications"]
    years = list(apps["received_per_year"])
    received = [apps["received_per_year"][y] or 0 for y in years]  # a hidden figure (None) draws no bar
    granted = [apps["granted_per_year"].get(y) or 0 for y in years]
    figure, axes = new_figure()
    positions = range(len(years))
    width = 0.4
    bars = axes.bar([p - width / 2 for p in positions], received, width, label=labels.RECEIVED(), color=PALETTE[0])
    label_bars(axes, bars, hidden=[apps["received_per_year"][y] for y in years])
    bars = axes.bar([p + width / 2 for p in positions], granted, width, label=labels.GRANTED(), color=PALETTE[1])
    label_bars(axes, bars, hidden=[apps["granted_per_year"].get(y, 0) for y in years])
    axes.set_xticks(list(positions), years)
    axes.yaxis.set_major_formatter(FuncFormatter(thousands))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    return figure


def regions(report: dict[str, Any]) -> Figure:
    """3.2: applications received per home region."""
    names = labels.region_names(report)
    values = {code: value or 0 for code, value in report["received_per_region"].items()}
    total = report["applications"]["received"]
    codes = list(values)[::-1]
    figure, axes = new_figure(2.4)
    bars = axes.barh([names[c] for c in codes], [values[c] for c in codes], color=PALETTE[0])

    def with_share(value: float) -> str:
        share = numbers.share(int(value), total) if not report.get("hidden") else None
        return f"{nb_number(int(value))} ({share} %)" if share is not None else nb_number(int(value))

    label_bars(axes, bars, horizontal=True, fmt=with_share, hidden=[report["received_per_region"][c] for c in codes])
    axes.xaxis.set_major_formatter(FuncFormatter(thousands))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max([*values.values(), 1]) * 1.25)
    return figure


def countries(report: dict[str, Any]) -> Figure:
    """3.3: granted applications per country of the hospital."""
    per_country = {code: n or 0 for code, n in report["granted_per_country"].items()}
    codes = list(per_country)[::-1]
    figure, axes = new_figure(max(2.0, 0.28 * len(codes) + 0.8))
    colours = [PALETTE[0] if c in labels.NORDIC else PALETTE[4] for c in codes]
    bars = axes.barh([labels.country_name(c) for c in codes], [per_country[c] for c in codes], color=colours)
    label_bars(axes, bars, horizontal=True, hidden=[report["granted_per_country"][c] for c in codes])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max([*per_country.values(), 1]) * 1.15)
    return figure


def hospitals(report: dict[str, Any]) -> Figure:
    """3.3: granted applications per hospital; small ones pooled as "others"."""
    rows = report["granted_per_hospital"][::-1]
    figure, axes = new_figure(max(2.0, 0.3 * len(rows) + 0.8))
    names = [labels.hospital_label(r) for r in rows]
    colours = [PALETTE[4] if r["hospital"] == "other" else PALETTE[0] for r in rows]
    counts = [r["count"] or 0 for r in rows]
    bars = axes.barh(names, counts, color=colours)
    label_bars(axes, bars, horizontal=True, hidden=[r["count"] for r in rows])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max([*counts, 1]) * 1.15)
    return figure


def diagnoses(report: dict[str, Any]) -> Figure:
    """3.4: the largest diagnosis chapters, share of granted applications this year and last."""
    chapters = report["diagnosis_chapters_percent"]
    year = str(report["year"])
    last = str(report["year"] - 1)
    keys = list(chapters)[::-1]
    figure, axes = new_figure(max(2.2, 0.45 * len(keys) + 0.8))
    height = 0.38
    positions = range(len(keys))
    has_last = any(last in chapters[k] for k in keys)
    if has_last:
        bars = axes.barh(
            [p + height / 2 for p in positions],
            [chapters[k].get(last) or 0 for k in keys],
            height,
            label=last,
            color=PALETTE[4],
        )
        label_bars(axes, bars, horizontal=True, fmt=lambda v: f"{int(v)} %")
    bars = axes.barh(
        [p - height / 2 if has_last else p for p in positions],
        [chapters[k][year] or 0 for k in keys],
        height,
        label=year,
        color=PALETTE[0],
    )
    label_bars(axes, bars, horizontal=True, fmt=lambda v: f"{int(v)} %")
    axes.set_yticks(list(positions), [labels.chapter_short(k) for k in keys])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{int(v)} %"))
    axes.set_xlim(0, max([v or 0 for k in keys for v in chapters[k].values()] + [1]) * 1.2)
    handles, names = axes.get_legend_handles_labels()
    axes.legend(handles[::-1], names[::-1], loc="lower right")
    return figure


def costs(report: dict[str, Any]) -> Figure:
    """3.5: costs per year, stacked by home region, with the total above each bar."""
    per_region = report["costs_nok_per_region_per_year"]
    names = labels.region_names(report)
    years = sorted({y for values in per_region.values() for y in values})
    figure, axes = new_figure(3.4)
    positions = list(range(len(years)))
    bottoms = [0] * len(years)
    for index, (code, values) in enumerate(per_region.items()):
        heights = [values.get(y) or 0 for y in years]
        axes.bar(positions, heights, 0.6, bottom=bottoms, label=names[code], color=PALETTE[index % len(PALETTE)])
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_xticks(positions, years)
    hidden_part = [
        (labels.cost_total(report, y) or 0) - bottom
        if any(values.get(y, 0) is None for values in per_region.values()) and labels.cost_total(report, y) is not None
        else 0
        for y, bottom in zip(years, bottoms, strict=True)
    ]
    if any(hidden_part):
        # Cells hidden to protect privacy: their sum (the shown total less the shown cells) as one grey segment.
        axes.bar(positions, hidden_part, 0.6, bottom=bottoms, label=hidden_marker(), color="#bbbbbb", hatch="//")
        bottoms = [b + h for b, h in zip(bottoms, hidden_part, strict=True)]
    for position, (y, height) in enumerate(zip(years, bottoms, strict=True)):
        total = labels.cost_total(report, y)
        axes.annotate(
            figure_text(total),
            (position, height),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
        )
    axes.yaxis.set_major_formatter(FuncFormatter(thousands))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4)
    return figure


def average_cost(report: dict[str, Any]) -> Figure:
    """3.5: the average cost per granted application per year."""
    values = report["average_cost_per_granted_per_year"]
    years = list(values)
    figure, axes = new_figure(2.6)
    positions = list(range(len(years)))
    bars = axes.bar(positions, [values[y] or 0 for y in years], 0.6, color=PALETTE[2])
    label_bars(axes, bars, hidden=[values[y] for y in years])
    axes.set_xticks(positions, years)
    axes.set_xlim(-0.75, max(len(years), 6) - 0.25)
    axes.yaxis.set_major_formatter(FuncFormatter(thousands))
    return figure


def appeals(report: dict[str, Any]) -> Figure:
    """3.6: appeals per home region: received, reversed by the office, forwarded, and the board's decisions."""
    names = labels.region_names(report)
    codes = list(report["received_per_region"])
    table = Table(
        "klager",
        "",
        "",
        [Column("", "text"), *(Column(names[c]) for c in codes)],
        [
            [label, *(HIDDEN if values[c] is None else values[c] for c in codes)]
            for label, values in labels.appeal_rows(report)
        ],
    )
    return kit.grouped_bars(table, height=3.2, legend_columns=3, legend_size=8)


def particle_therapy(report: dict[str, Any]) -> Figure:
    """3.7: referrals to particle therapy and their costs, per home region."""
    data = report["particle_therapy"]
    names = labels.region_names(report)
    codes = list(data["patients"])
    figure = Figure(figsize=(WIDTH, 2.8))
    left, right = figure.subplots(1, 2)
    patients = [data["patients"][c] or 0 for c in codes]
    bars = left.bar([names[c] for c in codes], patients, color=PALETTE[0])
    label_bars(left, bars, hidden=[data["patients"][c] for c in codes])
    left.set_title(labels.PATIENTS(), fontsize=9)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    amounts = [data["costs_nok"][c] or 0 for c in codes]
    bars = right.bar([names[c] for c in codes], amounts, color=PALETTE[1])
    label_bars(right, bars, hidden=[data["costs_nok"][c] for c in codes])
    right.set_title(labels.TOTAL_COSTS(), fontsize=9)
    right.yaxis.set_major_formatter(FuncFormatter(thousands))
    from_zero(left, patients)
    from_zero(right, amounts)
    for axes in (left, right):
        axes.tick_params(axis="x", labelsize=7.5)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


CHARTS: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "soknader": applications,
    "regioner": regions,
    "land": countries,
    "sykehus": hospitals,
    "diagnoser": diagnoses,
    "kostnader": costs,
    "snittkostnad": average_cost,
    "klager": appeals,
    "partikkelterapi": particle_therapy,
}


def svg(name: str, report: dict[str, Any]) -> bytes:
    """One chart as SVG. Raises KeyError for an unknown name."""
    return kit.svg(CHARTS[name], report)


def describe(name: str, report: dict[str, Any]) -> str:
    """A short text alternative; the full numbers are in the table beside every chart."""
    return labels.chart_description(name, report)
