"""The annual report's figures, computed per the annual-report contract's definitions.

``compute(year)`` returns the contract's JSON dict (more keys may be added; the fixed ones never change). Every
figure is an aggregate computed in the database: six queries, whatever the number of cases, each bounded by
an indexed date range. Treatment abroad's figures come from its selectors (``vegvis.abroad.report_data``: plain
rows, never its tables); Python only folds the few aggregated rows (years × regions × routes) into the report's
shape.

Where a year has no case-level data, the imported historical aggregate (``HistoricalFigure``) is used; where a
year has case-level data, the historical figure for that year is ignored. See docs/modules/reports.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from vegvis.abroad import report_data
from vegvis.abroad.report_data import APPLICATION_ROUTES, NORDIC_PROTOCOL, PARTICLE_THERAPY
from vegvis.core import icd10
from vegvis.core.models import Region
from vegvis.reports.models import HistoricalFigure
from vegvis.statistics.numbers import percent

NORDIC_COUNTRIES = ("SE", "DK", "FI", "IS", "NO")
SERIES_YEARS = 10  # applications and average cost: the last ten years, as the 2020 report (2011–2020)
COST_YEARS = 6  # costs per region: the last six years, as the 2020 report (2015–2020)
HOSPITAL_POOL_BELOW = 5  # hospitals with fewer granted applications are pooled as "other"
CHAPTER_LEFT_OUT_AT_OR_BELOW = 5  # percent: smaller diagnosis chapters are left out
OTHER = "other"


def whole_nok(amount: Decimal | int | None) -> int:
    return int(Decimal(amount or 0).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def region_codes(regions: Sequence[str] | None = None) -> list[dict[str, str]]:
    """The regions in the report's order (code, name, short name); all of them, or those asked for."""
    rows = Region.objects.order_by("order").values_list("code", "name", "short_name")
    return [
        {"code": code, "name": name, "short_name": short}
        for code, name, short in rows
        if regions is None or code in regions
    ]


