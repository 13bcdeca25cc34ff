"""Decision letters and other letters as PDF (WeasyPrint), from templates an office lead edits.

Templates are plain text with placeholders in double braces. Only the placeholders listed in PLACEHOLDERS
may be used and no template tags, so an edited template can neither break the letter nor reach data it
should not; the values are plain strings, escaped before they reach the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.abroad.models import Appeal, Case, LetterTemplate, Route
from vegvis.core.icd10 import chapter_for
from vegvis.core.models import LegalDeadline
from vegvis.core.pdf import font_dir, write_pdf

PLACEHOLDERS = {
    "patient_name": "Pasientens navn",
    "case_number": "Saksnummer",
    "received_date": "Dato søknaden kom inn",
    "requested_treatment": "Behandlingen det søkes om",
    "hospital": "Sykehus i utlandet",
    "diagnosis": "Hoveddiagnose (ICD-10-kode og kapittel)",
    "outcome": "Utfall (innvilget, delvis innvilget, avslått)",
    "decided_on": "Vedtaksdato",
    "legal_basis": "Hjemmel",
    "grounds": "Begrunnelse",
    "assessment": "Faglig vurdering fra fagmiljøet",
    "nye_metoder": "Vurdering mot Nye metoder",
    "coverage": "Hva som dekkes",
    "appeal_deadline_weeks": "Klagefrist i uker",
    "appeal_deadline_reference": "Hjemmel for klagefristen",
    "appeals_body": "Klageinstans",
    "office_name": "Utenlandskontorets navn",
    "office_address": "Utenlandskontorets adresse (dit klagen sendes)",
    "representative": "Fullmektig (om noen)",
    "expected_by": "Når vedtak ventes (foreløpig svar)",
    "reason": "Hvorfor saken tar tid (foreløpig svar)",
    "handler": "Saksbehandlers navn",
}

_VARIABLE = re.compile(r"{{\s*([a-z_]+)\s*}}")
# Anything that looks like template syntax once the known placeholders are taken out: filters ({{ x|safe }}),
# tags ({% ... %}), comments ({# ... #}), stray braces.
_LEFTOVER_SYNTAX = re.compile(r"{{|}}|{%|%}|{#|#}")


def _check_field(text: str) -> list[str]:
    problems = []
    if "<" in text or ">" in text or _LEFTOVER_SYNTAX.search(_VARIABLE.sub("", text)):
        problems.append(_("Use only text and placeholders such as {{ patient_name }}; no HTML or template tags."))
    unknown = sorted({name for name in _VARIABLE.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        problems.append(_("Unknown placeholders: %(names)s.") % {"names": ", ".join(unknown)})
    if any(ord(char) < 32 and char not in "\n\r\t" for char in text):
        problems.append(_("The text contains control characters."))
    return problems


def validate_template(body: str, *, subject: str = "") -> None:
    """Refuse HTML, template tags, filters and unknown placeholders in the subject and the text, with a message
    next to the field that has the problem. The subject is one line."""
    errors: dict[str, list[str]] = {}
    subject_problems = _check_field(subject)
    if "\n" in subject or "\r" in subject:
        subject_problems.append(_("The subject is one line."))
    if subject_problems:
        errors["subject"] = subject_problems
    if body_problems := _check_field(body):
        errors["body"] = body_problems
    if errors:
        raise ValidationError(errors)


def _fill(text: str, context: dict[str, str]) -> str:
    """The placeholders replaced by the case's values, as plain text (escaped once, by the letter's template)."""
    return _VARIABLE.sub(lambda match: context.get(match.group(1), ""), text)


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


# Letters are always Norwegian (bokmål or nynorsk), whatever language the case handler's screen is in.
LETTER_TEXTS = {
    "nb": {
        "treatment": "Behandling ved sykehuset i utlandet",
        "travel": "Reise for pasienten",
        "stay": "Opphold under behandlingen",
        "companion": "Reise og opphold for ledsager",
        "guarantee": "Betalingsgaranti til sykehuset",
        "period": "Periode: {start}–{end}",
        "see_grounds": "Se begrunnelsen.",
        "copy_to": "kopi til",
        "no_method": "Behandlingen er ikke vurdert i Nye metoder.",
        "not_introduced": (
            "Beslutningsforum for nye metoder besluttet {date} at «{method}» ikke skal innføres. Pasienten har da ikke "
            "rett til å få dekket behandlingen i utlandet, jf. pasient- og brukerrettighetsloven § 2-4 a tredje ledd."
        ),
        "introduced": "«{method}» er innført i Norge ({date}), og tilbys her.",
        "under_assessment": "«{method}» er til vurdering i Nye metoder.",
        "override": "Vi har likevel innvilget søknaden fordi: {reason}",
        "assessment": "{expert}: {recommendation}. {conclusion}",
        "supports": "støtter behandling i utlandet",
        "does_not_support": "støtter ikke behandling i utlandet",
        "unclear": "uklart, trenger mer informasjon",
        # The letter's frame
        "our_ref": "Vår ref.",
        "date": "Dato",
        "handler": "Saksbehandler",
        "exempt": "Unntatt offentlighet",
        "exempt_basis": "offl. § 13, jf. fvl. § 13 første ledd nr. 1",
        "regards": "Med vennlig hilsen",
        "e_signed": "Brevet er godkjent elektronisk og har derfor ingen håndskrevet signatur.",
        "copy": "Kopi",
        "representative": "fullmektig",
        "case_no": "Saksnr.",
        "page": "Side",
        "page_of": "av",
    },
    "nn": {
        "treatment": "Behandling ved sjukehuset i utlandet",
        "travel": "Reise for pasienten",
        "stay": "Opphald under behandlinga",
        "companion": "Reise og opphald for følgjeperson",
        "guarantee": "Betalingsgaranti til sjukehuset",
        "period": "Periode: {start}–{end}",
        "see_grounds": "Sjå grunngivinga.",
        "copy_to": "kopi til",
        "no_method": "Behandlinga er ikkje vurdert i Nye metodar.",
        "not_introduced": (
            "Beslutningsforum for nye metodar vedtok {date} at «{method}» ikkje skal innførast. Pasienten har då ikkje "
            "rett til å få dekt behandlinga i utlandet, jf. pasient- og brukarrettslova § 2-4 a tredje ledd."
        ),
        "introduced": "«{method}» er innført i Noreg ({date}), og blir tilbydd her.",
        "under_assessment": "«{method}» er til vurdering i Nye metodar.",
        "override": "Vi har likevel innvilga søknaden fordi: {reason}",
        "assessment": "{expert}: {recommendation}. {conclusion}",
        "supports": "støttar behandling i utlandet",
        "does_not_support": "støttar ikkje behandling i utlandet",
        "unclear": "uklart, treng meir informasjon",
        # The letter's frame
        "our_ref": "Vår ref.",
        "date": "Dato",
        "handler": "Sakshandsamar",
        "exempt": "Unnateke offentlegheit",
        "exempt_basis": "offl. § 13, jf. fvl. § 13 første ledd nr. 1",
        "regards": "Med venleg helsing",
        "e_signed": "Brevet er godkjent elektronisk og har difor inga handskriven underskrift.",
        "copy": "Kopi",
        "representative": "fullmektig",
        "case_no": "Saksnr.",
        "page": "Side",
        "page_of": "av",
    },
}
OUTCOME_TEXTS = {
    "nb": {"granted": "innvilget", "partly_granted": "delvis innvilget", "rejected": "avslått", "withdrawn": "trukket"},
    "nn": {"granted": "innvilga", "partly_granted": "delvis innvilga", "rejected": "avslått", "withdrawn": "trekt"},
}
COVERAGE_KEYS = ("treatment", "travel", "stay", "companion", "guarantee")


def _method_text(case: Case, texts: dict[str, str]) -> str:
    method = case.method
    if method is None:
        return texts["no_method"]
    key = {"not_introduced": "not_introduced", "introduced": "introduced"}.get(method.decision, "under_assessment")
    text = texts[key].format(method=method.name, date=_date(method.decided_on))
    if case.method_override_reason:
        text += " " + texts["override"].format(reason=case.method_override_reason)
    return text


def letter_context(case: Case, extra: dict[str, Any] | None = None, *, language: str = "nb") -> dict[str, str]:
    """Plain strings only: what a template may show about the case, in the letter's language."""
    texts = LETTER_TEXTS.get(language, LETTER_TEXTS["nb"])
    chapter = chapter_for(case.diagnosis_icd10)
    answered = case.assessments.filter(answered_on__isnull=False).order_by("-answered_on").first() if case.pk else None
    appeal_deadline = LegalDeadline.get("appeal")
    body = Appeal.Body.STATSFORVALTEREN if case.route == Route.PGD else Appeal.Body.KLAGENEMNDA
    coverage = case.coverage or {}
    covered = [texts[key] for key in COVERAGE_KEYS if coverage.get(key)]
    if coverage.get("period_from") or coverage.get("period_to"):
        covered.append(texts["period"].format(start=coverage.get("period_from", ""), end=coverage.get("period_to", "")))
    if coverage.get("note"):
        covered.append(str(coverage["note"]))
    poa = case.power_of_attorney
    outcome = case.final_outcome or case.outcome
    context = {
        "patient_name": case.patient_display_name,
        "case_number": case.number,
        "received_date": _date(case.received_date),
        "requested_treatment": case.requested_treatment,
        "hospital": str(case.hospital) if case.hospital else "",
        "diagnosis": f"{case.diagnosis_icd10} ({chapter.title_nb})" if chapter else case.diagnosis_icd10,
        "outcome": OUTCOME_TEXTS.get(language, OUTCOME_TEXTS["nb"]).get(outcome, ""),
        "decided_on": _date(case.decided_on),
        "legal_basis": case.legal_basis,
        "grounds": case.grounds,
        "assessment": texts["assessment"].format(
            expert=answered.expert_community,
            recommendation=texts.get(answered.recommendation, ""),
            conclusion=answered.conclusion,
        )
        if answered
        else "",
        "nye_metoder": _method_text(case, texts),
        "coverage": "\n".join(f"– {line}" for line in covered) if covered else texts["see_grounds"],
        "appeal_deadline_weeks": str(appeal_deadline.amount),
        "appeal_deadline_reference": appeal_deadline.legal_reference,
        "appeals_body": str(body.label),
        "office_name": case.office.name,
        "office_address": case.office.postal_address.replace("\n", ", "),
        "representative": poa.representative_name if poa else "",
        "expected_by": "",
        "reason": "",
        "handler": case.handler.get_full_name() if case.handler else "",
    }
    for key, value in (extra or {}).items():
        context[key] = _date(value) if isinstance(value, date) else str(value)
    return context


