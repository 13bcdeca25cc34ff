"""The response as PDF (``core.pdf.write_pdf``, the one PDF writer) and DOCX (``core.docx.write_docx``, the one
DOCX writer), both rendered from one structure (:func:`response_content`), and the register of inputs as XLSX (the
statistics kit's workbook writer: every cell through ``core.xlsx.put``, never a formula). All audited as exports
by the caller's principal. The register names bodies, never the people who wrote for them.

The response goes to the issuer and is published, so an input exempt from publication appears in it only by its
number, date and use: never its body or the sentence on how it was used (as on the public page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.consultations.models import Consultation, Input, ResponseSection
from vegvis.core import docx
from vegvis.core.pdf import font_dir, write_pdf
from vegvis.statistics.exports import About, xlsx
from vegvis.statistics.tables import Column, Table


def _audit_export(principal: Principal, consultation: Consultation, what: str) -> None:
    with audited_atomic():
        audit_record(
            principal=principal,
            action=Action.EXPORT,
            obj=consultation,
            label=consultation.audit_label,
            detail={"export": what},
        )


@dataclass(frozen=True)
class InputReference:
    """An input as the response names it: its number and body (no body when it is exempt from publication)."""

    number: str
    body: str

    def __str__(self) -> str:
        return f"{self.number} {self.body}" if self.body else self.number


@dataclass(frozen=True)
class SectionContent:
    order: int
    heading: str
    text: str
    inputs: tuple[InputReference, ...]

    @property
    def title(self) -> str:
        return f"{self.order}. {self.heading}"


@dataclass(frozen=True)
class UseRow:
    """One line of the register of how each input was used."""

    number: str
    registered: str
    body: str
    late: bool
    use: str
    explanation: str


@dataclass(frozen=True)
class ResponseContent:
    """The response as both exports render it, every date already dd.mm.åååå."""

    title: str
    organisation: str
    issuer: str
    issuer_reference: str
    number: str
    issuer_deadline: str
    internal_deadline: str
    introduction: str
    sections: tuple[SectionContent, ...]
    register: tuple[UseRow, ...]

    @property
    def references(self) -> str:
        parts = [f"{_('To')}: {self.issuer}"]
        if self.issuer_reference:
            parts.append(f"{_('Your ref.')} {self.issuer_reference}")
        parts.append(f"{_('Our ref.')} {self.number}")
        return " · ".join(parts)

    @property
    def deadlines(self) -> str:
        issuer = _("The issuer's deadline")
        internal = _("Internal deadline for input")
        return f"{issuer}: {self.issuer_deadline} · {internal}: {self.internal_deadline}"

    @property
    def register_header(self) -> tuple[str, ...]:
        return (_("Registration number"), _("Registered"), _("Body"), _("Use"), _("How it was used"))

    def register_cells(self, row: UseRow) -> tuple[str, ...]:
        registered = f"{row.registered} ({_('late')})" if row.late else row.registered
        return (row.number, registered, row.body, row.use, row.explanation)


def response_content(consultation: Consultation) -> ResponseContent:
    """The response's structure: title, issuer and references, deadlines, introduction, the sections with the
    inputs bearing on each, and the register of how each input was used."""

    def reference(item: Input) -> InputReference:
        return InputReference(item.number, "" if item.contains_personal_data else item.body.organisation.name)

    sections = ResponseSection.objects.filter(consultation=consultation).prefetch_related("inputs__body__organisation")
    inputs = Input.objects.filter(consultation=consultation).select_related("body__organisation", "use")
    register = []
    for item in inputs.order_by("registered_at", "pk"):
        use = getattr(item, "use", None)
        exempt = item.contains_personal_data
        register.append(
            UseRow(
                number=item.number,
                registered=item.registered_on.strftime("%d.%m.%Y"),
                body=_("Exempt from publication") if exempt else item.body.organisation.name,
                late=item.late,
                use=use.get_use_display() if use else _("Use not recorded"),
                explanation="" if exempt or use is None else use.explanation,
            )
        )
    return ResponseContent(
        title=f"{_('Consultation response')}: {consultation.title}",
        organisation=consultation.organisation.name,
        issuer=consultation.issuer,
        issuer_reference=consultation.issuer_reference,
        number=consultation.number,
        issuer_deadline=consultation.issuer_deadline.strftime("%d.%m.%Y"),
        internal_deadline=consultation.internal_deadline.strftime("%d.%m.%Y"),
        introduction=consultation.response_introduction,
        sections=tuple(
            SectionContent(
                order=section.order,
                heading=section.heading,
                text=section.text,
                inputs=tuple(
                    reference(item) for item in sorted(section.inputs.all(), key=lambda i: (i.registered_at, i.pk))
                ),
            )
            for section in sections
        ),
        register=tuple(register),
    )


def response_html(consultation: Consultation) -> str:
    return render_to_string(
        "consultations/response_pdf.html",
        {
            "response": response_content(consultation),
            "font_dir": font_dir().as_uri(),
            "language": translation.get_language() or "nb",
        },
    )


def response_pdf(principal: Principal, consultation: Consultation) -> bytes:
    content = write_pdf(response_html(consultation))
    _audit_export(principal, consultation, "response_pdf")
    return content


def response_document(consultation: Consultation) -> docx.Document:
    """The response as the DOCX writer's blocks, from the same structure as the PDF."""
    response = response_content(consultation)
    blocks: list[docx.Block] = [
        docx.Paragraph(f"{response.organisation} · {response.references}"),
        docx.Paragraph(response.deadlines),
    ]
    if response.introduction:
        blocks.append(docx.Paragraph(response.introduction))
    for section in response.sections:
        blocks.append(docx.Heading(section.title, level=1))
        blocks.append(docx.Paragraph(section.text))
        if section.inputs:
            blocks.append(
                docx.Paragraph(f"{_('Inputs bearing on it')}: {'; '.join(str(item) for item in section.inputs)}")
            )
    if response.register:
        blocks.append(docx.Heading(_("How the inputs were used"), level=1))
        blocks.append(
            docx.Table(
                header=response.register_header,
                rows=[response.register_cells(row) for row in response.register],
            )
        )
    language = (translation.get_language() or "nb").split("-")[0]
    return docx.Document(
        title=response.title,
        language=language if language in docx.LANGUAGES else "nb",
        blocks=blocks,
        author=response.organisation,
        subject=f"{response.issuer} {response.issuer_reference}".strip(),
    )


