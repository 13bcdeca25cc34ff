"""Registering documents in a case file: numbered under the case's row lock, screened, audited, files tracked.

These run inside the calling system's write (its transaction, opened with ``audited_atomic()`` inside
``files.files_kept_on_commit()``); they open none of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record
from vegvis.records import files, screening
from vegvis.records.models import CaseDocument

D = TypeVar("D", bound=CaseDocument)

# What the public journal shows in place of a screened part (offentleglova § 13).
SCREENED = "******"


def public_title(*parts: Any) -> str:
    """The public journal's title: the given parts (the document's kind, the case's kind …) in the installation's
    language, whatever the case handler's screen is in, and the screened part as ******."""
    with translation.override(settings.LANGUAGE_CODE):
        return " – ".join([*(str(part) for part in parts), SCREENED])


def _next_sequence(model: type[CaseDocument], case: models.Model) -> int:
    """The case's next document number, taken under the case's row lock, so numbers have no gaps and no twins."""
    type(case)._default_manager.select_for_update().filter(pk=case.pk).values_list("pk").get()
    # Q: the abstract model has no ``case``; every subclass does.
    of_case = model._default_manager.filter(Q(case=case))
    last = of_case.order_by("-sequence").values_list("sequence", flat=True).first()
    return (last or 0) + 1


def document_register(
    *,
    model: type[D],
    case: models.Model,
    principal: Principal,
    kind: str,
    direction: str,
    title: str,
    public_title: str,
    document_date: date,
    correspondent: str = "",
    correspondent_is_private: bool = True,
    screened_names: Iterable[str] = (),
    body: str = "",
    content: bytes | None = None,
    filename: str = "",
    content_type: str = "",
    sent: bool = False,
    person_id: int | None = None,
) -> D:
    """Register a document in ``case``'s file, numbered ``<case number>-<n>`` by the case's own sequence.

    A correspondent that names anyone in ``screened_names`` (the patient, a representative …) is marked private
    whatever the caller said, so the public journal screens it. With ``content`` the file is stored (and removed
    again if the change does not commit); ``sent`` seals the document at once. The registration is audited for
    ``person_id``. Runs inside the caller's transaction (on PostgreSQL the row lock refuses to run outside one).
    """
    sequence = _next_sequence(model, case)
    if screening.names_someone(correspondent, screened_names):
        correspondent_is_private = True  # the person's name is screened in the public journal, whatever was said
    number = f"{case.number}-{sequence}"  # type: ignore[attr-defined]  # every case model has its number
    document = model(
        case=case,
        sequence=sequence,
        number=number,
        kind=kind,
        direction=direction,
        title=title,
        public_title=public_title,
        document_date=document_date,
        registered_on=timezone.localdate(),
        correspondent=correspondent,
        correspondent_is_private=correspondent_is_private,
        body=body,
        created_by=principal.user,
        sent_at=timezone.now() if sent else None,
    )
    if content is not None:
        files.store_file(
            document, content, filename=filename or f"{number.replace('/', '-')}.pdf", content_type=content_type
        )
    document.save()
    audit_record(
        principal=principal,
        action=Action.CREATE,
        obj=document,
        label=document.number,
        person_id=person_id,
        detail={"kind": kind, "direction": direction},
    )
    return document