def recipients_line(case: Case, language: str | None = None) -> str:
    """The patient, and the representative with power of attorney, who gets the letter too."""
    texts = LETTER_TEXTS[letter_language(case, language)]
    if case.power_of_attorney:
        return f"{case.patient_display_name}; {texts['copy_to']} {case.power_of_attorney.representative_name}"
    return case.patient_display_name


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


def sections(body: str, context: dict[str, str]) -> list[Section]:
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
        text = _fill("\n".join(lines), context).replace("\r\n", "\n").strip()
        paragraphs = [
            [line.strip() for line in paragraph.split("\n") if line.strip()]
            for paragraph in re.split(r"\n[ \t]*\n", text)
        ]
        paragraphs = [p for p in paragraphs if p]
        if paragraphs:
            result.append(Section(heading, paragraphs))
    return result


def _template(kind: str, language: str) -> LetterTemplate:
    return LetterTemplate.objects.filter(kind=kind, language=language).first() or LetterTemplate.objects.get(
        kind=kind, language="nb"
    )


def letter_language(case: Case, chosen: str | None = None) -> str:
    """The one rule for a letter's written language: the one chosen for this letter (the decision form may differ
    for a single letter), otherwise the case's (``Case.letter_language``, set at registration; målloven)."""
    language = chosen or case.letter_language
    return language if language in LETTER_TEXTS else "nb"


