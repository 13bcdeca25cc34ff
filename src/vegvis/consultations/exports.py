"""The response as PDF (``core.pdf.write_pdf``, the one PDF writer) and the register of inputs as XLSX (the
statistics kit's workbook writer: every cell through ``core.xlsx.put``, never a formula). Both audited as exports
by the caller's principal. The register names bodies, never the people who wrote for them."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.consultations.models import Consultation, Input, ResponseSection
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


def response_html(consultation: Consultation) -> str:
    sections = list(
        ResponseSection.objects.filter(consultation=consultation).prefetch_related("inputs__body__organisation")
    )
    return render_to_string(
        "consultations/response_pdf.html",
        {
            "consultation": consultation,
            "sections": sections,
            "font_dir": font_dir().as_uri(),
            "language": translation.get_language() or "nb",
        },
    )


def response_pdf(principal: Principal, consultation: Consultation) -> bytes:
    content = write_pdf(response_html(consultation))
    _audit_export(principal, consultation, "response_pdf")
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
