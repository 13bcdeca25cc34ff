"""Selectors of treatment abroad's aggregates for the national network's annual report (``reports.annual``).

Each function is one query that counts or sums in the database and returns plain rows (dicts and numbers), never
a case or a person, so the report reads treatment abroad through these and never through its tables. Each is
bounded by an indexed date range (``Case.received_date``, ``Expense.booked_date``, the appeal dates). They are not
filtered by a principal: the report's own selectors decide which regions the asker may see and pass them as
``regions`` (None: every region).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, LessThan

from vegvis.abroad.models import GRANT_OUTCOMES, Appeal, Case, Expense, Route

# The contract's definitions: an application is a case for treatment abroad or PGD; referrals to particle therapy
# and to Nordic drug protocols are counted on their own.
APPLICATION_ROUTES = (Route.TREATMENT_ABROAD.value, Route.PGD.value)
PARTICLE_THERAPY = Route.PARTICLE_THERAPY.value
NORDIC_PROTOCOL = Route.NORDIC_DRUG_PROTOCOL.value
GRANTED = Q(final_outcome__in=sorted(GRANT_OUTCOMES))


def _year_range(first: int, last: int) -> tuple[date, date]:
    return date(first, 1, 1), date(last, 12, 31)


def _child_condition() -> Q:
    """Under 18 on the day the case was received, computed in the database (no per-case Python)."""
    years = ExtractYear("received_date") - ExtractYear("patient__birth_date")
    received_day = ExtractMonth("received_date") * 100 + ExtractDay("received_date")
    birthday = ExtractMonth("patient__birth_date") * 100 + ExtractDay("patient__birth_date")
    return Q(LessThan(years, 18)) | (Q(Exact(years, 18)) & Q(LessThan(received_day, birthday)))


def _scoped(queryset: QuerySet[Any], path: str, regions: Sequence[str] | None) -> QuerySet[Any]:
    return queryset if regions is None else queryset.filter(**{f"{path}__in": list(regions)})


def application_series(
    first_year: int, last_year: int, regions: Sequence[str] | None
) -> tuple[dict[int, tuple[int, int]], dict[tuple[int, str], int]]:
    """One pass over the applications received in the window, per year and ICD-10 chapter: the series
    ``{year: (received, granted)}`` and the granted ``{(year, chapter): count}``."""
    queryset = Case.objects.filter(
        route__in=APPLICATION_ROUTES, received_date__range=_year_range(first_year, last_year)
    )
    rows = (
        _scoped(queryset, "patient__home_region__code", regions)
        .annotate(y=ExtractYear("received_date"))
        .values("y", "diagnosis_chapter")
        .annotate(received=Count("pk"), granted=Count("pk", filter=GRANTED))
        .order_by()
    )
    series: dict[int, tuple[int, int]] = {}
    chapters: dict[tuple[int, str], int] = {}
    for row in rows:
        received, granted = series.get(row["y"], (0, 0))
        series[row["y"]] = (received + row["received"], granted + row["granted"])
        chapters[(row["y"], row["diagnosis_chapter"])] = row["granted"]
    return series, chapters


def cases_received_in_year(year: int, regions: Sequence[str] | None) -> list[dict[str, Any]]:
    """One pass over the cases received in the year, per route, home region and hospital: received, granted,
    pending at year end, children, children granted. Each row: ``route``, ``region``, ``hospital_id``, ``name``
    and ``country`` of the hospital, and the five counts."""
    year_start, year_end = _year_range(year, year)
    child = _child_condition()
    queryset = Case.objects.filter(
        route__in=[*APPLICATION_ROUTES, PARTICLE_THERAPY, NORDIC_PROTOCOL], received_date__range=(year_start, year_end)
    )
    rows = (
        _scoped(queryset, "patient__home_region__code", regions)
        .values(
            "route",
            "hospital_id",
            region=F("patient__home_region__code"),
            name=F("hospital__name"),
            country=F("hospital__country"),
        )
        .annotate(
            received=Count("pk"),
            granted=Count("pk", filter=GRANTED),
            pending=Count("pk", filter=Q(decided_on__isnull=True) | Q(decided_on__gt=year_end)),
            children=Count("pk", filter=child),
            children_granted=Count("pk", filter=child & GRANTED),
        )
        .order_by()
    )
    return list(rows)


def expenses_booked(first_year: int, last_year: int, regions: Sequence[str] | None) -> list[dict[str, Any]]:
    """Expenses booked per year (``y``) and home region (``region``): the sum in NOK for applications
    (``applications``) and for particle therapy (``particle``); None where there is none."""
    queryset = Expense.objects.filter(booked_date__range=_year_range(first_year, last_year))
    return list(
        _scoped(queryset, "case__patient__home_region__code", regions)
        .annotate(y=ExtractYear("booked_date"))
        .values("y", region=F("case__patient__home_region__code"))
        .annotate(
            applications=Sum("amount_nok", filter=Q(case__route__in=APPLICATION_ROUTES)),
            particle=Sum("amount_nok", filter=Q(case__route=PARTICLE_THERAPY)),
        )
        .order_by()
    )


def appeal_events(year: int, regions: Sequence[str] | None) -> list[dict[str, Any]]:
    """Appeal events dated in the year, per home region (``region``): each event counts in the year it happened
    (``received``, ``reversed`` and ``forwarded`` by the office, ``upheld`` and ``board_reversed`` by the board)."""
    in_year = _year_range(year, year)
    queryset = Appeal.objects.filter(case__route__in=APPLICATION_ROUTES).filter(
        Q(received_date__range=in_year) | Q(office_date__range=in_year) | Q(board_date__range=in_year)
    )
    return list(
        _scoped(queryset, "case__patient__home_region__code", regions)
        .values(region=F("case__patient__home_region__code"))
        .annotate(
            received=Count("pk", filter=Q(received_date__range=in_year)),
            reversed=Count("pk", filter=Q(office_outcome=Appeal.OfficeOutcome.REVERSED, office_date__range=in_year)),
            forwarded=Count("pk", filter=Q(office_outcome=Appeal.OfficeOutcome.FORWARDED, office_date__range=in_year)),
            upheld=Count("pk", filter=Q(board_outcome=Appeal.BoardOutcome.UPHELD, board_date__range=in_year)),
            board_reversed=Count("pk", filter=Q(board_outcome=Appeal.BoardOutcome.REVERSED, board_date__range=in_year)),
        )
        .order_by()
    )


def application_years() -> set[int]:
    """Every year from the first to the last in which an application was received (none: empty)."""
    span = Case.objects.filter(route__in=APPLICATION_ROUTES).aggregate(
        first=Min("received_date"), last=Max("received_date")
    )
    return set(range(span["first"].year, span["last"].year + 1)) if span["first"] else set()
