"""The annual report in every format: the tables (one definition for HTML, PDF and XLSX, as statistics kit
tables), the publication's HTML (the web page and the PDF share one template), the PDF (WeasyPrint), the workbook
and JSON (the kit's exports).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vegvis.core.pdf import font_dir, write_pdf
from vegvis.reports import charts, labels
from vegvis.reports.models import ReportNarrative
from vegvis.statistics import exports
from vegvis.statistics.charts import data_uri
from vegvis.statistics.exports import About
from vegvis.statistics.numbers import NBSP, share
from vegvis.statistics.tables import HIDDEN, Column, Table, hidden_in_text

# ---------------------------------------------------------------- tables


def tables(report: dict[str, Any]) -> dict[str, Table]:
    """Every table of the report, in the publication's order, keyed by its place."""
    year = report["year"]
    names = labels.region_names(report)
    codes = list(report["regions"])
    region_columns = [Column(names[c]) for c in codes]
    apps = report["applications"]
    years = list(apps["received_per_year"])
    found: dict[str, Table] = {}
    hidden = set(report.get("hidden", ()))
    region_totals = report.get("region_totals", {})

    def shown(path: str, value: Any) -> Any:
        return HIDDEN if path in hidden else value

    def shown_share(path: str, part: Any, total_path: str, whole: Any) -> Any:
        return HIDDEN if path in hidden or total_path in hidden else share(part, whole)

    found["applications"] = Table(
        "3.1",
        _("3.1 Applications"),
        _("Applications received and granted per year"),
        [Column("", "text"), *(Column(y) for y in years)],
        [
            [
                labels.RECEIVED(),
                *(shown(f"applications.received_per_year.{y}", apps["received_per_year"][y]) for y in years),
            ],
            [
                labels.GRANTED(),
                *(shown(f"applications.granted_per_year.{y}", apps["granted_per_year"].get(y)) for y in years),
            ],
        ],
        note=_("Granted applications are not known for years imported as history without them."),
    )
    received = report["received_per_region"]
    total_received = apps["received"]
    found["regions"] = Table(
        "3.2",
        _("3.2 Regions"),
        _("Applications received in %(year)s per home region") % {"year": year},
        [Column(_("Region"), "text"), Column(_("Applications received")), Column(_("Share"), "percent")],
        [
            [
                names[c],
                shown(f"received_per_region.{c}", received[c]),
                shown_share(f"received_per_region.{c}", received[c], "applications.received", total_received),
            ]
            for c in codes
        ]
        + [[_("Total"), shown("applications.received", total_received), 100 if total_received != 0 else None]],
        total_last=True,
    )
    granted = apps["granted"]
    found["countries"] = Table(
        "3.3a",
        _("3.3 Countries"),
        _("Granted applications in %(year)s per country") % {"year": year},
        [Column(_("Country"), "text"), Column(_("Granted applications")), Column(_("Share"), "percent")],
        [
            [
                labels.country_name(c),
                shown(f"granted_per_country.{c}", n),
                shown_share(f"granted_per_country.{c}", n, "applications.granted", granted),
            ]
            for c, n in report["granted_per_country"].items()
        ],
    )
    found["hospitals"] = Table(
        "3.3b",
        _("3.3 Hospitals"),
        _("Granted applications in %(year)s per hospital") % {"year": year},
        [Column(_("Hospital"), "text"), Column(_("Country"), "text"), Column(_("Granted applications"))],
        [
            [labels.hospital_label(r), "", shown(f"granted_per_hospital.{i}.count", r["count"])]
            if r["hospital"] == "other"
            else [
                r["hospital"],
                labels.country_name(r["country"]),
                shown(f"granted_per_hospital.{i}.count", r["count"]),
            ]
            for i, r in enumerate(report["granted_per_hospital"])
        ],
        note=_("Hospitals with fewer than five granted applications are pooled as «others»."),
    )
    chapter_years = [str(year - 1), str(year)]
    chapters = report["diagnosis_chapters_percent"]
    found["diagnoses"] = Table(
        "3.4a",
        _("3.4 Diagnosis groups"),
        _("Share of granted applications by diagnosis group (ICD-10 chapter), all ages"),
        [Column(_("Diagnosis group"), "text"), *(Column(y, "percent") for y in chapter_years)],
        [
            [labels.chapter_title(k), *(shown(f"diagnosis_chapters_percent.{k}.{y}", v.get(y)) for y in chapter_years)]
            for k, v in chapters.items()
        ],
        note=_("Groups of five percent or less are left out."),
    )
    children = report["children"]
    found["children"] = Table(
        "3.4b",
        _("3.4 Children"),
        _("Children (under 18) among the granted applications in %(year)s") % {"year": year},
        [Column("", "text"), Column(_("Number")), Column(_("Share of granted"), "percent")],
        [
            [
                _("Children"),
                shown("children.granted", children["granted"]),
                shown("children.percent_of_granted", children["percent_of_granted"]),
            ]
        ],
    )
    per_region = report["costs_nok_per_region_per_year"]
    cost_years = sorted({y for values in per_region.values() for y in values})
    totals = [
        shown(f"region_totals.costs_nok_per_region_per_year.{y}", region_totals[f"costs_nok_per_region_per_year.{y}"])
        if f"costs_nok_per_region_per_year.{y}" in region_totals
        else sum(per_region[c].get(y) or 0 for c in codes)
        for y in cost_years
    ]
    found["costs"] = Table(
        "3.5a",
        _("3.5 Costs"),
        _("Costs in NOK per home region and year"),
        [Column(_("Region"), "text"), *(Column(y, "nok") for y in cost_years)],
        [
            [names[c], *(shown(f"costs_nok_per_region_per_year.{c}.{y}", per_region[c].get(y)) for y in cost_years)]
            for c in codes
        ]
        + [[_("Total"), *totals]],
        total_last=True,
    )
    average = report["average_cost_per_granted_per_year"]
    found["average_cost"] = Table(
        "3.5b",
        _("3.5 Average cost"),
        _("Average cost in NOK per granted application (treatment, travel and stay)"),
        [Column("", "text"), *(Column(y, "nok") for y in average)],
        [
            [
                _("Per granted application"),
                *(shown(f"average_cost_per_granted_per_year.{y}", v) for y, v in average.items()),
            ]
        ],
    )
    appeal_rows = [
        (label, {c: shown(f"{path}.{c}", values[c]) for c in codes})
        for label, values, path in labels.appeal_rows_with_paths(report)
    ]
    found["appeals"] = Table(
        "3.6a",
        _("3.6 Appeals"),
        _("Appeals against rejections, and appeals sent to the appeals board, in %(year)s") % {"year": year},
        [Column("", "text"), *region_columns],
        [[label, *(values[c] for c in codes)] for label, values in appeal_rows[:3]],
    )
    found["board"] = Table(
        "3.6b",
        _("3.6 Board decisions"),
        _("Decisions received from the appeals board in %(year)s") % {"year": year},
        [Column("", "text"), *region_columns],
        [[label, *(values[c] for c in codes)] for label, values in appeal_rows[3:]],
        note=_("Includes decisions on appeals sent to the board in earlier years."),
    )
    particle = report["particle_therapy"]
    found["particle_therapy"] = Table(
        "3.7",
        _("3.7 Particle therapy"),
        _("Patients referred to particle therapy in %(year)s, and total costs") % {"year": year},
        [Column("", "text"), *(Column(names[c], "nok") for c in codes)],
        [
            [_("Number"), *(shown(f"particle_therapy.patients.{c}", particle["patients"][c]) for c in codes)],
            [_("Total costs"), *(shown(f"particle_therapy.costs_nok.{c}", particle["costs_nok"][c]) for c in codes)],
        ],
    )
    found["nordic_protocols"] = Table(
        "3.8",
        _("3.8 Nordic protocols"),
        _("Children included in a Nordic drug protocol in %(year)s") % {"year": year},
        [Column("", "text"), Column(_("Number"))],
        [[_("Children referred"), shown("nordic_drug_protocol_children", report["nordic_drug_protocol_children"])]],
    )
    return found


