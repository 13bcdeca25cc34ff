"""Words of the annual report: Norwegian labels (through gettext) and chart texts. Numbers and the «skjult»
marker are the statistics kit's (``vegvis.statistics.numbers``, ``vegvis.statistics.tables``)."""

from __future__ import annotations

import textwrap
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from vegvis.core import icd10
from vegvis.statistics.tables import figure_text, hidden_in_text

NORDIC = ("SE", "DK", "FI", "IS", "NO")


def _percent_text(report: dict[str, Any], key: str) -> str:
    hidden = key in report.get("hidden", ())
    return hidden_in_text() if hidden else str(report[key] or 0)


def cost_total(report: dict[str, Any], year: str) -> int | None:
    """The costs of a year over the report's regions, as shown: None when suppression hides the total."""
    totals = report.get("region_totals", {})
    key = f"costs_nok_per_region_per_year.{year}"
    if key in totals:
        return totals[key]
    return sum(values.get(year) or 0 for values in report["costs_nok_per_region_per_year"].values())


def RECEIVED() -> str:
    return _("Applications received")


def GRANTED() -> str:
    return _("Applications granted")


def PATIENTS() -> str:
    return _("Number of patients")


def TOTAL_COSTS() -> str:
    return _("Total costs (NOK)")


def region_names(report: dict[str, Any]) -> dict[str, str]:
    return dict(report.get("region_names") or {code: code for code in report["regions"]})


def country_name(code: str) -> str:
    return str(countries.name(code)) or code


def hospital_label(row: dict[str, Any]) -> str:
    if row["hospital"] == "other":
        return _("Others (%(count)s institutions)") % {"count": row["institutions"]}
    return f"{row['hospital']} ({row['country']})"


def chapter_title(key: str) -> str:
    chapter = icd10.chapters_by_key().get(key)
    return f"{chapter.title_nb} ({key})" if chapter else key


def chapter_short(key: str) -> str:
    return "\n".join(textwrap.wrap(chapter_title(key), 38))


def appeal_rows_with_paths(report: dict[str, Any]) -> list[tuple[str, dict[str, int], str]]:
    """The appeal rows with the path of each row's figures in the report (for the suppressed cells)."""
    paths = [
        "appeals.appeals_against_rejection_received",
        "appeals.reversed_by_office",
        "appeals.forwarded_to_board",
        "appeals.board_decisions_received.upheld",
        "appeals.board_decisions_received.reversed",
    ]
    return [(label, values, path) for (label, values), path in zip(appeal_rows(report), paths, strict=True)]


def appeal_rows(report: dict[str, Any]) -> list[tuple[str, dict[str, int]]]:
    appeals = report["appeals"]
    year = report["year"]
    return [
        (_("Appeals against rejection in %(year)s") % {"year": year}, appeals["appeals_against_rejection_received"]),
        (_("Rejections reversed by the offices in %(year)s") % {"year": year}, appeals["reversed_by_office"]),
        (_("Appeals forwarded to the board in %(year)s") % {"year": year}, appeals["forwarded_to_board"]),
        (_("Upheld by the board"), appeals["board_decisions_received"]["upheld"]),
        (_("Rejection reversed by the board"), appeals["board_decisions_received"]["reversed"]),
    ]


def chart_description(name: str, report: dict[str, Any]) -> str:
    """A text alternative for each chart: what it shows, and its main numbers."""
    year = report["year"]
    apps = report["applications"]
    years = list(apps["received_per_year"])
    names = region_names(report)
    if name == "soknader":
        span = f"{years[0]}–{years[-1]}" if years else str(year)
        return _(
            "Bar chart of applications received and granted per year, %(span)s. In %(year)s: %(received)s received "
            "and %(granted)s granted. The numbers are in the table below."
        ) % {
            "span": span,
            "year": year,
            "received": figure_text(apps["received"]),
            "granted": figure_text(apps["granted"]),
        }
    if name == "regioner":
        parts = ", ".join(f"{names[c]} {figure_text(n)}" for c, n in report["received_per_region"].items())
        return _("Bar chart of applications received in %(year)s per home region: %(parts)s.") % {
            "year": year,
            "parts": parts,
        }
    if name == "land":
        parts = ", ".join(
            f"{country_name(c)} {figure_text(n)}" for c, n in list(report["granted_per_country"].items())[:5]
        )
        return _(
            "Bar chart of granted applications per country in %(year)s; the largest: %(parts)s. About %(percent)s "
            "percent were treated in the Nordic countries."
        ) % {"year": year, "parts": parts, "percent": _percent_text(report, "granted_nordic_percent")}
    if name == "sykehus":
        parts = ", ".join(f"{hospital_label(r)} {figure_text(r['count'])}" for r in report["granted_per_hospital"])
        return _("Bar chart of granted applications per hospital in %(year)s: %(parts)s.") % {
            "year": year,
            "parts": parts,
        }
    if name == "diagnoser":
        parts = ", ".join(
            f"{chapter_title(k)} {figure_text(v.get(str(year), 0))} %"
            for k, v in report["diagnosis_chapters_percent"].items()
        )
        return _("Bar chart of the largest diagnosis groups, share of granted applications in %(year)s: %(parts)s.") % {
            "year": year,
            "parts": parts,
        }
    if name == "kostnader":
        years = sorted({y for values in report["costs_nok_per_region_per_year"].values() for y in values})
        parts = ", ".join(f"{y}: {figure_text(cost_total(report, y))}" for y in years)
        return _("Stacked bar chart of costs in NOK per year and home region. Totals: %(parts)s.") % {"parts": parts}
    if name == "snittkostnad":
        parts = ", ".join(f"{y}: {figure_text(v)}" for y, v in report["average_cost_per_granted_per_year"].items())
        return _("Bar chart of the average cost in NOK per granted application: %(parts)s.") % {"parts": parts}
    if name == "klager":
        received = report["appeals"]["appeals_against_rejection_received"]
        parts = ", ".join(f"{names[c]} {figure_text(n)}" for c, n in received.items())
        return _("Bar chart of appeals per home region in %(year)s; appeals against rejection: %(parts)s.") % {
            "year": year,
            "parts": parts,
        }
    if name == "partikkelterapi":
        data = report["particle_therapy"]
        parts = ", ".join(
            f"{names[c]} {figure_text(data['patients'][c])} ({figure_text(data['costs_nok'][c])} NOK)"
            for c in data["patients"]
        )
        return _("Bar charts of patients referred to particle therapy in %(year)s and the costs: %(parts)s.") % {
            "year": year,
            "parts": parts,
        }
    return ""
