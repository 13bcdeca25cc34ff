"""Formula injection through the workbook: names users typed are shown as text, never evaluated.

Hospital names come from users (the case import and the case form create them). The 2020 data set is imported
with hostile hospital names, the annual report is downloaded as XLSX through the real page and read back with
openpyxl: no cell anywhere is a formula, and each name is shown exactly as typed.
"""

from __future__ import annotations

import json
import stat
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from vegvis.core.xlsx import neutralise, put
from vegvis.reports import dataset_2020

pytestmark = pytest.mark.django_db

HOSTILE = {
    "Karolinska Universitetssjukhuset": '=HYPERLINK("http://127.0.0.1/","Karolinska")',
    "Rigshospitalet": "+cmd|' /C calc'!A0",
    "Sahlgrenska Universitetssjukhuset": "-2+3+cmd|' /C calc'!A0",
    "Helsinki University Hospital": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Skånes universitetssjukhus": '\uff1dHYPERLINK("http://127.0.0.1/")',  # full-width =
}


@pytest.fixture
def hostile_hospitals(db: Any, tmp_path: Path) -> None:
    """The 2020 data set, imported with ``vegvis import``, its busiest hospitals renamed in the file."""
    dataset = dataset_2020.build()
    cases_file, history_file = dataset.write(tmp_path)
    text = cases_file.read_text("utf-8")
    for name, hostile in HOSTILE.items():
        assert json.dumps(name, ensure_ascii=False) in text
        text = text.replace(json.dumps(name, ensure_ascii=False), json.dumps(hostile, ensure_ascii=False))
    cases_file.write_text(text, "utf-8")
    call_command("import", "history", str(history_file), stdout=StringIO())
    call_command("import", "cases", str(cases_file), stdout=StringIO())


def test_hostile_names_in_the_downloaded_workbook_are_text_not_formulas(
    hostile_hospitals: None, client: Any, login: Any, make_user: Any
) -> None:
    login(make_user("network_analyst", username="analytiker"))
    response = client.get("/rapporter/aarsrapport/2020/last-ned/xlsx/")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))

    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    shown = {c.value: c for c in cells if isinstance(c.value, str)}
    for hostile in HOSTILE.values():
        assert hostile in shown, hostile
        cell = shown[hostile]
        assert cell.data_type == "s" and cell.quotePrefix
        count = cell.parent.cell(row=cell.row, column=3)
        assert count.data_type == "n" and isinstance(count.value, int) and count.value >= 5, "counts stay numbers"


def test_the_command_writes_the_workbook_without_formulas_for_its_owner_only(
    hostile_hospitals: None, tmp_path: Path
) -> None:
    output = tmp_path / "aarsrapport-2020.xlsx"
    call_command("report", "annual", "--year", "2020", "--format", "xlsx", "--output", str(output), stderr=StringIO())
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".partial-")] == []
    workbook = load_workbook(output)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert set(HOSTILE.values()) <= {c.value for c in cells}


def test_text_is_text_and_numbers_stay_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    values = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\uff0b1", "\uff0d1", "\uff20A1", " =1", "Oslo", "-", -5, 2.5]
    for row, value in enumerate(values, start=1):
        put(sheet, row, 1, value)
    sheet.cell(row=len(values) + 1, column=1, value="=2+2")  # written past the helper: the last check catches it
    put(sheet, len(values) + 2, 1, "Bad\x01char")  # openpyxl refuses control characters: left out, not a failure
    neutralise(workbook)
    buffer = BytesIO()
    workbook.save(buffer)

    back = load_workbook(BytesIO(buffer.getvalue())).active
    assert back is not None
    read = [back.cell(row=row, column=1) for row in range(1, len(values) + 3)]
    assert [c.data_type for c in read] == ["s"] * 12 + ["n", "n", "s", "s"]

    # A carriage return comes back as written or as a line feed (XML's line-end normalisation), depending on
    # whether openpyxl writes through lxml; either way the cell is text, as checked above.
    def same(value: object) -> object:
        return value.replace("\r", "\n") if isinstance(value, str) else value

    assert [same(c.value) for c in read[:14]] == [same(v) for v in values]
    assert read[14].value == "=2+2" and read[14].quotePrefix
    assert read[15].value == "Badchar"
    assert [c.quotePrefix for c in read[:12]] == [True] * 10 + [False, True]