# ---------------------------------------------------------------- the publication


@dataclass
class Section:
    number: str
    key: str  # the narrative's section key
    title: str
    sentences: list[str] = field(default_factory=list)
    blocks: list[tuple[str, Any]] = field(default_factory=list)  # ("chart", name) or ("table", Table) or ("text", s)
    narrative: SafeString | None = None


@dataclass
class Chapter:
    number: str
    key: str
    title: str
    narrative: SafeString | None
    headings: list[tuple[str, str]]  # (number, title) of the narrative's own subsections


def narrative_html(text: str, chapter: str = "") -> SafeString:
    """The network's text in a small, safe markup: blank lines separate paragraphs, ``## `` starts a numbered
    subsection (2.1, 2.2 …), lines starting with ``- `` make a list. Everything is escaped."""
    out: list[str] = []
    number = 0
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            number += 1
            title = escape(lines[0][3:].strip())
            prefix = f"{chapter}.{number} " if chapter else ""
            anchor = f' id="s{chapter}-{number}"' if chapter else ""
            out.append(f'<h3 class="vv-pub-h3"{anchor}>{prefix}{title}</h3>')
            lines = lines[1:]
            if not lines:
                continue
        if lines[0].startswith("### "):
            out.append(f'<h4 class="vv-pub-h4">{escape(lines[0][4:].strip())}</h4>')
            lines = lines[1:]
            if not lines:
                continue
        if all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{escape(line.lstrip()[2:].strip())}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{escape(' '.join(line.strip() for line in lines))}</p>")
    return mark_safe("\n".join(out))  # noqa: S308  (every piece of the text was escaped above)


