"""Every read of the consultations, already filtered by the policies (``policies.py``); the public page's reads
take published consultations only, and of their inputs never an exempt one's text, attachments or author."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from vegvis.access.policies import get_visible_or_404, visible
from vegvis.access.principal import Principal
from vegvis.consultations import deadlines
from vegvis.consultations.models import Consultation, Document, Input, MemberBody, ResponseSection, Status
from vegvis.consultations.policies import body_organisation_ids
from vegvis.core.models import Organisation


def run_organisations(principal: Principal) -> QuerySet[Organisation]:
    """The organisations whose consultations the principal runs."""
    grant = principal.grant("consultations.run_consultation")
    if grant.everywhere:
        return Organisation.objects.filter(consultation_member_bodies__isnull=False).distinct()
    return Organisation.objects.filter(pk__in=sorted(grant.organisation_ids))


def member_bodies(organisation: Organisation | int) -> QuerySet[MemberBody]:
    return MemberBody.objects.filter(parent=organisation).select_related("organisation")


def worklist(principal: Principal) -> list[Consultation]:
    """The secretariat's consultations, the open ones first by internal deadline, with their counts."""
    rows = (
        visible(principal, Consultation.objects.filter(organisation__in=run_organisations(principal)))
        .annotate(input_count=Count("inputs", distinct=True), invited_count=Count("invited", distinct=True))
        .select_related("organisation")
    )
    done = {Status.SUBMITTED, Status.PUBLISHED}
    return sorted(rows, key=lambda c: (c.status in done, c.internal_deadline, c.pk))


def consultation_for(principal: Principal, pk: int) -> Consultation:
    return get_visible_or_404(principal, Consultation.objects.select_related("organisation"), pk=pk)


def consultation_warnings(consultation: Consultation) -> list[str]:
    return deadlines.warnings(
        issued_on=consultation.issued_on,
        issuer_deadline=consultation.issuer_deadline,
        internal_deadline=consultation.internal_deadline,
    )


def inputs_of(principal: Principal, consultation: Consultation) -> list[Input]:
    """The consultation's inputs the principal may read, with their use, versions and attachments."""
    return list(
        visible(principal, Input.objects.filter(consultation=consultation))
        .select_related("body__organisation", "author", "use")
        .prefetch_related(
            "versions",
            Prefetch(
                "documents", queryset=Document.objects.filter(kind=Document.Kind.ATTACHMENT), to_attr="attachments"
            ),
        )
        .order_by("registered_at", "pk")
    )


def sections_of(consultation: Consultation) -> list[ResponseSection]:
    return list(consultation.sections.prefetch_related("inputs__body__organisation"))


def issuer_documents(consultation: Consultation) -> list[Document]:
    return list(consultation.documents.filter(kind=Document.Kind.ISSUER_DOCUMENT).order_by("sequence"))


def input_for(principal: Principal, pk: int) -> Input:
    return get_visible_or_404(
        principal, Input.objects.select_related("consultation__organisation", "body__organisation"), pk=pk
    )


# ---------------------------------------------------------------- a member body's user


@dataclass(frozen=True)
class Invitation:
    consultation: Consultation
    body: MemberBody
    input: Input | None


def invitations(principal: Principal) -> list[Invitation]:
    """The consultations the principal's bodies are invited to (open or later), each with the body's input."""
    bodies = list(MemberBody.objects.filter(organisation_id__in=body_organisation_ids(principal)))
    found: list[Invitation] = []
    for body in bodies:
        consultations = (
            visible(principal, Consultation.objects.filter(invited=body))
            .exclude(status=Status.DRAFT)
            .select_related("organisation")
            .order_by("-internal_deadline", "-pk")
        )
        own = {i.consultation_id: i for i in Input.objects.filter(body=body, consultation__in=consultations)}
        found.extend(Invitation(c, body, own.get(c.pk)) for c in consultations)
    return found


def invitation_for(principal: Principal, consultation: Consultation) -> Invitation:
    """The principal's invited body in the consultation (404 when none is), with its input."""
    body = (
        consultation.invited.filter(organisation_id__in=body_organisation_ids(principal))
        .select_related("organisation")
        .first()
    )
    if body is None or consultation.status == Status.DRAFT:
        raise Http404
    return Invitation(consultation, body, Input.objects.filter(consultation=consultation, body=body).first())


# ---------------------------------------------------------------- public


def published() -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(status=Status.PUBLISHED)
        .select_related("organisation")
        .annotate(input_count=Count("inputs"))
        .order_by("-published_on", "-pk")
    )


@dataclass(frozen=True)
class PublicInput:
    """An input as the public sees it: an exempt one only as existing (number, date, nothing of its content)."""

    number: str
    registered_on: Any
    late: bool
    exempt: bool
    body: str
    text: str
    use: str
    explanation: str
    attachments: tuple[Document, ...]


def public_consultation(pk: int) -> Consultation:
    return get_object_or_404(published(), pk=pk)


def public_inputs(consultation: Consultation) -> list[PublicInput]:
    rows = (
        Input.objects.filter(consultation=consultation)
        .select_related("body__organisation", "use")
        .prefetch_related(
            Prefetch(
                "documents", queryset=Document.objects.filter(kind=Document.Kind.ATTACHMENT), to_attr="attachments"
            )
        )
        .order_by("registered_at", "pk")
    )
    found = []
    for row in rows:
        use = getattr(row, "use", None)
        if row.contains_personal_data:
            found.append(PublicInput(row.number, row.registered_on, row.late, True, "", "", "", "", ()))
        else:
            found.append(
                PublicInput(
                    number=row.number,
                    registered_on=row.registered_on,
                    late=row.late,
                    exempt=False,
                    body=row.body.organisation.name,
                    text=row.text,
                    use=use.get_use_display() if use else "",
                    explanation=use.explanation if use else "",
                    attachments=tuple(row.attachments),
                )
            )
    return found


def public_attachment(consultation_pk: int, document_pk: int) -> Document:
    """An attachment of a published, non-exempt input; 404 for anything else."""
    return get_object_or_404(
        Document.objects.select_related("case", "input"),
        Q(case__status=Status.PUBLISHED, kind=Document.Kind.ATTACHMENT, input__contains_personal_data=False),
        pk=document_pk,
        case_id=consultation_pk,
    )