def letter(
    kind: str, case: Case, *, language: str | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the letter shows, as plain strings: the PDF and the preview on the page both draw this.

    Without a language the letter is in the case's (``letter_language``)."""
    template = _template(kind, letter_language(case, language))
    language = template.language
    context = letter_context(case, extra, language=language)
    poa = case.power_of_attorney
    return {
        "language": language,
        "texts": LETTER_TEXTS[language],
        "subject": _fill(template.subject, context).strip(),
        "sections": sections(template.body, context),
        "case_number": case.number,
        "office_name": case.office.name,
        "office_address_lines": case.office.postal_address.splitlines(),
        "recipient_lines": [case.patient_display_name, *case.patient_display_address],
        "today": timezone.localdate(),
        "handler": case.handler.get_full_name() if case.handler else "",
        "representative": {"name": poa.representative_name, "address": poa.representative_address} if poa else None,
    }


def render_html(kind: str, case: Case, *, language: str | None = None, extra: dict[str, Any] | None = None) -> str:
    """The letter as an HTML document for the PDF. Every value is escaped once, by the template."""
    return render_to_string(
        "abroad/letters/letter.html",
        {"letter": letter(kind, case, language=language, extra=extra), "font_dir": font_dir().as_uri()},
    )


def render_pdf(kind: str, case: Case, *, language: str | None = None, extra: dict[str, Any] | None = None) -> bytes:
    return write_pdf(render_html(kind, case, language=language, extra=extra))