def narrative_headings(text: str) -> list[str]:
    return [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]


def _chapter(number: str, key: str, title: str, narratives: dict[str, str]) -> Chapter:
    text = narratives.get(key, "")
    return Chapter(
        number=number,
        key=key,
        title=title,
        narrative=narrative_html(text, number) if text.strip() else None,
        headings=[(f"{number}.{i}", h) for i, h in enumerate(narrative_headings(text), start=1)],
    )


def publication_context(
    report: dict[str, Any],
    narratives: dict[str, str],
    *,
    chart_src: Callable[[str], str],
    national: bool = True,
) -> dict[str, Any]:
    """What the publication template needs; the web page and the PDF differ only in ``chart_src``."""
    year = report["year"]
    table = tables(report)
    percent_sign = NBSP + "%"

    def narrative(key: str) -> SafeString | None:
        text = narratives.get(key, "")
        return narrative_html(text) if text.strip() else None

    sections = [
        Section(
            "3.1",
            ReportNarrative.Section.APPLICATIONS,
            pgettext("annual report section", "Applications and granted treatments"),
            [
                _(
                    "The figure below shows the total number of applications received per year and how many of them "
                    "were granted. At the end of the year, %(pending)s applications were still being processed."
                )
                % {"pending": said(report, "applications.pending_at_year_end")},
                _("In %(year)s, %(rate)s percent of all applications received were granted.")
                % {"year": year, "rate": said(report, "applications.grant_rate_percent")},
                _(
                    "The totals include applications for preimplantation genetic diagnosis (PGD) abroad. Not "
                    "included: patients treated with particle therapy abroad (see 3.7) and children in Nordic drug "
                    "protocols (see 3.8)."
                ),
            ],
            [("chart", "soknader"), ("table", table["applications"])],
        ),
        Section(
            "3.2",
            ReportNarrative.Section.REGIONS,
            pgettext("annual report section", "Applications received per region"),
            [
                _(
                    "Applications received in %(year)s by the patient's home region, whichever office handled the "
                    "case (the office at Oslo University Hospital also handles Helse Nord's applications)."
                )
                % {"year": year}
            ],
            [("chart", "regioner"), ("table", table["regions"])],
        ),
        Section(
            "3.3",
            ReportNarrative.Section.COUNTRIES,
            pgettext("annual report section", "Granted applications by country and hospital"),
            [
                _(
                    "The chart below shows the countries where Norwegian patients are treated. About %(percent)s "
                    "percent of those granted were assessed and/or treated in the Nordic countries."
                )
                % {"percent": said(report, "granted_nordic_percent")},
            ],
            [
                ("chart", "land"),
                ("table", table["countries"]),
                ("text", _("The figure below shows the number of granted applications per hospital.")),
                ("chart", "sykehus"),
                ("table", table["hospitals"]),
                (
                    "text",
                    _(
                        "The group «others» are hospitals in Europe and the USA with fewer than five granted "
                        "applications. There are %(count)s different institutions in this group."
                    )
                    % {"count": _pooled(report)},
                ),
            ],
        ),
        Section(
            "3.4",
            ReportNarrative.Section.DIAGNOSES,
            pgettext("annual report section", "Diagnosis groups"),
            [
                _(
                    "In %(year)s the offices received %(received)s applications, of which %(granted)s were granted. "
                    "Below are the largest groups of granted treatments abroad by main chapter of ICD-10. Groups of "
                    "five percent or less are left out. Particle therapy and Nordic drug protocols are not included "
                    "(see 3.7 and 3.8)."
                )
                % {
                    "year": year,
                    "received": said(report, "applications.received"),
                    "granted": said(report, "applications.granted"),
                },
            ],
            [
                ("chart", "diagnoser"),
                ("table", table["diagnoses"]),
                ("subtitle", _("Children")),
                (
                    "text",
                    _(
                        "Of the patients granted treatment abroad, %(children)s were children; that is %(percent)s "
                        "percent of all granted applications."
                    )
                    % {
                        "children": said(report, "children.granted"),
                        "percent": said(report, "children.percent_of_granted"),
                    },
                ),
                ("table", table["children"]),
            ],
        ),
        Section(
            "3.5",
            ReportNarrative.Section.COSTS,
            pgettext("annual report section", "Costs"),
            [
                _(
                    "The figure below shows the total costs of treatment abroad, and their distribution per region, "
                    "for the last six years. The costs of particle therapy and of children's participation in drug "
                    "protocols are not included (see 3.7 and 3.8)."
                )
            ],
            [
                ("chart", "kostnader"),
                ("table", table["costs"]),
                (
                    "text",
                    _(
                        "The average cost (including travel and stay) per granted application. The costs of a single "
                        "treatment range from a few thousand to several million kroner."
                    ),
                ),
                ("chart", "snittkostnad"),
                ("table", table["average_cost"]),
            ],
        ),
        Section(
            "3.6",
            ReportNarrative.Section.APPEALS,
            pgettext("annual report section", "Appeals"),
            [
                _(
                    "The table shows the number of appeals in total, and the appeals sent from the offices to the "
                    "appeals board in %(year)s. (Note: the decisions received from the board include some appeals "
                    "sent to the board in earlier years.)"
                )
                % {"year": year}
            ],
            [("table", table["appeals"]), ("table", table["board"]), ("chart", "klager")],
        ),
        Section(
            "3.7",
            ReportNarrative.Section.PARTICLE_THERAPY,
            pgettext("annual report section", "Particle therapy"),
            [_("Number of patients referred to particle therapy in %(year)s, and the total costs:") % {"year": year}],
            [("table", table["particle_therapy"]), ("chart", "partikkelterapi")],
        ),
        Section(
            "3.8",
            ReportNarrative.Section.NORDIC_PROTOCOLS,
            pgettext("annual report section", "Nordic drug protocols for children with cancer"),
            [
                _(
                    "In %(year)s, %(count)s children were included in a Nordic drug protocol after referral from "
                    "the paediatric oncology community. These cases are not handled as applications by the offices."
                )
                % {"year": year, "count": said(report, "nordic_drug_protocol_children")}
            ],
            [("table", table["nordic_protocols"])],
        ),
    ]
    for section in sections:
        section.narrative = narrative(section.key)
    chapters_before = [
        _chapter(
            "1", ReportNarrative.Section.INTRODUCTION, pgettext("annual report section", "Introduction"), narratives
        ),
        _chapter(
            "2",
            ReportNarrative.Section.NETWORK,
            pgettext("annual report section", "The national network for treatment abroad"),
            narratives,
        ),
    ]
    chapters_after = [
        _chapter(
            "4",
            ReportNarrative.Section.CASE_HANDLING,
            pgettext("annual report section", "Case handling and quality assurance"),
            narratives,
        ),
        _chapter("5", ReportNarrative.Section.TRENDS, pgettext("annual report section", "Trends"), narratives),
    ]
    appendix_text = narratives.get(ReportNarrative.Section.APPENDIX, "")
    return {
        "report": report,
        "year": year,
        "national": national,
        "region_label": ", ".join(labels.region_names(report).values()),
        "chapters_before": chapters_before if national else [],
        "chapters_after": chapters_after if national else [],
        "statistics_intro": narrative(ReportNarrative.Section.STATISTICS) if national else None,
        "sections": sections,
        "appendix": narrative_html(appendix_text) if national and appendix_text.strip() else None,
        "charts": {
            name: {
                "src": chart_src(name),
                "alt": charts.describe(name, report),
                "title": title,
                "number": number,
            }
            for number, (name, title) in enumerate(chart_titles(year).items(), start=1)
        },
        "methods": methods_note(report),
        "percent_sign": percent_sign,
        "generated_at": timezone.localtime(),
    }


