"""Every export of a statistics table, read back as its reader reads it: the workbook's cells with openpyxl, the
CSV with Python's csv module, the JSON parsed, the HTML's cells, and the PDF's text with pdftotext. A hidden figure
is «skjult» (or null in JSON) everywhere and its number appears nowhere; text is never a formula."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from vegvis.statistics import charts, exports
from vegvis.statistics.tables import HIDDEN, Column, Table, counts_table
from vegvis.testing import pdf

HOSTILE = '=HYPERLINK("http://127.0.0.1/","Oslo")'
FORMULA_STARTS = ["=1+1", "+1", "-1", "@A1", "\t=1", "\uff1d1"]


def regions() -> Table:
    """Referrals per region and year. The 3 is hidden; so are the 13 beside it (else 46 − 30 − 13 gives the 3 back)
    and the 19 above it (else 22 − 19), and then the 41, which closes the rectangle: no line has one hidden alone."""
    table, _protected = counts_table(
        key="3.7",
        caption="Henvisninger per region",
        row_labels=["Helse Sør-Øst", HOSTILE],
        columns=["2022", "2023", "2024"],
        cells=[[41, 19, 25], [13, 3, 30]],
        column_totals=True,
        total_label="Sum",
        label_header="Region",
        sheet="3.7 Henvisninger",
        note="Per hjemregion.",
    )
    return table


def test_the_example_table_hides_the_small_cell_and_its_complements():
    assert regions().rows == [
        ["Helse Sør-Øst", HIDDEN, HIDDEN, 25, 85],
        [HOSTILE, HIDDEN, HIDDEN, 30, 46],
        ["Sum", 54, 22, 55, 131],
    ]


def test_the_workbook_holds_numbers_as_numbers_and_skjult_as_text():
    about = exports.About(sheet="Om tallene", title="Statistikk 2024", lines=["Regioner: alle"], notes=["Definisjon."])
    content = exports.xlsx([regions()], about=about)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Om tallene", "3.7 Henvisninger"]
    assert [workbook["Om tallene"][ref].value for ref in ("A1", "A2", "A4")] == [
        "Statistikk 2024",
        "Regioner: alle",
        "Definisjon.",
    ]
    sheet = workbook["3.7 Henvisninger"]
    assert sheet["A1"].value == "Henvisninger per region" and sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == ["Region", "2022", "2023", "2024", "Sum"]
    assert [c.value for c in sheet[3]] == ["Helse Sør-Øst", "skjult", "skjult", 25, 85]
    assert [c.value for c in sheet[5]] == ["Sum", 54, 22, 55, 131]
    assert all(c.font.b for c in sheet[5])  # the total row
    assert sheet["D3"].data_type == "n" and sheet["D3"].number_format == "#,##0"
    assert sheet["B3"].data_type == "s" and sheet["B3"].alignment.horizontal == "right"
    assert sheet["A4"].value == HOSTILE and sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix
    assert sheet["A7"].value.startswith("Per hjemregion. «skjult»: skjult for å verne personvernet")
    assert sheet.freeze_panes == "B3"
    cells = [c for s in workbook.worksheets for row in s.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert not {41, 19, 13, 3} & {c.value for c in cells}


def test_a_workbook_without_an_about_sheet_starts_with_the_first_table():
    percent = Table("p", "Andel", "Andel innvilget", [Column("", "text"), Column("2024", "percent")], [["Alle", 77]])
    workbook = load_workbook(io.BytesIO(exports.xlsx([regions(), percent])))
    assert workbook.sheetnames == ["3.7 Henvisninger", "Andel"]
    assert workbook["Andel"]["B3"].value == 77 and workbook["Andel"]["B3"].number_format == '0" %"'


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel reads æøå
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_csv_is_utf8_with_bom_semicolons_and_skjult():
    rows = read_csv(exports.csv_bytes(regions()))
    assert rows == [
        ["Region", "2022", "2023", "2024", "Sum"],
        ["Helse Sør-Øst", "skjult", "skjult", "25", "85"],
        ["'" + HOSTILE, "skjult", "skjult", "30", "46"],
        ["Sum", "54", "22", "55", "131"],
    ]
    no_figure = Table("x", "x", "x", [Column("", "text"), Column("2024")], [["Ingen", None]])
    assert read_csv(exports.csv_bytes(no_figure))[1] == ["Ingen", ""]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.sampled_from(FORMULA_STARTS).map(lambda start: start + "SUM(A1)")))
def test_no_csv_field_starts_like_a_formula_and_every_text_comes_back(label: str) -> None:
    table = Table("t", "t", "t", [Column("Navn", "text"), Column("Antall")], [[label, 7]])
    rows = read_csv(exports.csv_bytes(table))
    field = rows[1][0]
    assert not field.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"))
    assert field.removeprefix("'") == label or field == label
    assert rows[1][1] == "7"


def test_the_json_has_null_where_a_figure_is_hidden_and_lists_its_place():
    data = json.loads(exports.json_bytes(exports.table_data(regions())))
    assert data["key"] == "3.7" and data["caption"] == "Henvisninger per region"
    assert data["columns"][0] == {"label": "Region", "kind": "text"}
    assert data["rows"] == [
        ["Helse Sør-Øst", None, None, 25, 85],
        [HOSTILE, None, None, 30, 46],
        ["Sum", 54, 22, 55, 131],
    ]
    assert data["hidden"] == [[0, 1], [0, 2], [1, 1], [1, 2]]
    assert data["total_last"] is True and "skjult for å verne personvernet" in data["note"]
    assert exports.json_bytes({"region": "Sør-Øst"}) == '{\n  "region": "Sør-Øst"\n}\n'.encode()


def cells_of(html: str) -> list[list[str]]:
    return [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row) for row in re.findall(r"<tr.*?</tr>", html, re.S)]


def test_the_html_table_is_captioned_escaped_and_marks_the_total_row():
    html = str(exports.html(regions()))
    assert '<table class="ds-table vv-stat-table" data-size="sm" id="tabell-3.7">' in html
    assert '<caption id="tittel-3.7">Henvisninger per region</caption>' in html
    assert cells_of(html) == [
        ["Region", "2022", "2023", "2024", "Sum"],
        ["Helse Sør-Øst", "skjult", "skjult", "25", "85"],
        ["=HYPERLINK(&quot;http://127.0.0.1/&quot;,&quot;Oslo&quot;)", "skjult", "skjult", "30", "46"],
        ["Sum", "54", "22", "55", "131"],
    ]
    assert '<tr class="vv-stat-total">' in html
    assert '<p class="vv-stat-note">Per hjemregion. «skjult»: skjult' in html
    assert 'class="vv-table-wrap vv-pub-table-wrap"' in str(exports.html(regions(), look="vv-pub"))


def chart_texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def draw_years(table: Table) -> Any:
    return charts.grouped_bars(table, columns=[1, 2, 3])  # the years, without the column of row totals


def test_a_grouped_bar_chart_marks_hidden_bars_and_draws_no_hidden_number():
    svg = charts.svg(draw_years, regions())
    texts = chart_texts(svg)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert texts[:3] == ["2022", "2023", "2024"]  # the groups
    assert texts.count("skjult") == 4 and "25" in texts and "30" in texts  # the bars' labels
    assert "Helse Sør-Øst" in texts and HOSTILE in texts  # the legend, the hostile name as plain text
    assert not {"41", "19", "13", "3"} & set(texts)
    assert "Sum" not in texts and "131" not in texts  # neither the total row nor the totals column
    assert charts.svg(draw_years, regions()) == svg  # the same data draw the same SVG


def test_the_pdf_holds_the_tables_and_the_charts_text(tmp_path: Any) -> None:
    table = regions()
    chart = exports.Chart(charts.svg(draw_years, table), "Figur 1: Henvisninger", "Stolpediagram")
    content = exports.pdf("Statistikk 2024", [chart, table], lead="Tall per hjemregion.")
    assert content.startswith(b"%PDF-")
    info = pdf.info(content)
    assert info["Title"] == "Statistikk 2024" and info["Tagged"] == "yes"
    text = re.sub(r"\s+", " ", pdf.text(content))  # reading order, one space between words
    assert "Statistikk 2024" in text and "Tall per hjemregion." in text
    assert "Figur 1: Henvisninger" in text
    assert "Helse Sør-Øst skjult skjult 25 85" in text  # the table's row, as a reader copies it
    assert "54 22 55 131" in text  # the total row
    assert not {"41", "19", "13", "3"} & set(text.split())  # in neither the table nor the chart
    assert text.count("skjult") >= 5  # four table cells, the footnote and the chart's marks
    assert "skjult for å verne personvernet" in text
