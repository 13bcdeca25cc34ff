"""Reads of the reports module, filtered by the principal's scope: all regions, or the office's regions.

The report and the statistics are aggregates and never show a person. An analyst (global role) sees every
region; an office lead sees the regions the office handles (OUS: Helse Sør-Øst and Helse Nord). On the
statistics page, cells of 1–4 in an office lead's regional breakdown are suppressed (docs/modules/reports.md).
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
from vegvis.reports import annual
from vegvis.reports.models import ReportNarrative

CACHE_SECONDS = 600
SMALL_CELL_MAX = 4  # counts of 1–4 are suppressed for office leads on the statistics page


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
    scope = report_scope(principal, "reports.view_annual_report")
    return annual.compute(year, regions=scope.regions)


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
    report = annual.compute(year, regions=scope.regions)
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
    suppressed: bool = False


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
    series: dict[str, int] = field(default_factory=dict)
    suppressed: bool = False

    @property
    def show_total(self) -> bool:
        return len(self.regions) > 1


def statistics(principal: Principal, year: int) -> Statistics:
    """Key figures of the year per home region. For office leads, counts of 1–4 are shown as «under 5»."""
    scope = report_scope(principal, "reports.view_statistics")
    report = annual.compute(year, regions=scope.regions)
    names = report["region_names"]
    codes = list(report["regions"])
    suppress = not scope.national
    result = Statistics(
        year=year,
        scope=scope,
        regions=[(c, names[c]) for c in codes],
        series=report["applications"]["received_per_year"],
        suppressed=suppress,
    )
    apps_cost = {c: report["costs_nok_per_region_per_year"][c].get(str(year)) for c in codes}
    appeals = report["appeals"]
    particle = report["particle_therapy"]
    received = report["received_per_region"]
    granted = report["granted_per_region"]
    definitions: list[tuple[str, dict[str, Any], str, dict[str, Any] | None]] = [
        (_("Applications received"), received, "int", None),
        (_("Applications granted"), granted, "int", None),
        (_("Grant rate"), {c: annual.percent(granted[c], received[c]) for c in codes}, "percent", granted),
        (_("Still being processed at year end"), report["pending_at_year_end_per_region"], "int", None),
        (_("Children among the granted"), report["children_granted_per_region"], "int", None),
        (_("Appeals against rejection received"), appeals["appeals_against_rejection_received"], "int", None),
        (_("Rejections reversed by the office"), appeals["reversed_by_office"], "int", None),
        (_("Appeals forwarded to the board"), appeals["forwarded_to_board"], "int", None),
        (_("Upheld by the board"), appeals["board_decisions_received"]["upheld"], "int", None),
        (_("Reversed by the board"), appeals["board_decisions_received"]["reversed"], "int", None),
        (_("Costs of applications (NOK)"), apps_cost, "nok", granted),
        (_("Referrals to particle therapy"), particle["patients"], "int", None),
        (_("Costs of particle therapy (NOK)"), particle["costs_nok"], "nok", particle["patients"]),
    ]
    for label, values, kind, depends_on in definitions:
        result.rows.append(_row(label, values, kind, codes, suppress=suppress, depends_on=depends_on))
    rate = result.rows[2]
    if rate.total is None and len(codes) > 1:
        all_granted, all_received = sum(granted.values()), sum(received.values())
        hidden = suppress and (any(c.suppressed for c in rate.cells) or _small(all_granted))
        rate.total = Cell(None if hidden else annual.percent(all_granted, all_received), "percent", hidden)
    return result


def _small(value: Any) -> bool:
    return isinstance(value, int) and 1 <= value <= SMALL_CELL_MAX


def _row(
    label: str,
    values: dict[str, Any],
    kind: str,
    codes: list[str],
    *,
    suppress: bool,
    depends_on: dict[str, Any] | None,
) -> StatisticsRow:
    """A row of cells; a count of 1–4, or a rate or amount resting on one, is suppressed. When any cell of a row
    is suppressed, so is its total, so the hidden cell cannot be found by subtraction."""
    cells = []
    for code in codes:
        value = values.get(code)
        basis = depends_on.get(code) if depends_on is not None else value
        hidden = suppress and (_small(basis) if depends_on is not None else _small(value))
        cells.append(Cell(None if hidden else value, kind, hidden))
    total: Cell | None = None
    if len(codes) > 1:
        if kind == "percent":
            total = None
        else:
            numbers = [values.get(c) or 0 for c in codes]
            total_value = sum(numbers)
            hidden = suppress and (any(c.suppressed for c in cells) or _small(total_value))
            total = Cell(None if hidden else total_value, kind, hidden)
    return StatisticsRow(label=label, cells=cells, total=total)