def said(report: dict[str, Any], path: str) -> str:
    """A figure in a sentence: the number (0 when there is nothing to count), or «skjult» when suppressed, in the
    guillemets of the footnote that explains it ("Omtrent «skjult» prosent …", not "Omtrent skjult prosent")."""
    if path in report.get("hidden", ()):
        return hidden_in_text()
    value: Any = report
    for part in path.split("."):
        value = value[part]
    return str(value or 0)


def chart_titles(year: int) -> dict[str, str]:
    return {
        "soknader": _("Applications received and granted per year"),
        "regioner": _("Applications received in %(year)s per home region") % {"year": year},
        "land": _("Granted applications in %(year)s per country") % {"year": year},
        "sykehus": _("Granted applications in %(year)s per hospital") % {"year": year},
        "diagnoser": _("Largest diagnosis groups, share of granted applications"),
        "kostnader": _("Costs in NOK per year and home region"),
        "snittkostnad": _("Average cost in NOK per granted application"),
        "klager": _("Appeals per home region in %(year)s") % {"year": year},
        "partikkelterapi": _("Particle therapy in %(year)s: patients and costs") % {"year": year},
    }


def _pooled(report: dict[str, Any]) -> int:
    return next((r["institutions"] for r in report["granted_per_hospital"] if r["hospital"] == "other"), 0)


