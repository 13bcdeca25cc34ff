"""The annual report's small numbers: the statistics kit's suppression (``vegvis.statistics.suppression``) applied
to the report's figures for an office's regions. The rules themselves are the kit's; which figures form a line
with which total, and which figures rest on which counts, is the report's (docs/modules/reports.md, "Small
numbers").
"""

from __future__ import annotations

from typing import Any

from vegvis.statistics.suppression import SMALL_BELOW, Figures, Protected

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


def protect_report(report: dict[str, Any], *, threshold: int = SMALL_BELOW) -> dict[str, Any]:
    """The annual report's figures with small numbers suppressed, for a regional extract (an office lead).

    Every hidden figure becomes ``None`` (``null`` in JSON) and its path is listed under ``hidden``; figures
    computed from a hidden one (a share, a rate, an average) are hidden with it. ``region_totals`` gives the
    total of each per-region row as shown (``None`` when hidden). The statistics page and the report's web page,
    PDF, workbook and JSON all read this one result, so every output hides the same cells.
    """
    figures = Figures(report, threshold=threshold)
    codes = list(report["regions"])
    year = str(report["year"])
    protected: dict[str, Protected] = {}

    for path, total_path in COUNT_ROWS.items():
        protected[path] = figures.line([f"{path}.{c}" for c in codes], total=total_path, name=path)
    figures.line([f"{PARTICLE_COSTS}.{c}" for c in codes], name=PARTICLE_COSTS, resting_on=protected[PARTICLE_PATIENTS])

    # The year's costs per region rest on the year's granted applications; earlier years are left as they are.
    costs = report["costs_nok_per_region_per_year"]
    if all(year in costs[c] for c in codes):
        figures.line(
            [f"costs_nok_per_region_per_year.{c}.{year}" for c in codes],
            name=f"costs_nok_per_region_per_year.{year}",
            resting_on=protected["granted_per_region"],
        )

    received_hidden = figures.is_hidden("applications.received")
    granted_hidden = figures.is_hidden("applications.granted")
    # The year's place in the series is the year's total; the other years are counts of their own.
    for series, year_hidden in (("received_per_year", received_hidden), ("granted_per_year", granted_hidden)):
        for y in report["applications"][series]:
            path = f"applications.{series}.{y}"
            if y == year and year_hidden:
                figures.hide(path)
            elif y != year:
                figures.hide_small(path)
    if received_hidden or granted_hidden:
        figures.hide("applications.grant_rate_percent")
    if figures.is_hidden("children.granted") or granted_hidden:
        figures.hide("children.percent_of_granted")

    countries = figures.line([f"granted_per_country.{c}" for c in report["granted_per_country"]])
    # The Nordic share is the sum of some countries: with a country hidden it could give the country back.
    granted = report["applications"]["granted"]
    nordic = report["granted_nordic"]
    small_share = 1 <= nordic < threshold or 1 <= granted - nordic < threshold
    if granted_hidden or small_share or countries.hidden:
        figures.hide("granted_nordic")
        figures.hide("granted_nordic_percent")

    figures.line([f"granted_per_hospital.{i}.count" for i in range(len(report["granted_per_hospital"]))])

    for chapter, counts in report["diagnosis_chapters_count"].items():
        for y in counts:
            if figures.hide_small(f"diagnosis_chapters_count.{chapter}.{y}"):
                figures.hide(f"diagnosis_chapters_percent.{chapter}.{y}")

    cost_total = f"costs_nok_per_region_per_year.{year}"
    for y in report["average_cost_per_granted_per_year"]:
        cost_hidden = y == year and cost_total in figures.totals and figures.totals[cost_total] is None
        if figures.is_hidden(f"applications.granted_per_year.{y}") or cost_hidden:
            figures.hide(f"average_cost_per_granted_per_year.{y}")

    figures.hide_small("nordic_drug_protocol_children")
    return figures.result(totals_key="region_totals")
