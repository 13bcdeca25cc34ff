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


def letter_context(case: Case, extra: dict[str, Any] | None = None) -> dict[str, str]:
    """Plain strings only: what a template may show about the case."""
    from vegvis.abroad.services import method_consequence

    chapter = chapter_for(case.diagnosis_icd10)
    answered = case.assessments.filter(answered_on__isnull=False).order_by("-answered_on").first() if case.pk else None
    appeal_deadline = LegalDeadline.get("appeal")
    body = Appeal.Body.STATSFORVALTEREN if case.route == Route.PGD else Appeal.Body.KLAGENEMNDA
    coverage = case.coverage or {}
    covered = [label for key, label in COVERAGE_LABELS.items() if coverage.get(key)]
    if coverage.get("period_from") or coverage.get("period_to"):
        covered.append(
            _("Period: %(start)s–%(end)s")
            % {"start": coverage.get("period_from", ""), "end": coverage.get("period_to", "")}
        )
    if coverage.get("note"):
        covered.append(str(coverage["note"]))
    poa = case.power_of_attorney
    context = {
        "patient_name": case.patient.name,
        "case_number": case.number,
        "received_date": _date(case.received_date),
        "requested_treatment": case.requested_treatment,
        "hospital": str(case.hospital) if case.hospital else "",
        "diagnosis": f"{case.diagnosis_icd10} ({chapter.title_nb})" if chapter else case.diagnosis_icd10,
        "outcome": case.get_final_outcome_display() or case.get_outcome_display(),
        "decided_on": _date(case.decided_on),
        "legal_basis": case.legal_basis,
        "grounds": case.grounds,
        "assessment": (
            f"{answered.expert_community}: {answered.get_recommendation_display()}. {answered.conclusion}"
            if answered
            else ""
        ),
        "nye_metoder": method_consequence(case) or _("The method is not registered in Nye metoder."),
        "coverage": "\n".join(f"– {line}" for line in covered) if covered else _("See the grounds."),
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


COVERAGE_LABELS = {
    "treatment": _("Treatment at the hospital abroad"),
    "travel": _("Travel for the patient"),
    "stay": _("Stay during the treatment"),
    "companion": _("Travel and stay for a companion"),
    "guarantee": _("Payment guarantee to the hospital"),
}


def recipients_line(case: Case) -> str:
    """The patient, and the representative with power of attorney, who gets the letter too."""
    if case.power_of_attorney:
        return f"{case.patient.name}; {_('copy to')} {case.power_of_attorney.representative_name}"
    return case.patient.name


def render_html(kind: str, case: Case, *, language: str = "nb", extra: dict[str, Any] | None = None) -> str:
    template = LetterTemplate.objects.filter(kind=kind, language=language).first() or LetterTemplate.objects.get(
        kind=kind, language="nb"
    )
    context = letter_context(case, extra)
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
