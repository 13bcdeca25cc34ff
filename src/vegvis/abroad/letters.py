"""Decision letters and other letters as PDF (WeasyPrint), from templates an office lead edits.

Templates are plain text with placeholders in double braces. Only the placeholders listed in PLACEHOLDERS
may be used and no template tags, so an edited template can neither break the letter nor reach data it
should not; the values are plain strings, escaped before they reach the PDF.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import override

from vegvis.abroad.models import Appeal, Case, LetterTemplate, Route
from vegvis.core.icd10 import chapter_for
from vegvis.core.models import LegalDeadline

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
_ENGINE = Engine(autoescape=True)
_FONT_DIR = Path(settings.NODE_MODULES) / "@fontsource" / "inter" / "files"


def validate_template(body: str) -> None:
    """Refuse template tags, HTML and unknown placeholders, with a message naming the problem."""
    if "{%" in body or "<" in body:
        raise ValidationError(
            {"body": _("Use only text and placeholders such as {{ patient_name }}; no HTML or template tags.")}
        )
    unknown = sorted({name for name in _VARIABLE.findall(body) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError({"body": _("Unknown placeholders: %(names)s.") % {"names": ", ".join(unknown)}})
    try:
        _ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        raise ValidationError({"body": _("The text cannot be read: %(error)s") % {"error": error}}) from error


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
        "patient_name": case.patient.name,
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


def recipients_line(case: Case) -> str:
    """The patient, and the representative with power of attorney, who gets the letter too."""
    if case.power_of_attorney:
        return f"{case.patient.name}; {LETTER_TEXTS['nb']['copy_to']} {case.power_of_attorney.representative_name}"
    return case.patient.name


def render_html(kind: str, case: Case, *, language: str = "nb", extra: dict[str, Any] | None = None) -> str:
    template = LetterTemplate.objects.filter(kind=kind, language=language).first() or LetterTemplate.objects.get(
        kind=kind, language="nb"
    )
    context = letter_context(case, extra, language=template.language)
    body = _ENGINE.from_string(template.body).render(Context(context))
    subject = _ENGINE.from_string(template.subject).render(Context(context))
    with override(language if language == "nb" else "nb"):
        return render_to_string(
            "abroad/letters/letter.html",
            {
                "case": case,
                "subject": subject,
                "body": linebreaks(body, autoescape=False),
                "today": timezone.localdate(),
                "recipient_lines": [case.patient.name, *case.patient.postal_lines],
                "representative": case.power_of_attorney,
                "office_address_lines": case.office.postal_address.splitlines(),
                "font_dir": _FONT_DIR.as_uri(),
            },
        )


def render_pdf(kind: str, case: Case, *, language: str = "nb", extra: dict[str, Any] | None = None) -> bytes:
    from weasyprint import HTML

    html = render_html(kind, case, language=language, extra=extra)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
