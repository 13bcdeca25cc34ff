"""The registers the offices keep: methods and letter templates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from vegvis.abroad import letters
from vegvis.abroad.models import LetterTemplate, Method
from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic

# ---------------------------------------------------------------- register of methods and templates


def method_save(*, actor: Principal, method: Method | None, **values: Any) -> Method:
    if not actor.has("abroad.manage_methods"):
        raise PermissionDenied
    with audited_atomic():
        target = method or Method()
        for name, value in values.items():
            setattr(target, name, value)
        target.full_clean()
        target.save()
        audit_record(
            principal=actor,
            action=Action.UPDATE if method else Action.CREATE,
            obj=target,
            label=target.name,
            detail={"decision": target.decision, "decided_on": target.decided_on},
        )
    return target


def letter_template_save(*, actor: Principal, template: LetterTemplate, subject: str, body: str) -> LetterTemplate:
    if not actor.has("abroad.manage_letter_templates"):
        raise PermissionDenied
    letters.validate_template(body, subject=subject)
    with audited_atomic():
        template.subject = subject
        template.body = body
        template.updated_by = actor.user
        template.save()
        audit_record(principal=actor, action=Action.UPDATE, obj=template, label=str(template))
    return template
