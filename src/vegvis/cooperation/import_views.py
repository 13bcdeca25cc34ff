"""A supplier's import page: upload a CSV or XLSX list of agreements, see every problem or every agreement the file
would enter, then confirm. The file waits between the two, encrypted, for an hour at most (``reports.pending``, the
same store as the case import). The rules are the command's (``importer``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegvis.access.rules import current_user, principal, requires
from vegvis.cooperation import importer
from vegvis.imports.lines import ImportRefused
from vegvis.reports import pending

MAX_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or Excel, .csv or .xlsx)"),
        help_text=gettext_lazy("One agreement per line, with the columns described in the import guide."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


@requires("cooperation.enter_agreement")
def agreement_import(request: HttpRequest) -> HttpResponse:
    from vegvis.core.storage import StorageFull

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            token = pending.save(user_id=current_user(request).pk, name=upload.name or "", content=upload.read())
        except StorageFull as error:
            form.add_error(None, str(error))
        else:
            return redirect("cooperation:import_preview", token=token)
    return render(request, "cooperation/import_upload.html", {"form": form, "columns": importer.COLUMNS})


@requires("cooperation.enter_agreement")
def agreement_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: every problem of the file, or every agreement it would enter. POST: enter them, then forget the file."""
    try:
        name, content = pending.load(token, user_id=current_user(request).pk)
    except pending.PendingMissing:
        raise Http404 from None
    who = principal(request)
    if request.method == "POST":
        try:
            summary = importer.run(actor=who, content=content, filename=name)
        except ImportRefused:
            messages.error(request, _("The file has problems; nothing was imported."))
            return redirect("cooperation:import_preview", token=token)
        pending.delete(token)
        messages.success(request, summary)
        return redirect("cooperation:register")
    try:
        parsed = importer.parse(content, name, actor=who)
        errors, rows = parsed.errors, ([] if parsed.errors else parsed.rows)
    except ImportRefused as refused:
        errors, rows = refused.errors, []
    return render(request, "cooperation/import_preview.html", {"name": name, "errors": errors, "rows": rows})


# The template: the columns in order and one example line, as an Excel workbook to fill in.
EXAMPLE = [
    "", "Foreningen for hjertesyke", "financial_support", "", "ja", "02.01.2026", "03.01.2026", "31.12.2026",
    "412 345,50", "", "Likepersonskurs", "nei", "ja", "ja", "", "", "", "", "", "",
]  # fmt: skip


@requires("cooperation.enter_agreement")
def import_template(request: HttpRequest) -> HttpResponse:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Avtaler"
    sheet.append([c.header for c in importer.COLUMNS])
    sheet.append(EXAMPLE)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="samarbeidsavtaler-mal.xlsx"'
    return response
