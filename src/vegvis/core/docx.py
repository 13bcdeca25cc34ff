"""Every Word document Vegvis makes goes through write_docx, as every PDF goes through ``core.pdf.write_pdf``.

A document is described as data (:class:`Document`: a title, a language, author and subject, and a list of blocks:
headings of level 1–3, paragraphs with line breaks, bullet lists and simple tables) and written with python-docx.
All text is inserted as plain text: nothing in it is read as markup, a field (``=HYPERLINK(…)`` stays those
characters) or a link, and characters XML cannot hold (control characters, lone surrogates) are left out instead
of failing the export. The document's language is set where Word and screen readers look for it (the default run
properties, the Normal style, the theme's font language and the core properties), the title is the first
paragraph in the Title style and the document's title property, headings use Word's Heading styles so they form
the navigation pane, a table's first row is marked as its header row (repeated on every page, read as headers),
and the page is A4. The template's own metadata (author «python-docx», its comment and its 2013 dates) is
replaced.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

# Language tags by the codes Vegvis uses (settings.LANGUAGES and the letters' languages) and the tags themselves.
LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "nb-NO": "nb-NO", "nn-NO": "nn-NO", "en-GB": "en-GB"}

# XML 1.0 holds none of C0 but tab, line feed and carriage return; DEL, C1, lone surrogates and U+FFFE/U+FFFF are
# left out too (control characters have no place in a document's text).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_ENDS = re.compile(r"\r\n?")


def clean(text: str, *, line_breaks: bool = True) -> str:
    """``text`` as a document may hold it: control characters out, line ends as ``\\n`` (or spaces)."""
    text = _LINE_ENDS.sub("\n", _NOT_TEXT.sub("", text))
    return text if line_breaks else text.replace("\n", " ")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError("a heading's level is 1, 2 or 3")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; each ``\\n`` in the text is a line break within it."""

    text: str


@dataclass(frozen=True)
class BulletList:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    """A table with one header row; every row has as many cells as the header."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""

    def __post_init__(self) -> None:
        if not self.header:
            raise ValueError("a table has at least one column")
        if any(len(row) != len(self.header) for row in self.rows):
            raise ValueError("every row of a table has as many cells as its header")


Block = Heading | Paragraph | BulletList | Table


@dataclass(frozen=True)
class Document:
    title: str
    language: str
    blocks: Sequence[Block] = ()
    author: str = ""
    subject: str = ""
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"no document language {self.language!r}: one of {', '.join(LANGUAGES)}")


def write_docx(document: Document) -> bytes:
    """The DOCX file of ``document``."""
    import docx
    from docx.shared import Mm

    word = docx.Document()
    tag = LANGUAGES[document.language]
    _set_language(word, tag)
    _set_properties(word, document, tag)
    for section in word.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25)

    word.add_heading(clean(document.title, line_breaks=False), level=0)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(clean(block.text, line_breaks=False), level=block.level)
        elif isinstance(block, Paragraph):
            word.add_paragraph(clean(block.text))
        elif isinstance(block, BulletList):
            for item in block.items:
                word.add_paragraph(clean(item), style="List Bullet")
        else:
            _add_table(word, block)

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _set_language(word: WordDocument, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = word.styles.element
    default_run = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    normal = word.styles["Normal"].element.get_or_add_rPr()
    for run_properties in (default_run, normal):
        lang = run_properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_properties.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        lang.set(qn("w:val"), tag)
    theme_language = word.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), tag)


def _set_properties(word: WordDocument, document: Document, tag: str) -> None:
    properties = word.core_properties
    properties.title = clean(document.title, line_breaks=False)
    properties.language = tag
    properties.author = properties.last_modified_by = clean(document.author, line_breaks=False)
    properties.subject = clean(document.subject, line_breaks=False)
    properties.comments = properties.keywords = properties.category = ""
    properties.created = properties.modified = document.created
    properties.revision = 1


def _add_table(word: WordDocument, table: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if table.caption:
        word.add_paragraph(clean(table.caption), style="Caption")
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = word.styles["Table Grid"]
    for row, texts in zip(grid.rows, [table.header, *table.rows], strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = clean(text)
    for cell in grid.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    header_row: Any = grid.rows[0]._tr.get_or_add_trPr()
    header_row.insert_element_before(
        OxmlElement("w:tblHeader"), "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"
    )
    if table.caption:
        caption = OxmlElement("w:tblCaption")
        caption.set(qn("w:val"), clean(table.caption, line_breaks=False))
        grid._tbl.tblPr.insert_element_before(caption, "w:tblDescription", "w:tblPrChange")