def compute(year: int, *, regions: Sequence[str] | None = None) -> dict[str, Any]:
    """The annual report for ``year``: all regions, or (for an office lead) the regions given."""
    region_rows = region_codes(regions)
    codes = [r["code"] for r in region_rows]
    scope = None if regions is None else codes
    first_year = year - SERIES_YEARS + 1

    history = _history(first_year, year, scope)
    series, chapters = report_data.application_series(first_year, year, scope)
    by_route_region = report_data.cases_received_in_year(year, scope)
    hospitals = _granted_per_hospital(by_route_region)
    costs = _costs(first_year, year, scope)
    appeals = report_data.appeal_events(year, scope)

    def zeros() -> dict[str, int]:
        return dict.fromkeys(codes, 0)

    # 3.1 Applications and grants per year: case-level years win over the history.
    received_per_year: dict[int, int] = {}
    granted_per_year: dict[int, int] = {}
    received_source: dict[int, str] = {}
    for y, value in history.national.get(HistoricalFigure.Metric.APPLICATIONS_RECEIVED, {}).items():
        received_per_year[y] = int(value)
        received_source[y] = "history"
    for y, value in history.national.get(HistoricalFigure.Metric.APPLICATIONS_GRANTED, {}).items():
        granted_per_year[y] = int(value)
    for y, (received, granted) in series.items():
        received_per_year[y] = received
        granted_per_year[y] = granted
        received_source[y] = "cases"

    # Received in the year, per route and region.
    per_region = {key: zeros() for key in ("received", "granted", "pending", "children_granted")}
    particle_patients = zeros()
    nordic_children = 0
    for row in by_route_region:
        code = row["region"]
        if code not in per_region["received"]:
            continue
        if row["route"] in APPLICATION_ROUTES:
            per_region["received"][code] += row["received"]
            per_region["granted"][code] += row["granted"]
            per_region["pending"][code] += row["pending"]
            per_region["children_granted"][code] += row["children_granted"]
        elif row["route"] == PARTICLE_THERAPY:
            particle_patients[code] += row["received"]
        elif row["route"] == NORDIC_PROTOCOL:
            nordic_children += row["children"]
    received = sum(per_region["received"].values())
    granted = sum(per_region["granted"].values())
    children = sum(per_region["children_granted"].values())

    # 3.3 Countries and hospitals.
    per_country: dict[str, int] = defaultdict(int)
    hospital_list: list[dict[str, Any]] = []
    pooled_count = pooled_institutions = 0
    for row in hospitals:
        if row["hospital_id"] is None:
            continue
        per_country[row["country"]] += row["count"]
        if row["count"] < HOSPITAL_POOL_BELOW:
            pooled_count += row["count"]
            pooled_institutions += 1
        else:
            hospital_list.append({"hospital": row["name"], "country": row["country"], "count": row["count"]})
    hospital_list.sort(key=lambda h: (-h["count"], h["hospital"]))
    if pooled_institutions:
        hospital_list.append({"hospital": OTHER, "institutions": pooled_institutions, "count": pooled_count})
    nordic = sum(n for country, n in per_country.items() if country in NORDIC_COUNTRIES)

    # 3.4 Diagnosis chapters of granted applications, this year and last.
    granted_last_year = series.get(year - 1, (0, 0))[1]
    chapter_percent: dict[str, dict[str, int]] = {}
    chapter_counts: dict[str, dict[str, int]] = {}
    for chapter in icd10.chapters():
        this_year = chapters.get((year, chapter.key), 0)
        if not granted or this_year * 100 <= CHAPTER_LEFT_OUT_AT_OR_BELOW * granted:
            continue
        shares = {}
        counts = {}
        if granted_last_year:
            last = chapters.get((year - 1, chapter.key), 0)
            shares[str(year - 1)] = percent(last, granted_last_year) or 0
            counts[str(year - 1)] = last
        shares[str(year)] = percent(this_year, granted) or 0
        counts[str(year)] = this_year
        chapter_percent[chapter.key] = shares
        chapter_counts[chapter.key] = counts

    # 3.5 Costs per region per year, and the average cost per granted application.
    cost_years = range(year - COST_YEARS + 1, year + 1)
    costs_per_region: dict[str, dict[str, int]] = {code: {} for code in codes}
    cost_source: dict[int, str] = {}
    total_costs: dict[int, Decimal] = {}
    for y in range(first_year, year + 1):
        if y in costs.application_years:
            values = {code: costs.applications.get((y, code), Decimal(0)) for code in codes}
            cost_source[y] = "cases"
        elif y in history.costs_years:
            values = {
                code: history.regional[HistoricalFigure.Metric.COSTS_NOK].get((y, code), Decimal(0)) for code in codes
            }
            cost_source[y] = "history"
        else:
            continue
        total_costs[y] = sum(values.values(), Decimal(0))
        if y in cost_years:
            for code in codes:
                costs_per_region[code][str(y)] = whole_nok(values[code])
    average_cost = {
        str(y): whole_nok(total_costs[y] / granted_per_year[y]) for y in sorted(total_costs) if granted_per_year.get(y)
    }

    # 3.6 Appeals, 3.7 particle therapy.
    appeal_tables = {key: zeros() for key in ("received", "reversed", "forwarded", "upheld", "board_reversed")}
    for row in appeals:
        if row["region"] in appeal_tables["received"]:
            for key in appeal_tables:
                appeal_tables[key][row["region"]] += row[key]
    particle_costs = {code: whole_nok(costs.particle.get((year, code))) for code in codes}

    in_window = [y for y in sorted(received_per_year) if first_year <= y <= year]
    return {
        "year": year,
        "regions": codes,
        "region_names": {r["code"]: r["short_name"] for r in region_rows},
        "applications": {
            "received_per_year": {str(y): received_per_year[y] for y in in_window},
            "granted_per_year": {str(y): granted_per_year[y] for y in sorted(granted_per_year) if y <= year},
            "received": received,
            "granted": granted,
            "grant_rate_percent": percent(granted, received),
            "pending_at_year_end": sum(per_region["pending"].values()),
        },
        "received_per_region": per_region["received"],
        "granted_per_country": dict(sorted(per_country.items(), key=lambda item: (-item[1], item[0]))),
        "granted_nordic_percent": percent(nordic, granted),
        "granted_per_hospital": hospital_list,
        "diagnosis_chapters_percent": chapter_percent,
        "children": {"granted": children, "percent_of_granted": percent(children, granted)},
        "costs_nok_per_region_per_year": costs_per_region,
        "average_cost_per_granted_per_year": average_cost,
        "appeals": {
            "appeals_against_rejection_received": appeal_tables["received"],
            "reversed_by_office": appeal_tables["reversed"],
            "forwarded_to_board": appeal_tables["forwarded"],
            "board_decisions_received": {
                "upheld": appeal_tables["upheld"],
                "reversed": appeal_tables["board_reversed"],
            },
        },
        "particle_therapy": {"patients": particle_patients, "costs_nok": particle_costs},
        "nordic_drug_protocol_children": nordic_children,
        # More than the contract's keys: what the statistics page and the methods note need.
        "granted_per_region": per_region["granted"],
        "pending_at_year_end_per_region": per_region["pending"],
        "children_granted_per_region": per_region["children_granted"],
        "granted_nordic": nordic,
        "diagnosis_chapters_count": chapter_counts,
        "sources": {
            "received_per_year": {str(y): received_source[y] for y in in_window},
            "costs": {str(y): cost_source[y] for y in sorted(cost_source)},
        },
    }


