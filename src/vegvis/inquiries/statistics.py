"""The desk's figures for the association's yearly account: new inquiries, the share of assistance cases, the
service concerned, channel, outcome, failure type and the time from inquiry to closing, small numbers suppressed
by the statistics kit. One definition (``DeskStatistics.tables``) feeds the page, its charts and every export.

Which cases count where (docs/modules/inquiries.md, "Statistics"):
- *inquiries of the year*: received in the year (``Inquiry.year``, the local year of ``received_at``); they are
  counted by kind of case (information, assistance, not yet triaged), per service and per channel;
- *closed in the year*: cases whose ``closed_at`` falls in the year, whenever they came in; they are counted by
  outcome and failure type, and their time from inquiry to closing is measured in calendar days.
"""

from __future__ import annotations

import statistics as pystats
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.core.models import Organisation
from vegvis.inquiries.models import Case, Channel, FailureType, Inquiry, Kind, Outcome, Service
from vegvis.statistics import charts as kit
from vegvis.statistics import exports
from vegvis.statistics.numbers import share
from vegvis.statistics.suppression import SMALL_BELOW
from vegvis.statistics.tables import HIDDEN, Column, Table, counts_table

PERMISSION = "inquiries.view_case"  # the association's case workers and lead; not its medical advisers
UNTRIAGED = "untriaged"
# Limits of the time to closing, in days: "closed within 30 days", "within 90 days".
WITHIN = (30, 90)


def short_service_labels() -> list[str]:
    """The services as column headers, short enough for four of them side by side on an A4 page."""
    return [_("GP"), _("Specialist care"), _("Municipal"), _("Other")]


def statistics_organisations(principal: Principal) -> QuerySet[Organisation]:
    """The associations whose figures the principal may see: those where they are desk staff."""
    grant = principal.grant(PERMISSION)
    organisations = Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION).order_by("name")
    return organisations if grant.everywhere else organisations.filter(pk__in=sorted(grant.organisation_ids))


def statistics_organisation(principal: Principal, organisation_id: int | None) -> Organisation:
    """The association asked for (or the principal's first); 404 for one the principal is not staff of."""
    organisations = statistics_organisations(principal)
    chosen = organisations.filter(pk=organisation_id).first() if organisation_id else organisations.first()
    if chosen is None:
        raise Http404
    return chosen


def statistics_years(organisation: Organisation) -> list[int]:
    """Years with inquiries, newest first."""
    return sorted(set(Inquiry.objects.filter(organisation=organisation).values_list("year", flat=True)), reverse=True)


