"""Letters for any system: template text checked and filled, and the letter's frame, as HTML and PDF.

A system keeps its own placeholders (what a template may show about its case) and its own ``LetterTemplate``
(``records.models.LetterTemplateBase``). It builds the letter's data with ``frame()`` — the sender, the recipient,
"Vår ref."/"Dato", "Saksbehandler"/"Sakshandsamar", "Med vennlig hilsen"/"Med venleg helsing", "Side x av y",
in bokmål or nynorsk — and renders it with ``render_html``/``render_pdf``; the preview on a page includes
``records/_letter_frame.html`` with the same data, so the preview is the letter.

Templates are plain text with placeholders in double braces. Only the placeholders a system lists may be used
and no template tags, so an edited template can neither break the letter nor reach data it should not; the
values are plain strings, escaped once, by the frame's template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.core.pdf import font_dir, write_pdf
from vegvis.records.models import LetterTemplateBase

T = TypeVar("T", bound=LetterTemplateBase)

VARIABLE = re.compile(r"{{\s*([a-z_]+)\s*}}")
# Anything that looks like template syntax once the known placeholders are taken out: filters ({{ x|safe }}),
# tags ({% ... %}), comments ({# ... #}), stray braces.
_LEFTOVER_SYNTAX = re.compile(r"{{|}}|{%|%}|{#|#}")

# Letters are always Norwegian (bokmål or nynorsk), whatever language the case handler's screen is in.
LANGUAGES = ("nb", "nn")
FRAME_TEXTS = {
    "nb": {
        "our_ref": "Vår ref.",
        "date": "Dato",
        "handler": "Saksbehandler",
        "exempt": "Unntatt offentlighet",
        "exempt_basis": "offl. § 13, jf. fvl. § 13 første ledd nr. 1",
        "regards": "Med vennlig hilsen",
        "e_signed": "Brevet er godkjent elektronisk og har derfor ingen håndskrevet signatur.",
        "copy": "Kopi",
        "copy_to": "kopi til",
        "representative": "fullmektig",
        "case_no": "Saksnr.",
        "page": "Side",
        "page_of": "av",
    },
    "nn": {
        "our_ref": "Vår ref.",
        "date": "Dato",
        "handler": "Sakshandsamar",
        "exempt": "Unnateke offentlegheit",
        "exempt_basis": "offl. § 13, jf. fvl. § 13 første ledd nr. 1",
        "regards": "Med venleg helsing",
        "e_signed": "Brevet er godkjent elektronisk og har difor inga handskriven underskrift.",
        "copy": "Kopi",
        "copy_to": "kopi til",
        "representative": "fullmektig",
        "case_no": "Saksnr.",
        "page": "Side",
        "page_of": "av",
    },
}


def language_or_default(language: str | None) -> str:
    """``language`` when a letter can be written in it, otherwise bokmål."""
    return language if language in LANGUAGES else "nb"


# ---------------------------------------------------------------- template text


def _check_field(text: str, placeholders: Iterable[str]) -> list[str]:
    known = set(placeholders)
    problems = []
    if "<" in text or ">" in text or _LEFTOVER_SYNTAX.search(VARIABLE.sub("", text)):
        problems.append(_("Use only text and placeholders such as {{ patient_name }}; no HTML or template tags."))
    unknown = sorted({name for name in VARIABLE.findall(text) if name not in known})
    if unknown:
        problems.append(_("Unknown placeholders: %(names)s.") % {"names": ", ".join(unknown)})
    if any(ord(char) < 32 and char not in "\n\r\t" for char in text):
        problems.append(_("The text contains control characters."))
    return problems


def validate_template(body: str, *, subject: str = "", placeholders: Iterable[str]) -> None:
    """Refuse HTML, template tags, filters and placeholders not in ``placeholders`` in the subject and the text,
    with a message next to the field that has the problem. The subject is one line."""
    known = set(placeholders)
    errors: dict[str, list[str]] = {}
    subject_problems = _check_field(subject, known)
    if "\n" in subject or "\r" in subject:
        subject_problems.append(_("The subject is one line."))
    if subject_problems:
        errors["subject"] = subject_problems
    if body_problems := _check_field(body, known):
        errors["body"] = body_problems
    if errors:
        raise ValidationError(errors)


def fill(text: str, context: Mapping[str, str]) -> str:
    """The placeholders replaced by the case's values, as plain text (escaped once, by the letter's template)."""
    return VARIABLE.sub(lambda match: context.get(match.group(1), ""), text)


def format_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


@dataclass
class Section:
    """A part of the letter's text: an optional heading and its paragraphs (each a list of lines)."""

    heading: str
    paragraphs: list[list[str]]


