"""The web page, the PDF and the XLSX show the same numbers as the JSON, i.e. the published 2020 figures."""

from __future__ import annotations

import json
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from vegvis.audit.models import AuditEntry
from vegvis.reports.dataset_2020 import FIGURES, REFERENCE
from vegvis.reports.tests.conftest import Imported
from vegvis.testing import pdf
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db

SHORT = {
    "helse-sor-ost": "Helse Sør-Øst",
    "helse-vest": "Helse Vest",
    "helse-midt-norge": "Helse Midt",
    "helse-nord": "Helse Nord",
}
SECTIONS = [
    "3.1 Antall søknader og innvilgede behandlinger",
    "3.2 Fordeling av mottatte søknader per region",
    "3.3 Innvilgede søknader fordelt på land og sykehus",
    "3.4 Diagnosegrupper",
    "3.5 Økonomi",
    "3.6 Klagesaker",
    "3.7 Partikkelterapi",
    "3.8 Nordiske legemiddelprotokoller for kreftsyke barn",
]


def spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def published_numbers() -> list[str]:
    """Figures that must appear, formatted as the report writes them (22 623 000)."""
    numbers = [spaced(v) for years in FIGURES["costs_nok_per_region_per_year"].values() for v in years.values()]
    numbers += [spaced(v) for v in FIGURES["particle_therapy"]["costs_nok"].values()]
    numbers += [spaced(v) for v in REFERENCE["applications_received_per_year"].values()]
    return numbers


def normalise(text: str) -> str:
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def test_the_web_page_shows_every_section_and_the_published_figures(imported_2020: Imported, client, make_user):
    log_in_verified(client, make_user("network_analyst", username="analytiker"))
    response = client.get("/rapporter/aarsrapport/2020/")
    assert response.status_code == 200
    html = normalise(response.content.decode())
    for title in SECTIONS:
        assert title in html
    for number in published_numbers():
        assert f">{number}<" in html, number
    assert "Andre (34 institusjoner)" in html
    assert ">34 %<" in html and ">17 %<" in html  # chapter Z in 2020, chapter C in 2019
    assert "Om tallene" in html
    # Every chart is an image with a text alternative and its own URL (no inline SVG: the CSP forbids its styles).
    charts = re.findall(r'<img class="vv-pub-chart" src="([^"]+)" alt="([^"]+)"', html)
    assert len(charts) == 9
    assert all(src.startswith("/rapporter/aarsrapport/2020/figur/") and alt for src, alt in charts)
    figure = client.get(charts[0][0])
    assert figure.status_code == 200 and figure["Content-Type"] == "image/svg+xml"
    assert b"<svg" in figure.content and b"2011" in figure.content


def test_the_pdf_is_the_publication_with_the_same_numbers(imported_2020: Imported, tmp_path: Path, pdftotext: str):
    output = tmp_path / "aarsrapport-2020.pdf"
    call_command("report", "annual", "--year", "2020", "--format", "pdf", "--output", str(output), stderr=StringIO())
    assert output.read_bytes().startswith(b"%PDF-")
    extracted = subprocess.run(  # noqa: S603  (our own file, Debian's pdftotext)
        [pdftotext, "-layout", str(output), "-"], capture_output=True, check=True, text=True
    )
    text = normalise(extracted.stdout)
    # The title a reader's PDF viewer shows, and the cover: the year as a year, not a number ("2 020").
    content = output.read_bytes()
    info = pdf.info(content)
    assert info["Title"] == "Årsrapport 2020 – Nasjonalt nettverk for utenlandsbehandling", info["Title"]
    assert info["Tagged"] == "yes" and 'pdfuaid:part="1"' in pdf.metadata(content)
    cover = pdf.words(pdf.text(content, first=1, last=1))
    assert "Årsrapport 2020" in cover and "2 020" not in cover
    pages = text.count("\f")
    assert pages >= 8
    assert "Årsrapport 2020" in text and "Innhold" in text
    for title in SECTIONS:
        assert title in text
    for number in published_numbers():
        assert number in text, number
    assert "Andre (34 institusjoner)" in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, detail__format="pdf").exists()