@dataclass
class DeskStatistics:
    """The raw counts of one association and year (no person in them), and the suppressed tables made from them."""

    organisation: Organisation
    year: int
    # (kind or UNTRIAGED, service or channel) → inquiries of the year
    by_service: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_channel: Counter[tuple[str, str]] = field(default_factory=Counter)
    # closed in the year: (kind, outcome), (failure type, service), and each case's days to closing by kind
    by_outcome: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_failure: Counter[tuple[str, str]] = field(default_factory=Counter)
    days: dict[str, list[int]] = field(default_factory=dict)
    threshold: int = SMALL_BELOW

    # ---------------------------------------------------------------- plain figures (before suppression)

    def count(self, kind: str) -> int:
        return sum(n for (k, _service), n in self.by_service.items() if k == kind)

    @property
    def inquiries(self) -> int:
        return sum(self.by_service.values())

    @property
    def triaged(self) -> int:
        return self.count(Kind.INFORMATION) + self.count(Kind.ASSISTANCE)

    @property
    def assistance_share(self) -> int | None:
        """Assistance cases as a whole percentage of the year's triaged inquiries."""
        return share(self.count(Kind.ASSISTANCE), self.triaged)

    def median_days(self, kind: str | None = None) -> float | None:
        days = self.all_days if kind is None else self.days.get(kind, [])
        return pystats.median(days) if days else None

    @property
    def all_days(self) -> list[int]:
        return [d for values in self.days.values() for d in values]

    # ---------------------------------------------------------------- tables

    def tables(self) -> dict[str, Table]:
        """Every table, in the page's order, keyed by name. Counts of 1–4 and figures that would reveal them are
        «skjult»; a share or median resting on a hidden count is hidden with it."""
        year = self.year
        kinds = [(Kind.INFORMATION.value, _("Information cases")), (Kind.ASSISTANCE.value, _("Assistance cases"))]
        kind_columns = [*kinds, (UNTRIAGED, _("Not yet triaged"))]
        if not any(k == UNTRIAGED for k, _s in self.by_service):
            kind_columns = kinds  # a column of zeros says nothing
        found: dict[str, Table] = {}

        found["summary"] = self._summary(kinds)
        for key, counts, labels, caption, head in (
            (
                "service",
                self.by_service,
                Service.choices,
                _("Inquiries in %(year)s by service concerned"),
                _("Service"),
            ),
            ("channel", self.by_channel, Channel.choices, _("Inquiries in %(year)s by channel"), _("Channel")),
        ):
            table, _protected = counts_table(
                key=key,
                caption=caption % {"year": year},
                sheet=head,
                label_header=head,
                row_labels=[str(label) for _v, label in labels],
                columns=[str(label) for _k, label in kind_columns],
                cells=[[counts[(k, value)] for k, _l in kind_columns] for value, _label in labels],
                column_totals=True,
                threshold=self.threshold,
            )
            found[key] = table

        outcome_labels = list(Outcome.choices)
        table, _protected = counts_table(
            key="outcome",
            caption=_("Cases closed in %(year)s by outcome") % {"year": year},
            sheet=_("Outcome"),
            label_header=_("Outcome"),
            row_labels=[str(label) for _v, label in outcome_labels],
            columns=[str(label) for _k, label in kinds],
            cells=[[self.by_outcome[(k, value)] for k, _l in kinds] for value, _label in outcome_labels],
            column_totals=True,
            threshold=self.threshold,
        )
        found["outcome"] = table

        failure_labels = list(FailureType.choices)
        table, _protected = counts_table(
            key="failure",
            caption=_("Assistance cases closed in %(year)s by failure type found and service") % {"year": year},
            sheet=_("Failure type"),
            label_header=_("Failure type"),
            row_labels=[str(label) for _v, label in failure_labels],
            columns=[str(label) for label in short_service_labels()],
            cells=[[self.by_failure[(value, s)] for s, _l in Service.choices] for value, _label in failure_labels],
            column_totals=True,
            threshold=self.threshold,
        )
        found["failure"] = table

        found["time"] = self._time(kinds)
        return found

    def _summary(self, kinds: list[tuple[str, Any]]) -> Table:
        """The year's triaged inquiries by the kind of case they became, as counts and shares (the share of
        assistance cases is the yearly account's headline). Inquiries not yet triaged are in the tables by service
        and channel."""
        cells = [self.count(k) for k, _l in kinds]
        table, protected = counts_table(
            key="summary",
            caption=_("Inquiries of %(year)s by the kind of case they became") % {"year": self.year},
            sheet=_("Kind of case"),
            label_header=_("Kind of case"),
            row_labels=[str(label) for _k, label in kinds],
            columns=[_("Inquiries")],
            cells=[[n] for n in cells],
            row_totals=False,
            column_totals=True,
            total_label=_("Triaged inquiries"),
            threshold=self.threshold,
        )
        total_hidden = protected.column_total_hidden(0)
        rows = []
        for index, row in enumerate(table.rows[:-1]):
            hidden = protected.cell_hidden(index, 0) or total_hidden
            rows.append([*row, HIDDEN if hidden and self.triaged else share(cells[index], self.triaged)])
        rows.append([*table.rows[-1], 100 if self.triaged else None])
        table.columns.append(Column(_("Share"), "percent"))
        table.rows = rows
        table.note = _("Shares are of the inquiries of the year that were triaged, rounded half up.")
        return table

    def _time(self, kinds: list[tuple[str, Any]]) -> Table:
        """Days from inquiry to closing of the cases closed in the year: how many within 30, 31–90 and over 90
        days (suppressed as counts), the median, and the shares closed within 30 and 90 days."""
        low, high = WITHIN
        buckets = [[0, 0, 0] for _k in kinds]
        for index, (kind, _label) in enumerate(kinds):
            for days in self.days.get(kind, []):
                buckets[index][0 if days <= low else 1 if days <= high else 2] += 1
        _counts, protected = counts_table(
            key="time",
            caption="",
            row_labels=[str(label) for _k, label in kinds],
            columns=["a", "b", "c"],
            cells=buckets,
            column_totals=True,
            threshold=self.threshold,
        )
        rows: list[list[Any]] = []
        for index in range(len(kinds) + 1):
            total_row = index == len(kinds)
            label = _("All closed cases") if total_row else str(kinds[index][1])

            def hidden(column: int, index: int = index, total_row: bool = total_row) -> bool:
                if total_row:
                    return protected.column_total_hidden(column)
                return protected.cell_hidden(index, column)

            total_hidden = ("grand", 0, 0) in protected.hidden if total_row else protected.row_total_hidden(index)
            bucket = [sum(b[c] for b in buckets) for c in range(3)] if total_row else buckets[index]
            closed = sum(bucket)
            within_low = None if hidden(0) or total_hidden else share(bucket[0], closed)
            # Within 90 days is shown when its count can be read: both buckets shown, or the total and the rest.
            readable = (not hidden(0) and not hidden(1)) or (not hidden(2) and not total_hidden)
            within_high = share(bucket[0] + bucket[1], closed) if readable and not total_hidden else None
            closing_days = self.all_days if total_row else self.days.get(kinds[index][0], [])
            median = pystats.median(closing_days) if closing_days else None
            small = 0 < closed < self.threshold
            rows.append(
                [
                    label,
                    HIDDEN if total_hidden else closed,
                    HIDDEN if small else (None if median is None else round(median)),
                    HIDDEN if within_low is None and closed else within_low,
                    HIDDEN if within_high is None and closed else within_high,
                ]
            )
        return Table(
            "time",
            _("Time to closing"),
            _("Time from inquiry to closing, cases closed in %(year)s") % {"year": self.year},
            [
                Column(_("Kind of case"), "text"),
                Column(_("Closed cases")),
                Column(_("Median days")),
                Column(_("Closed within 30 days"), "percent"),
                Column(_("Closed within 90 days"), "percent"),
            ],
            rows,
            total_last=True,
            note=_(
                "Calendar days from the day the inquiry came in to the day the case was closed; the median rounded."
            ),
        )


