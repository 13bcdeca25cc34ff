"""Treatment abroad's letters (decisions, provisional replies, appeals): what they say about the case.

The templates an office lead edits may use only the placeholders in PLACEHOLDERS; the checks, the filling and
the letter's frame (sender, "Vår ref.", signature, pages, in bokmål or nynorsk) are records.letters'.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vegvis.abroad.models import Appeal, Case, LetterTemplate, Route
from vegvis.core.icd10 import chapter_for
from vegvis.core.models import LegalDeadline
from vegvis.records import letters as records_letters

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


def validate_template(body: str, *, subject: str = "") -> None:
    """Refuse HTML, template tags, filters and placeholders other than PLACEHOLDERS (records.letters)."""
    records_letters.validate_template(body, subject=subject, placeholders=PLACEHOLDERS)


# What the treatment-abroad letters say about the case, in bokmål and nynorsk (the frame's words: records.letters).
LETTER_TEXTS = {
    "nb": {
        "treatment": "Behandling ved sykehuset i utlandet",
        "travel": "Reise for pasienten",
        "stay": "Opphold under behandlingen",
        "companion": "Reise og opphold for ledsager",
        "guarantee": "Betalingsgaranti til sykehuset",
        "period": "Periode: {start}–{end}",
        "see_grounds": "Se begrunnelsen.",
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
    text = texts[key].format(method=method.name, date=records_letters.format_date(method.decided_on))
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
        "received_date": records_letters.format_date(case.received_date),
        "requested_treatment": case.requested_treatment,
        "hospital": str(case.hospital) if case.hospital else "",
        "diagnosis": f"{case.diagnosis_icd10} ({chapter.title_nb})" if chapter else case.diagnosis_icd10,
        "outcome": OUTCOME_TEXTS.get(language, OUTCOME_TEXTS["nb"]).get(outcome, ""),
        "decided_on": records_letters.format_date(case.decided_on),
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
        context[key] = records_letters.format_date(value) if isinstance(value, date) else str(value)
    return context


def recipients_line(case: Case, language: str | None = None) -> str:
    """The patient, and the representative with power of attorney, who gets the letter too."""
    texts = records_letters.FRAME_TEXTS[letter_language(case, language)]
    if case.power_of_attorney:
        return f"{case.patient_display_name}; {texts['copy_to']} {case.power_of_attorney.representative_name}"
    return case.patient_display_name


def letter_language(case: Case, chosen: str | None = None) -> str:
    """The one rule for a letter's written language: the one chosen for this letter (the decision form may differ
    for a single letter), otherwise the case's (``Case.letter_language``, set at registration; målloven)."""
    return records_letters.language_or_default(chosen or case.letter_language)


def letter(
    kind: str, case: Case, *, language: str | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the letter shows, as plain strings: the PDF and the preview on the page both draw this.

    Without a language the letter is in the case's (``letter_language``)."""
    template = records_letters.template_for(LetterTemplate, kind, letter_language(case, language))
    language = template.language
    poa = case.power_of_attorney
    texts = records_letters.FRAME_TEXTS[language]
    return records_letters.frame(
        language=language,
        template=template,
        context=letter_context(case, extra, language=language),
        case_number=case.number,
        office_name=case.office.name,
        office_address=case.office.postal_address,
        recipient_lines=[case.patient_display_name, *case.patient_display_address],
        handler=case.handler.get_full_name() if case.handler else "",
        copies=[records_letters.Copy(poa.representative_name, poa.representative_address, texts["representative"])]
        if poa
        else [],
    )


def render_html(kind: str, case: Case, *, language: str | None = None, extra: dict[str, Any] | None = None) -> str:
    """The letter as an HTML document for the PDF (records.letters draws the frame)."""
    return records_letters.render_html(letter(kind, case, language=language, extra=extra))


def render_pdf(kind: str, case: Case, *, language: str | None = None, extra: dict[str, Any] | None = None) -> bytes:
    return records_letters.render_pdf(letter(kind, case, language=language, extra=extra))
