"""Statistics tables in every format a reader asks for: HTML (``statistics/_table.html``), PDF (tables and charts
in one A4 document), XLSX, CSV and JSON. (The charts themselves: ``charts``.)

Every format shows a hidden figure as the kit shows it (``tables.HIDDEN``): «skjult» as text in HTML, XLSX and
CSV, never a number; ``null`` in JSON with its place listed under ``hidden``. Text is never a formula: XLSX cells go
through ``core.xlsx.put``, CSV text that starts like a formula gets a leading apostrophe (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vegvis.core.pdf import font_dir, write_pdf
from vegvis.core.xlsx import looks_like_formula, neutralise, put
from vegvis.statistics.charts import data_uri
from vegvis.statistics.tables import HIDDEN, Table, hidden_marker

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# ---------------------------------------------------------------- HTML


def html(table: Table, *, look: str = "vv-stat") -> SafeString:
    """The table as HTML (what ``{% include "statistics/_table.html" with table=… look=… %}`` writes): a captioned
    table in a scrollable region, numbers right-aligned, the total row and the footnote marked. ``look`` is the
    prefix of its CSS classes (``<look>-table``, ``<look>-total``, ``<look>-note``, ``<look>-table-wrap``)."""
    return mark_safe(  # noqa: S308  (a Django template: every value is escaped)
        render_to_string("statistics/_table.html", {"table": table, "look": look})
    )


# ---------------------------------------------------------------- PDF


@dataclass
class Chart:
    """A chart in a document: its SVG (``charts.svg``), a caption and a text alternative."""

    svg: bytes
    title: str
    alt: str

    @property
    def src(self) -> str:
        return data_uri(self.svg)


def pdf(title: str, items: Iterable[Table | Chart], *, lead: str = "") -> bytes:
    """A plain A4 document (PDF/UA, through ``core.pdf.write_pdf``): the title, a lead paragraph, then the tables and
    charts in the order given, each table with its footnote. A publication with its own layout (the annual report)
    writes its own template and includes ``statistics/_table.html`` and the charts' ``data:`` URLs the same way."""
    html = render_to_string(
        "statistics/document.html",
        {
            "title": title,
            "lead": lead,
            "items": [(isinstance(item, Chart), item) for item in items],
            "font_dir": font_dir().as_uri(),
            "language": get_language() or "nb",
        },
    )
    return write_pdf(html)


# ---------------------------------------------------------------- XLSX


@dataclass
class About:
    """A workbook's first sheet: a title, a few lines under it, then notes (the methods note), wrapped."""

    sheet: str
    title: str
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def xlsx(tables: Iterable[Table], *, about: About | None = None) -> bytes:
    """One sheet per table (named ``table.sheet``), after the ``about`` sheet when given. Numbers are numbers with
    the format ``#,##0`` (Norwegian Excel shows 22 623 000), percentages whole numbers with ``0" %"``."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    if about is None:
        workbook.remove(first)
    else:
        first.title = about.sheet[:31]
        put(first, 1, 1, about.title).font = Font(bold=True, size=13)
        for row, line in enumerate(about.lines, start=2):
            put(first, row, 1, line)
        for row, note in enumerate(about.notes, start=len(about.lines) + 3):
            put(first, row, 1, note).alignment = Alignment(wrap_text=True, vertical="top")
        first.column_dimensions["A"].width = 110
    for table in tables:
        xlsx_sheet(workbook, table)
    neutralise(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_sheet(workbook: Workbook, table: Table) -> Worksheet:
    """Add the table as a sheet: caption in A1, the header in row 2, the rows from row 3, the footnote under it."""
    sheet = workbook.create_sheet(table.sheet[:31])
    put(sheet, 1, 1, table.caption).font = Font(bold=True, size=12)
    for column, label in enumerate(table.header, start=1):
        cell = put(sheet, 2, column, label)
        cell.font = Font(bold=True)
        if table.columns[column - 1].kind != "text":
            cell.alignment = Alignment(horizontal="right")
    for row_index, row in enumerate(table.rows, start=3):
        last = table.total_last and row_index == len(table.rows) + 2
        for column, value in enumerate(row, start=1):
            hidden = value is HIDDEN  # a suppressed figure: the marker as text, never a number
            cell = put(sheet, row_index, column, hidden_marker() if hidden else value)
            kind = table.columns[column - 1].kind
            if hidden:
                cell.alignment = Alignment(horizontal="right")
            elif kind in {"int", "nok"}:
                cell.number_format = "#,##0"
            elif kind == "percent":
                cell.number_format = '0" %"'
            if last:
                cell.font = Font(bold=True)
    if table.footnote:
        put(sheet, len(table.rows) + 4, 1, table.footnote).font = Font(italic=True)
    sheet.freeze_panes = "B3"
    for column in range(1, len(table.columns) + 1):
        width = max(len(str(sheet.cell(row=r, column=column).value or "")) for r in range(2, len(table.rows) + 3))
        sheet.column_dimensions[get_column_letter(column)].width = min(max(12, width + 2), 70)
    return sheet


# ---------------------------------------------------------------- CSV

CSV_DELIMITER = ";"  # the list separator of Norwegian spreadsheets, where "," is the decimal comma


def csv_text(value: Any) -> str:
    """One CSV field: numbers as plain digits, «skjult» for a hidden figure, nothing for no figure; text that a
    spreadsheet would read as a formula starts with an apostrophe."""
    if value is HIDDEN:
        return hidden_marker()
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if looks_like_formula(value) else value
    return str(value)


def csv_bytes(table: Table) -> bytes:
    """The header and the rows, separated by ``;``, in UTF-8 with a byte-order mark (so that Excel reads æøå)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow([csv_text(label) for label in table.header])
    for row in table.rows:
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- JSON


def table_data(table: Table) -> dict[str, Any]:
    """The table for machines: values as numbers, a hidden one ``null`` with its [row, column] under ``hidden``."""
    return {
        "key": table.key,
        "caption": table.caption,
        "columns": [{"label": c.label, "kind": c.kind} for c in table.columns],
        "rows": [[None if value is HIDDEN else value for value in row] for row in table.rows],
        "total_last": table.total_last,
        "note": table.footnote,
        "hidden": [list(place) for place in table.hidden_cells],
    }


def json_bytes(data: Any) -> bytes:
    """JSON as Vegvis writes it: UTF-8 (not \\u escapes), indented, one newline at the end."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