def desk_statistics(organisation: Organisation, year: int) -> DeskStatistics:
    """The figures of one association and year, in five aggregate queries and one of closing times."""
    stats = DeskStatistics(organisation=organisation, year=year)
    inquiries = Inquiry.objects.filter(organisation=organisation, year=year)
    for field_name, counter in (("service", stats.by_service), ("channel", stats.by_channel)):
        # An inquiry added to a case the person already had counts as that case's kind.
        triaged_as = Coalesce("case__kind", "attached_to__kind")
        for row in inquiries.values(field_name, kind=triaged_as).annotate(n=Count("id")).order_by():
            counter[(row["kind"] or UNTRIAGED, row[field_name])] += row["n"]
    closed = Case.objects.filter(organisation=organisation, closed_at__year=year, status="closed")
    for row in closed.values("kind", "outcome").annotate(n=Count("id")).order_by():
        stats.by_outcome[(row["kind"], row["outcome"])] += row["n"]
    assistance = closed.filter(kind=Kind.ASSISTANCE)
    for row in assistance.values("failure_type", "inquiry__service").annotate(n=Count("id")).order_by():
        stats.by_failure[(row["failure_type"] or FailureType.NONE.value, row["inquiry__service"])] += row["n"]
    for kind, received_at, closed_at in closed.values_list("kind", "inquiry__received_at", "closed_at").order_by():
        days = (timezone.localdate(closed_at) - timezone.localdate(received_at)).days
        stats.days.setdefault(kind, []).append(max(days, 0))
    return stats


# ---------------------------------------------------------------- charts

CHARTS = ("service", "channel", "outcome", "failure", "time")
CHART_WIDTH = 5.0  # inches


def _total_column(table: Table) -> int:
    return len(table.columns) - 1