def test_the_workbook_has_one_sheet_per_table_with_the_published_figures(imported_2020: Imported, tmp_path: Path):
    output = tmp_path / "aarsrapport-2020.xlsx"
    call_command("report", "annual", "--year", "2020", "--format", "xlsx", "--output", str(output), stderr=StringIO())
    workbook = load_workbook(output)
    assert workbook.sheetnames == [
        "Om rapporten",
        "3.1 Søknader",
        "3.2 Regioner",
        "3.3 Land",
        "3.3 Sykehus",
        "3.4 Diagnosegrupper",
        "3.4 Barn",
        "3.5 Kostnader",
        "3.5 Snittkostnad",
        "3.6 Klager",
        "3.6 Nemndas avgjørelser",
        "3.7 Partikkelterapi",
        "3.8 Nordiske protokoller",
    ]

    def table(name: str) -> list[list]:
        return [list(row) for row in workbook[name].iter_rows(min_row=2, values_only=True) if any(row)]

    applications = table("3.1 Søknader")
    assert applications[0][1:] == list(REFERENCE["applications_received_per_year"])
    assert applications[1][1:] == list(REFERENCE["applications_received_per_year"].values())

    costs = table("3.5 Kostnader")
    years = costs[0][1:]
    assert years == ["2015", "2016", "2017", "2018", "2019", "2020"]
    for code, name in SHORT.items():
        row = next(r for r in costs if r[0] == name)
        assert dict(zip(years, row[1:], strict=True)) == FIGURES["costs_nok_per_region_per_year"][code]
    assert workbook["3.5 Kostnader"]["B3"].number_format == "#,##0"

    particle = table("3.7 Partikkelterapi")
    assert particle[1][1:] == list(FIGURES["particle_therapy"]["patients"].values())
    assert particle[2][1:] == list(FIGURES["particle_therapy"]["costs_nok"].values())

    appeals = table("3.6 Klager")
    published = FIGURES["appeals"]
    assert appeals[1][1:] == list(published["appeals_against_rejection_received"].values())
    assert appeals[2][1:] == list(published["reversed_by_office"].values())
    assert appeals[3][1:] == list(published["forwarded_to_board"].values())
    board = table("3.6 Nemndas avgjørelser")
    assert board[1][1:] == list(published["board_decisions_received"]["upheld"].values())
    assert board[2][1:] == list(published["board_decisions_received"]["reversed"].values())

    chapters = table("3.4 Diagnosegrupper")
    z = next(r for r in chapters if r[0] and "(Z00-Z99)" in r[0])
    assert z[1:] == [23, 34]
    assert len([r for r in chapters if r[0] and re.search(r"\([A-Z]\d\d-[A-Z]\d\d\)$", r[0])]) == 6
    children = table("3.4 Barn")
    assert children[1][1:] == [36, 21]
    hospitals = table("3.3 Sykehus")
    assert hospitals[-2] == ["Andre (34 institusjoner)", None, 46] or hospitals[-1][0] == "Andre (34 institusjoner)"


def test_the_json_and_html_downloads_are_audited(imported_2020: Imported, client, make_user):
    analyst = make_user("network_analyst", username="analytiker")
    log_in_verified(client, analyst)
    response = client.get("/rapporter/aarsrapport/2020/last-ned/json/")
    assert response.status_code == 200
    assert response.json()["applications"]["granted"] == 173
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor_id=analyst.pk).get()
    assert entry.detail == {"year": 2020, "format": "json", "regions": "all"}
    xlsx = client.get("/rapporter/aarsrapport/2020/last-ned/xlsx/")
    assert xlsx["Content-Disposition"] == 'attachment; filename="aarsrapport-2020.xlsx"'
    assert client.get("/rapporter/aarsrapport/2020/last-ned/docx/").status_code == 404


def test_the_html_export_is_one_file_with_the_charts_inside(imported_2020: Imported, tmp_path: Path):
    output = tmp_path / "aarsrapport-2020.html"
    call_command("report", "annual", "--year", "2020", "--format", "html", "--output", str(output), stderr=StringIO())
    html = normalise(output.read_text("utf-8"))
    assert html.startswith("<!doctype html>") and '<html lang="nb">' in html
    assert html.count('src="data:image/svg+xml;base64,') == 9
    for title in SECTIONS:
        assert title in html
    for number in published_numbers():
        assert f">{number}<" in html, number


def test_an_office_lead_exports_the_extract_of_the_offices_regions(imported_2020: Imported, tmp_path: Path, make_user):
    make_user("office_lead", office="helse-bergen", username="lead.bergen")
    out = StringIO()
    call_command("report", "annual", "--year", "2020", "--format", "json", "--as", "lead.bergen", stdout=out)
    report = json.loads(out.getvalue())
    assert report["regions"] == ["helse-vest"]
    assert report["costs_nok_per_region_per_year"] == {
        "helse-vest": FIGURES["costs_nok_per_region_per_year"]["helse-vest"]
    }
    assert report["appeals"]["forwarded_to_board"] == {"helse-vest": 5}
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("seq")
    assert entry.actor_username == "lead.bergen" and entry.detail["regions"] == ["helse-vest"]
