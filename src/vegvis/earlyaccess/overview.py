"""The overview per regional health authority (issue 16, item 5): patients and kinds of treatment, outcomes and
adverse events of one year, counted in the database (no person in the rows), suppressed by the statistics kit
(counts of 1–4 and what would reveal them are «skjult»), one result for the page, the XLSX and the JSON.

A treatment counts for the region of its hospital when it started (``region`` on the treatment), never another.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from vegvis.core.models import Region
from vegvis.earlyaccess.models import (
    AdverseEvent,
    AgreementKind,
    Benefit,
    Evaluation,
    ExperimentalTreatment,
    PatientTreatment,
    Seriousness,
    StopReason,
)
from vegvis.statistics import exports
from vegvis.statistics.tables import Table, counts_table

EXPERIMENTAL = "experimental"


def kinds() -> list[tuple[str, str]]:
    return [
        (AgreementKind.STANDARD.value, _("Compassionate use, standard agreement")),
        (AgreementKind.SHORT_DURATION.value, _("Compassionate use, short duration")),
        (EXPERIMENTAL, _("Experimental treatment outside studies")),
    ]


def _count(queryset: Any, field: str) -> Counter[str]:
    return Counter({row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")).order_by()})


def overview_tables(region: Region, year: int) -> list[Table]:
    """The region's tables of the year, small numbers suppressed."""
    in_region = PatientTreatment.objects.filter(region=region)
    experimental = ExperimentalTreatment.objects.filter(region=region)
    started = _count(in_region.filter(started_on__year=year), "programme__agreement_kind")
    started[EXPERIMENTAL] = experimental.filter(started_on__year=year).count()
    stopped = _count(in_region.filter(stopped_on__year=year), "programme__agreement_kind")
    stopped[EXPERIMENTAL] = experimental.filter(ended_on__year=year).count()
    labels = kinds()
    patients, _protected = counts_table(
        key="patients",
        caption=_("Patients in %(region)s %(year)s by kind of treatment") % {"region": region.name, "year": year},
        sheet=_("Patients"),
        label_header=_("Kind of treatment"),
        row_labels=[label for _k, label in labels],
        columns=[_("Started"), _("Stopped or ended")],
        cells=[[started[k], stopped[k]] for k, _l in labels],
        # No sum row: the stop-reasons table gives the compassionate-use stops' sum, and a sum of all stops
        # here would give away the experimental treatments ended (the difference), however small.
        row_totals=False,
        column_totals=False,
    )
    reasons = _count(in_region.filter(stopped_on__year=year), "stop_reason")
    outcomes, _protected = counts_table(
        key="stop_reasons",
        caption=_("Compassionate-use treatments stopped in %(year)s by reason") % {"year": year},
        sheet=_("Reasons for stopping"),
        label_header=_("Reason"),
        row_labels=[str(label) for _v, label in StopReason.choices],
        columns=[_("Treatments")],
        cells=[[reasons[v]] for v, _l in StopReason.choices],
        row_totals=False,
        column_totals=True,
    )
    benefit = _count(Evaluation.objects.filter(treatment__region=region, evaluated_on__year=year), "benefit")
    evaluations, _protected = counts_table(
        key="evaluations",
        caption=_("Evaluations of experimental treatment in %(year)s by benefit") % {"year": year},
        sheet=_("Evaluations"),
        label_header=_("Benefit"),
        row_labels=[str(label) for _v, label in Benefit.choices],
        columns=[_("Evaluations")],
        cells=[[benefit[v]] for v, _l in Benefit.choices],
        row_totals=False,
        column_totals=True,
    )
    seriousness = _count(AdverseEvent.objects.filter(treatment__region=region, occurred_on__year=year), "seriousness")
    events, _protected = counts_table(
        key="adverse_events",
        caption=_("Adverse events in experimental treatment in %(year)s by seriousness") % {"year": year},
        sheet=_("Adverse events"),
        label_header=_("Seriousness"),
        row_labels=[str(label) for _v, label in Seriousness.choices],
        columns=[_("Adverse events")],
        cells=[[seriousness[v]] for v, _l in Seriousness.choices],
        row_totals=False,
        column_totals=True,
    )
    return [patients, outcomes, evaluations, events]


def overview_xlsx(region: Region, year: int, tables: list[Table]) -> bytes:
    about = exports.About(
        sheet=_("About"),
        title=_("Early access in %(region)s %(year)s") % {"region": region.name, "year": year},
        lines=[
            _("Compassionate use under the national standard agreements, and experimental treatment outside studies.")
        ],
        notes=[_("Counts of 1 to 4, and figures that would reveal them, are hidden («skjult»).")],
    )
    return exports.xlsx(tables, about=about)


def overview_json(region: Region, year: int, tables: list[Table]) -> bytes:
    return exports.json_bytes(
        {"region": region.code, "year": year, "tables": [exports.table_data(table) for table in tables]}
    )