def methods_note(report: dict[str, Any]) -> list[str]:
    """The definitions behind every figure, as the report states them."""
    year = report["year"]
    history_years = [y for y, source in report["sources"]["received_per_year"].items() if source == "history"]
    cost_history = [y for y, source in report["sources"]["costs"].items() if source == "history"]
    notes = [
        _(
            "An application is a case for treatment abroad (pasient- og brukerrettighetsloven § 2-4 a) or for "
            "preimplantation genetic diagnosis (PGD). Referrals to particle therapy and to Nordic drug protocols are "
            "not applications; they are reported in 3.7 and 3.8."
        ),
        _(
            "Received in a year: applications whose date received is in the year. Granted: of these, those whose "
            "final outcome is a grant, whether granted at once or after an appeal (reversed by the office or by the "
            "appeals board). Still being processed at the end of the year: received in the year, with no decision "
            "dated on or before 31 December."
        ),
        _(
            "Region is the patient's home region (regional health authority), never the office that handled the "
            "case. Children are patients under 18 on the day the application was received."
        ),
        _(
            "Percentages are of the granted applications of the year (the grant rate: of those received), rounded "
            "half up to whole numbers."
        ),
        _(
            "Diagnosis groups are the ICD-10 chapters of the main diagnosis. A group of five percent or less of the "
            "year's grants is left out; the previous year's share is shown beside each group listed. Hospitals with "
            "fewer than five granted applications are pooled as «others», with the number of institutions."
        ),
        _(
            "Costs are the amounts in NOK of the expenses booked in the year (the accounting date decides the year), "
            "for applications only. Average cost per granted application: the year's total costs divided by the "
            "year's granted applications, in whole kroner."
        ),
        _(
            "Appeals count in the year each step happened: appeals received, rejections reversed by the office, "
            "appeals forwarded to the board, and the board's decisions received (which may concern appeals from "
            "earlier years)."
        ),
        _(
            "Particle therapy: referrals received in the year, and all particle-therapy expenses booked in the year "
            "(an invoice booked in %(year)s for an earlier referral counts in %(year)s). Nordic drug protocols: "
            "children referred in the year."
        )
        % {"year": year},
    ]
    if history_years or cost_history:
        notes.append(
            _(
                "Years without case-level data in Vegvis are taken from imported aggregates published earlier: "
                "applications %(apps)s; costs %(costs)s. Where a year has case-level data, they are used instead."
            )
            % {"apps": ", ".join(history_years) or "–", "costs": ", ".join(cost_history) or "–"}
        )
    return notes


