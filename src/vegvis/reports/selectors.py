"""Reads of the reports module, filtered by the principal's scope: all regions, or the office's regions.

The report and the statistics are aggregates and never show a person. An analyst (global role) sees every
region; an office lead sees the regions the office handles (OUS: Helse Sør-Øst and Helse Nord). On the
statistics page and in the office's extract of the report, small numbers are suppressed the same way
(``suppression.protect_report``; docs/modules/reports.md, "Small numbers").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.core.models import Region
from vegvis.reports import annual, suppression
from vegvis.reports.models import ReportNarrative
from vegvis.statistics.numbers import percent

CACHE_SECONDS = 600


@dataclass(frozen=True)
class Scope:
    regions: list[str] | None  # None: every region

    @property
    def national(self) -> bool:
        return self.regions is None

    @property
    def key(self) -> str:
        return "all" if self.regions is None else "+".join(self.regions)


def report_scope(principal: Principal, permission: str) -> Scope:
    """All regions for a global grant; the office's regions for an office grant; refused otherwise."""
    grant = principal.grant(permission)
    if grant.everywhere:
        return Scope(None)
    if grant.office_ids:
        codes = list(
            Region.objects.filter(offices__in=sorted(grant.office_ids)).order_by("order").values_list("code", flat=True)
        )
        if codes:
            return Scope(list(dict.fromkeys(codes)))
    raise PermissionDenied


def annual_report(principal: Principal, year: int) -> dict[str, Any]:
    """The report for the principal's scope; for an office's regions, with small numbers suppressed."""
    scope = report_scope(principal, "reports.view_annual_report")
    return _scoped_report(scope, year)


def cached_annual_report(principal: Principal, year: int, version: str | None = None) -> tuple[dict[str, Any], str]:
    """The report and a digest of its content, kept for a while so the page's figures need no new queries.

    The digest goes into the figure URLs; a figure asked for with the digest of another scope or of older data
    is simply computed again for the asker's own scope.
    """
    scope = report_scope(principal, "reports.view_annual_report")
    if version:
        cached = cache.get(_cache_key(scope, year, version))
        if cached is not None:
            return cached, version
    report = _scoped_report(scope, year)
    digest = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:16]
    cache.set(_cache_key(scope, year, digest), report, CACHE_SECONDS)
    return report, digest


def _cache_key(scope: Scope, year: int, version: str) -> str:
    return f"reports:annual:{scope.key}:{year}:{version}"


def narratives(year: int) -> dict[str, str]:
    return dict(ReportNarrative.objects.filter(year=year).values_list("section", "text"))


def narrative_for_edit(year: int, section: str) -> ReportNarrative | None:
    return ReportNarrative.objects.filter(year=year, section=section).select_related("updated_by").first()


def report_years() -> list[int]:
    return annual.years_with_data()


# ---------------------------------------------------------------- the statistics page


@dataclass
class Cell:
    value: int | None
    kind: str = "int"  # int, nok or percent
    hidden: bool = False  # suppressed to protect privacy: shown as «skjult», never as a number


@dataclass
class StatisticsRow:
    label: str
    cells: list[Cell]
    total: Cell | None


@dataclass
class Statistics:
    year: int
    scope: Scope
    regions: list[tuple[str, str]]  # (code, short name)
    rows: list[StatisticsRow] = field(default_factory=list)
    series: list[tuple[str, Cell]] = field(default_factory=list)
    suppressed: bool = False  # an office's scope: small numbers are suppressed (the page explains «skjult»)

    @property
    def show_total(self) -> bool:
        return len(self.regions) > 1


def statistics(principal: Principal, year: int) -> Statistics:
    """Key figures of the year per home region. For office leads, small numbers are suppressed
    (``suppression.protect_report``): the same cells as in the office's extract of the annual report."""
    scope = report_scope(principal, "reports.view_statistics")
    report = _scoped_report(scope, year)
    names = report["region_names"]
    codes = list(report["regions"])
    hidden = set(report.get("hidden", ()))
    region_totals: dict[str, Any] = report.get("region_totals", {})
    result = Statistics(
        year=year,
        scope=scope,
        regions=[(c, names[c]) for c in codes],
        series=[
            (y, Cell(n, "int", f"applications.received_per_year.{y}" in hidden))
            for y, n in report["applications"]["received_per_year"].items()
        ],
        suppressed=not scope.national,
    )
    apps = report["applications"]
    received, granted = report["received_per_region"], report["granted_per_region"]

    def row(label: str, path: str, kind: str = "int", total_path: str | None = None) -> StatisticsRow:
        values = _at(report, path)
        cells = [Cell(values[c], kind, f"{path}.{c}" in hidden) for c in codes]
        if total_path is not None:
            total = Cell(_at(report, total_path), kind, total_path in hidden)
        elif path in region_totals:
            total = Cell(region_totals[path], kind, region_totals[path] is None)
        else:
            total = Cell(sum(v or 0 for v in values.values()), kind)
        return StatisticsRow(label, cells, total if len(codes) > 1 else None)

    rate_cells = []
    for code in codes:
        rate_hidden = f"received_per_region.{code}" in hidden or f"granted_per_region.{code}" in hidden
        rate = None if rate_hidden else percent(granted[code], received[code])
        rate_cells.append(Cell(rate, "percent", rate_hidden))
    rate_total = Cell(apps["grant_rate_percent"], "percent", "applications.grant_rate_percent" in hidden)

    cost_path = f"costs_nok_per_region_per_year.{year}"
    costs = report["costs_nok_per_region_per_year"]
    cost_cells = [
        Cell(costs[c].get(str(year)), "nok", f"costs_nok_per_region_per_year.{c}.{year}" in hidden) for c in codes
    ]
    if cost_path in region_totals:
        cost_total = Cell(region_totals[cost_path], "nok", region_totals[cost_path] is None)
    else:
        cost_total = Cell(sum(costs[c].get(str(year)) or 0 for c in codes), "nok")

    result.rows = [
        row(_("Applications received"), "received_per_region", total_path="applications.received"),
        row(_("Applications granted"), "granted_per_region", total_path="applications.granted"),
        StatisticsRow(_("Grant rate"), rate_cells, rate_total if len(codes) > 1 else None),
        row(
            _("Still being processed at year end"),
            "pending_at_year_end_per_region",
            total_path="applications.pending_at_year_end",
        ),
        row(_("Children among the granted"), "children_granted_per_region", total_path="children.granted"),
        row(_("Appeals against rejection received"), "appeals.appeals_against_rejection_received"),
        row(_("Rejections reversed by the office"), "appeals.reversed_by_office"),
        row(_("Appeals forwarded to the board"), "appeals.forwarded_to_board"),
        row(_("Upheld by the board"), "appeals.board_decisions_received.upheld"),
        row(_("Reversed by the board"), "appeals.board_decisions_received.reversed"),
        StatisticsRow(_("Costs of applications (NOK)"), cost_cells, cost_total if len(codes) > 1 else None),
        row(_("Referrals to particle therapy"), "particle_therapy.patients"),
        row(_("Costs of particle therapy (NOK)"), "particle_therapy.costs_nok", "nok"),
    ]
    return result


def _scoped_report(scope: Scope, year: int) -> dict[str, Any]:
    """The report's figures for the scope: as computed for every region; suppressed for an office's regions."""
    report = annual.compute(year, regions=scope.regions)
    return report if scope.national else suppression.protect_report(report)


def _at(report: dict[str, Any], path: str) -> Any:
    data: Any = report
    for part in path.split("."):
        data = data[part]
    return data
