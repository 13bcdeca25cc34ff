"""The desk's letters as writes: a letter sealed into the case file, the power-of-attorney form step, and an
association lead's edit of its letter templates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_denied, audit_record, audited_atomic
from vegvis.core.models import Organisation
from vegvis.inquiries import letters
from vegvis.inquiries.models import Case, Document, LetterTemplate, Scope
from vegvis.inquiries.services.base import register_document, stored, take_step


def letter_seal(
    row: Case,
    *,
    actor: Principal,
    data: Mapping[str, Any],
    kind: str,
    title: str,
    correspondent: str,
    document_date: date,
    language: str = "",
) -> Document:
    """Render the letter to PDF and register it in the case file as sent, so sealed (records.models.CaseDocument);
    runs inside the step's transaction. A language chosen for the letter becomes the case's: the person's choice."""
    if language:
        row.letter_language = letters.letter_language(row, language)
    return register_document(
        row,
        principal=actor,
        kind=kind,
        direction=Document.Direction.OUTGOING,
        title=title,
        document_date=document_date,
        correspondent=correspondent,
        content=letters.render_pdf(data),
        content_type="application/pdf",
        sent=True,
    )


def power_of_attorney_form_send(
    *, actor: Principal, case: Case, version: int | None, scopes: list[str], address: str = "", language: str = ""
) -> Document:
    """The power-of-attorney form for the person to sign and send back, sealed into the case file."""
    made: dict[str, Document] = {}

    def apply(row: Case) -> dict[str, Any]:
        data = letters.power_of_attorney_form(actor=actor, case=row, scopes=scopes, address=address, language=language)
        made["document"] = letter_seal(
            row,
            actor=actor,
            data=data,
            kind=Document.Kind.POWER_OF_ATTORNEY_FORM,
            title=stored("Power-of-attorney form sent to %(name)s to sign", name=row.display_name),
            correspondent=row.display_name,
            document_date=data["today"],
            language=language,
        )
        return {"document": made["document"].pk, "scopes": sorted(s for s in scopes if s in Scope.values)}

    take_step(actor, case, "send_power_of_attorney_form", version, apply)
    return made["document"]


def check_template_editor(actor: Principal, organisation: Organisation) -> None:
    """Only a lead of the association edits its letters; a refusal is audited (call outside transactions)."""
    grant = actor.grant("inquiries.manage_letter_templates")
    if not (grant.everywhere or organisation.pk in grant.organisation_ids):
        audit_denied(actor, obj=organisation, label=organisation.name, detail={"action": "letter_templates"})
        raise PermissionDenied


def letter_template_save(
    *, actor: Principal, organisation: Organisation, kind: str, language: str, subject: str, body: str
) -> LetterTemplate:
    """Save the association's own text of a letter (its copy of the default, made on the first edit). Letters
    already sent are sealed PDFs and do not change."""
    if kind not in LetterTemplate.Kind.values or language not in LetterTemplate.Language.values:
        raise ValueError(f"no such letter: {kind} {language}")
    check_template_editor(actor, organisation)
    letters.validate_template(body, subject=subject)
    with audited_atomic():
        template, created = LetterTemplate.objects.select_for_update().get_or_create(
            organisation=organisation, kind=kind, language=language, defaults={"subject": subject, "body": body}
        )
        template.subject, template.body, template.updated_by = subject, body, actor.user
        template.save()
        audit_record(
            principal=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=template,
            label=f"{organisation.name}: {template}",
        )
    return template
