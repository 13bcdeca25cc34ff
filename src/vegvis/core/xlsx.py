"""Spreadsheet cells that are never formulas: text from users is shown as typed, never evaluated (CSV/formula
injection, OWASP).

openpyxl stores any text that starts with ``=`` as a formula, and Excel and LibreOffice treat text starting with
``+``, ``-``, ``@``, a tab or a carriage return (and their full-width forms) as the start of one when the cell is
edited or the file is re-read as text. Every exported cell goes through :func:`put`: text is an explicit string
cell, and text that starts like a formula also gets Excel's "quote prefix" (shown as typed, kept as text when
edited). Numbers, negative ones included, stay numbers. Characters a workbook cannot hold are left out instead of
failing the whole export.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠


def looks_like_formula(text: str) -> bool:
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def as_text(cell: Cell, text: str) -> Cell:
    """Make the cell hold ``text`` as text, whatever it starts with."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # set after the value: openpyxl made "=…" a formula
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text is never a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        return as_text(cell, value)
    cell.value = value
    return cell


def neutralise(workbook: Workbook) -> None:
    """The last check before a workbook is saved: no cell anywhere is a formula or text that starts like one."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f" or looks_like_formula(cell.value)):
                    as_text(cell, cell.value)