# ---------------------------------------------------------------- the queries


class _History:
    def __init__(self) -> None:
        self.national: dict[str, dict[int, Decimal]] = defaultdict(dict)
        self.regional: dict[str, dict[tuple[int, str], Decimal]] = defaultdict(dict)
        self.costs_years: set[int] = set()


def _history(first_year: int, last_year: int, regions: Sequence[str] | None) -> _History:
    """Imported aggregates. Scoped to regions, the national series (no region) cannot be split, so it is left out."""
    history = _History()
    rows = HistoricalFigure.objects.filter(year__range=(first_year, last_year)).values(
        "metric", "year", "region__code", "value"
    )
    for row in rows:
        code = row["region__code"]
        if code is None:
            if regions is None:
                history.national[row["metric"]][row["year"]] = row["value"]
        elif regions is None or code in regions:
            history.regional[row["metric"]][(row["year"], code)] = row["value"]
            if row["metric"] == HistoricalFigure.Metric.COSTS_NOK:
                history.costs_years.add(row["year"])
    return history


def _granted_per_hospital(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Granted applications per hospital, folded from the year's rows."""
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["route"] in APPLICATION_ROUTES and row["granted"] and row["hospital_id"] is not None:
            hospital = found.setdefault(
                row["hospital_id"],
                {"hospital_id": row["hospital_id"], "name": row["name"], "country": row["country"], "count": 0},
            )
            hospital["count"] += row["granted"]
    return list(found.values())


class _Costs:
    def __init__(self) -> None:
        self.applications: dict[tuple[int, str], Decimal] = {}
        self.particle: dict[tuple[int, str], Decimal] = {}
        self.application_years: set[int] = set()


def _costs(first_year: int, last_year: int, regions: Sequence[str] | None) -> _Costs:
    """Expenses booked per year and region: for applications, and for particle therapy (by booking year)."""
    costs = _Costs()
    for row in report_data.expenses_booked(first_year, last_year, regions):
        key = (row["y"], row["region"])
        if row["applications"] is not None:
            costs.applications[key] = row["applications"]
            costs.application_years.add(row["y"])
        if row["particle"] is not None:
            costs.particle[key] = row["particle"]
    return costs


def years_with_data() -> list[int]:
    """Years a report can be made for: with applications received, or with imported history."""
    case_years = report_data.application_years()
    history_years = set(HistoricalFigure.objects.values_list("year", flat=True).distinct())
    return sorted(case_years | history_years, reverse=True)


def region_names(codes: Iterable[str]) -> dict[str, str]:
    return {r["code"]: r["short_name"] for r in region_codes(list(codes))}