def _bar_chart(table: Table, column: int, *, percent: bool = False) -> Any:
    """One horizontal bar per row of the table (the total row left out), its figure at the end, «skjult» where
    it is hidden."""
    rows = table.rows[:-1] if table.total_last else table.rows
    rows = list(reversed(rows))  # the first row on top
    figure, axes = kit.new_figure(0.45 * len(rows) + 0.8)
    figure.set_size_inches(CHART_WIDTH, 0.4 * len(rows) + 0.6)  # narrower than the page: readable on a phone
    values = [row[column] for row in rows]
    heights = [0 if v is HIDDEN or v is None else v for v in values]
    labels = [textwrap.fill(str(row[0]), 20) for row in rows]  # long service names on two lines
    bars = axes.barh(labels, heights, color=kit.PALETTE[0], height=0.6)
    fmt = (lambda v: f"{round(v)} %") if percent else kit.thousands
    kit.label_bars(axes, bars, horizontal=True, fmt=fmt, hidden=[None if v is HIDDEN else v for v in values])
    if any(heights):
        axes.set_xlim(0, max(heights) * 1.18)
    axes.spines["bottom"].set_visible(False)
    axes.set_xticks([])
    return figure


def chart_svg(name: str, stats: DeskStatistics) -> bytes:
    tables = stats.tables()
    if name == "time":
        return kit.svg(lambda t: _bar_chart(t, 3, percent=True), tables["time"])
    table = tables[name]
    return kit.svg(lambda t: _bar_chart(t, _total_column(t)), table)


def chart_titles() -> dict[str, str]:
    return {
        "service": _("Inquiries by service concerned"),
        "channel": _("Inquiries by channel"),
        "outcome": _("Closed cases by outcome"),
        "failure": _("Assistance cases by failure type found"),
        "time": _("Share of cases closed within 30 days"),
    }


def chart_alt(name: str, stats: DeskStatistics) -> str:
    """A text alternative: the bars' labels and figures as a sentence."""
    tables = stats.tables()
    table = tables[name]
    column = 3 if name == "time" else _total_column(table)
    rows = table.rows[:-1] if table.total_last else table.rows
    parts = [f"{row[0]}: {table.rendered_rows()[i][column][0]}" for i, row in enumerate(rows)]
    return f"{chart_titles()[name]}. " + "; ".join(parts) + "."


# ---------------------------------------------------------------- exports

DOWNLOADS = ("pdf", "xlsx", "json")


def title(stats: DeskStatistics) -> str:
    return _("Inquiry desk statistics %(year)s – %(organisation)s") % {
        "year": stats.year,
        "organisation": stats.organisation.name,
    }


def lead(stats: DeskStatistics) -> str:
    return _(
        "Inquiries received in the year, and cases closed in the year. Aggregates only: no person is shown. "
        "Counts of 1 to 4, and figures from which such a count could be worked out, are hidden."
    )


def export(kind: str, stats: DeskStatistics) -> bytes:
    tables = stats.tables()
    if kind == "json":
        return exports.json_bytes(
            {
                "organisation": stats.organisation.name,
                "year": stats.year,
                "new_inquiries": _shown(tables["service"].rows[-1][-1]),
                "assistance_share": _shown(tables["summary"].rows[1][2]),
                "tables": [exports.table_data(t) for t in tables.values()],
                "suppression": {
                    "threshold": stats.threshold,
                    "rule": "counts 1 to threshold-1, and figures that would reveal them",
                },
            }
        )
    if kind == "xlsx":
        about = exports.About(
            sheet=_("About"),
            title=title(stats),
            lines=[_("Made by Vegvis %(when)s") % {"when": timezone.localtime().strftime("%d.%m.%Y %H:%M")}],
            notes=[lead(stats)],
        )
        return exports.xlsx(tables.values(), about=about)
    if kind == "pdf":
        items: list[Table | exports.Chart] = []
        for key, table in tables.items():
            items.append(table)
            if key in CHARTS:
                items.append(exports.Chart(chart_svg(key, stats), chart_titles()[key], chart_alt(key, stats)))
        return exports.pdf(title(stats), items, lead=lead(stats))
    raise ValueError(kind)


def _shown(value: Any) -> Any:
    """A figure as the tables show it, None when hidden."""
    return None if value is HIDDEN else value


# ---------------------------------------------------------------- years

FIRST_YEAR, LAST_YEAR = 2000, 2100


def default_year(organisation: Organisation) -> int:
    """The last whole year when it has inquiries (the yearly account's year), else the newest year with any."""
    last_whole = timezone.localdate().year - 1
    years = statistics_years(organisation)
    if last_whole in years or not years:
        return last_whole
    return years[0]