def response_docx(principal: Principal, consultation: Consultation) -> bytes:
    content = docx.write_docx(response_document(consultation))
    _audit_export(principal, consultation, "response_docx")
    return content


def register_table(consultation: Consultation) -> Table:
    rows = []
    inputs = Input.objects.filter(consultation=consultation).select_related("body__organisation", "use")
    for item in inputs.order_by("registered_at", "pk"):
        use = getattr(item, "use", None)
        rows.append(
            [
                item.number,
                item.registered_on.strftime("%d.%m.%Y"),
                item.body.organisation.name,
                _("Yes") if item.late else _("No"),
                _("Yes") if item.contains_personal_data else _("No"),
                item.versions.count(),
                use.get_use_display() if use else "",
                use.explanation if use else "",
            ]
        )
    return Table(
        key="inputs",
        sheet=_("Inputs"),
        caption=_("Register of inputs: %(number)s %(title)s")
        % {"number": consultation.number, "title": consultation.title},
        columns=[
            Column(_("Registration number"), "text"),
            Column(_("Registered"), "text"),
            Column(_("Body"), "text"),
            Column(_("Late"), "text"),
            Column(_("Exempt from publication"), "text"),
            Column(_("Versions"), "int"),
            Column(_("Use"), "text"),
            Column(_("How it was used"), "text"),
        ],
        rows=rows,
    )


def register_xlsx(principal: Principal, consultation: Consultation) -> bytes:
    about = About(
        sheet=_("About"),
        title=f"{consultation.number} {consultation.title}",
        lines=[
            f"{_('Issuer')}: {consultation.issuer}",
            f"{_('Internal deadline for input')}: {consultation.internal_deadline:%d.%m.%Y}",
            "{}: {:%d.%m.%Y}".format(_("The issuer's deadline"), consultation.issuer_deadline),
        ],
    )
    content = xlsx([register_table(consultation)], about=about)
    _audit_export(principal, consultation, "register_xlsx")
    return content