_HEADING_MAX = 60


def _is_heading(line: str) -> bool:
    """A short line of the template's own words ("Vedtak", "Begrunnelse"): no placeholder (so "Kjære
    {{ patient_name }}" stays a line of text), not ending like a sentence."""
    line = line.strip()
    return bool(line) and len(line) <= _HEADING_MAX and line[-1] not in ".,:;!?–-" and "{{" not in line


def sections(body: str, context: Mapping[str, str]) -> list[Section]:
    """The template text as sections. Blocks are separated by a blank line; a block's first line is its heading
    when more lines follow and it is short, has no placeholder and does not end like a sentence ("Vedtak",
    "Begrunnelse"). What is a heading is decided on the template, before the case's values go in, so no value can
    make one. A section whose text is empty once the values are in (no assessment yet) is left out, heading and
    all."""
    result = []
    for block in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n").strip()):
        lines = block.strip("\n").split("\n")
        heading = ""
        if len(lines) > 1 and _is_heading(lines[0]):
            heading, lines = lines[0].strip(), lines[1:]
        text = fill("\n".join(lines), context).replace("\r\n", "\n").strip()
        paragraphs = [
            [line.strip() for line in paragraph.split("\n") if line.strip()]
            for paragraph in re.split(r"\n[ \t]*\n", text)
        ]
        paragraphs = [p for p in paragraphs if p]
        if paragraphs:
            result.append(Section(heading, paragraphs))
    return result


def template_for(model: type[T], kind: str, language: str) -> T:
    """The system's template of ``kind`` in ``language``, or its bokmål one when there is none in that language."""
    manager: models.Manager[T] = model._default_manager
    return manager.filter(kind=kind, language=language).first() or manager.get(kind=kind, language="nb")


# ---------------------------------------------------------------- the frame


@dataclass
class Copy:
    """Who gets a copy of the letter ("Kopi: name, address (role)")."""

    name: str
    address: str = ""
    role: str = ""


def frame(
    *,
    language: str,
    template: LetterTemplateBase,
    context: Mapping[str, str],
    case_number: str,
    office_name: str,
    office_address: str,
    recipient_lines: list[str],
    handler: str = "",
    copies: Iterable[Copy] = (),
) -> dict[str, Any]:
    """Everything the letter shows, as plain strings: the PDF and the preview on a page both draw this.

    The subject and the sections are the template filled with ``context``; the handler signs (the office when
    there is none); each copy is listed under the signature.
    """
    return {
        "language": language,
        "texts": FRAME_TEXTS[language],
        "subject": fill(template.subject, context).strip(),
        "sections": sections(template.body, context),
        "case_number": case_number,
        "office_name": office_name,
        "office_address_lines": office_address.splitlines(),
        "recipient_lines": recipient_lines,
        "today": timezone.localdate(),
        "handler": handler,
        "copies": list(copies),
    }


def render_html(letter: Mapping[str, Any]) -> str:
    """The letter as an HTML document for the PDF. Every value is escaped once, by the template."""
    return render_to_string("records/letter_frame.html", {"letter": letter, "font_dir": font_dir().as_uri()})


def render_pdf(letter: Mapping[str, Any]) -> bytes:
    return write_pdf(render_html(letter))
