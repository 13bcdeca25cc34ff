"""The one DOCX writer: documents read back with python-docx and, as a second reader, straight from the package's
XML; and that nothing else in the code base calls python-docx."""

from __future__ import annotations

import ast
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.core import docx as core_docx
from vegvis.core.docx import BulletList, Document, Heading, Paragraph, Table, write_docx

PACKAGE = Path(core_docx.__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SCRIPT = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://127.0.0.1")'
CONTROL = "Før\x00 og\x07 etter\x1b\x7f\x85 \ud800slutt\uffff"


def response() -> Document:
    return Document(
        title="Høringssvar: utprøvende behandling",
        language="nb",
        author="Sekretariatet, Den norske legeforening",
        subject=f"Høring {SCRIPT}",
        created=datetime(2026, 5, 30, 12, 0, tzinfo=UTC),
        blocks=[
            Heading("Innledning", 1),
            Paragraph("Blåbærsyltetøy på brødskiva.\nNy linje i samme avsnitt."),
            Heading(f"Merknader {SCRIPT}", 2),
            Paragraph(FORMULA),
            Paragraph(CONTROL),
            Heading("Kapittel 3", 3),
            BulletList(["Første punkt", f"Andre punkt {SCRIPT}", FORMULA]),
            Table(
                header=["Nr.", "Instans", "Bruk"],
                rows=[["1", "Norsk forening for æøå", "Brukt"], ["2", FORMULA, f"Ikke brukt\n{SCRIPT}"]],
                caption="Innspill og bruk",
            ),
            Heading("Avslutning", 1),
        ],
    )


def read_back(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_the_text_headings_lists_and_table_read_back_as_written() -> None:
    word = read_back(write_docx(response()))

    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert paragraphs == [
        ("Title", "Høringssvar: utprøvende behandling"),
        ("Heading 1", "Innledning"),
        ("Normal", "Blåbærsyltetøy på brødskiva.\nNy linje i samme avsnitt."),
        ("Heading 2", f"Merknader {SCRIPT}"),
        ("Normal", FORMULA),
        ("Normal", "Før og etter slutt"),
        ("Heading 3", "Kapittel 3"),
        ("List Bullet", "Første punkt"),
        ("List Bullet", f"Andre punkt {SCRIPT}"),
        ("List Bullet", FORMULA),
        ("Caption", "Innspill og bruk"),
        ("Heading 1", "Avslutning"),
    ]
    [table] = word.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Nr.", "Instans", "Bruk"],
        ["1", "Norsk forening for æøå", "Brukt"],
        ["2", FORMULA, f"Ikke brukt\n{SCRIPT}"],
    ]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert table._tbl.tblPr.find(f"{W}tblCaption").get(f"{W}val") == "Innspill og bruk"


def test_language_title_and_metadata_are_the_documents_own() -> None:
    word = read_back(write_docx(response()))

    properties = word.core_properties
    assert properties.title == "Høringssvar: utprøvende behandling"
    assert properties.language == "nb-NO"
    assert properties.author == properties.last_modified_by == "Sekretariatet, Den norske legeforening"
    assert properties.subject == f"Høring {SCRIPT}"
    assert properties.comments == ""
    assert properties.created == properties.modified == datetime(2026, 5, 30, 12, 0, tzinfo=UTC)
    defaults = word.styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(f"{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}val") == "nb-NO"
    assert word.styles["Normal"].element.rPr.find(f"{W}lang").get(f"{W}val") == "nb-NO"
    assert word.settings.element.find(f"{W}themeFontLang").get(f"{W}val") == "nb-NO"
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, in whole twips


@pytest.mark.parametrize(("code", "tag"), [("nb", "nb-NO"), ("nn", "nn-NO"), ("en", "en-GB"), ("nn-NO", "nn-NO")])
def test_each_language_is_written_as_its_tag(code: str, tag: str) -> None:
    word = read_back(write_docx(Document(title="T", language=code)))
    assert word.core_properties.language == tag
    assert word.styles["Normal"].element.rPr.find(f"{W}lang").get(f"{W}val") == tag


def test_text_is_never_markup_a_field_or_a_link() -> None:
    """Read without python-docx: the package's document.xml is well-formed XML whose text runs hold the strings
    as typed, and it has no field, hyperlink or embedded object."""
    with zipfile.ZipFile(io.BytesIO(write_docx(response()))) as package:
        assert package.testzip() is None
        body = package.read("word/document.xml")
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))  # noqa: S314 (our own output): every part is well-formed
    root = ElementTree.fromstring(body)  # noqa: S314 (our own output)
    text = "".join(node.text or "" for node in root.iter(f"{W}t"))

    assert "Blåbærsyltetøy" in text
    assert text.count(SCRIPT) == 3  # heading, list item, table cell
    assert text.count(FORMULA) == 3
    assert "Før og etter slutt" in text
    for element in ("fldSimple", "instrText", "hyperlink", "object", "altChunk"):
        assert root.find(f".//{W}{element}") is None
    assert b"<script" not in body
    assert b"\x00" not in body and b"\x07" not in body


def test_a_document_rejects_what_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="language"):
        Document(title="T", language="sv")
    with pytest.raises(ValueError, match="level"):
        Heading("H", 4)
    with pytest.raises(ValueError, match="cells"):
        Table(header=["a", "b"], rows=[["1"]])


def test_clean_keeps_tabs_and_line_breaks_and_drops_control_characters() -> None:
    assert core_docx.clean("a\tb\r\nc\rd\x0be\x0cf\x9fg") == "a\tb\nc\ndefg"
    assert core_docx.clean("a\nb", line_breaks=False) == "a b"


def imports_python_docx(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        if any(name == "docx" or name.startswith("docx.") for name in names):
            return True
    return False


def test_no_module_but_core_docx_calls_python_docx() -> None:
    """So every Word document gets the plain-text insertion, the cleaning and the language set here."""
    callers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and imports_python_docx(path)
    ]
    assert callers == ["core/docx.py"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), cell=st.text(), heading=st.text())
def test_any_text_reads_back_as_written_less_what_xml_cannot_hold(text: str, cell: str, heading: str) -> None:
    data = write_docx(
        Document(
            title="T",
            language="nn",
            blocks=[Heading(heading, 2), Paragraph(text), Table(header=["A"], rows=[[cell]])],
        )
    )
    word = read_back(data)

    assert [p.text for p in word.paragraphs[1:]] == [
        core_docx.clean(heading, line_breaks=False),
        core_docx.clean(text),
    ]
    assert word.tables[0].rows[1].cells[0].text == core_docx.clean(cell)