def html_document(report: dict[str, Any], narratives: dict[str, str], *, national: bool = True) -> str:
    """The whole publication as one HTML document (charts inline as data URIs): the source of the PDF."""
    context = publication_context(
        report,
        narratives,
        chart_src=lambda name: data_uri(charts.svg(name, report)),
        national=national,
    )
    css_path = finders.find("reports/publication.css")
    print_path = finders.find("reports/print.css")
    context["inline_css"] = mark_safe(  # noqa: S308  (our own static files)
        "\n".join(Path(p).read_text("utf-8") for p in (css_path, print_path) if p)
    )
    context["font_dir"] = font_dir().as_uri()
    return render_to_string("reports/publication_document.html", context)


def pdf(report: dict[str, Any], narratives: dict[str, str], *, national: bool = True) -> bytes:
    """The annual report as PDF/UA, through the one PDF writer that loads only Vegvis' own assets."""
    return write_pdf(html_document(report, narratives, national=national))


def xlsx(report: dict[str, Any]) -> bytes:
    """A sheet «Om rapporten» with the methods note, then one sheet per table (the statistics kit's workbook)."""
    about = About(
        sheet=_("About"),
        title=_("Annual report %(year)s – national network for treatment abroad") % {"year": report["year"]},
        lines=[
            _("Regions: %(regions)s") % {"regions": ", ".join(labels.region_names(report).values())},
            _("Made by Vegvis %(when)s") % {"when": timezone.localtime().strftime("%d.%m.%Y %H:%M")},
        ],
        notes=methods_note(report),
    )
    return exports.xlsx(tables(report).values(), about=about)


CONTENT_TYPES = {kind: exports.CONTENT_TYPES[kind] for kind in ("json", "html", "pdf", "xlsx")}


def export(kind: str, report: dict[str, Any], *, narratives: dict[str, str], national: bool = True) -> bytes:
    if kind == "json":
        return exports.json_bytes(report)
    if kind == "html":
        return html_document(report, narratives, national=national).encode("utf-8")
    if kind == "pdf":
        return pdf(report, narratives, national=national)
    if kind == "xlsx":
        return xlsx(report)
    raise ValueError(kind)
