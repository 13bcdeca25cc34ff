"""Pages of the reports module: the annual report (web, downloads, figures, the network's text), the statistics,
and the office lead's case import (upload, preview, confirm). Views parse, authorise and render; the rules live in
``annual``, ``selectors`` and ``services`` (and ``abroad.importer`` for the import)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access.rules import current_user, principal, requires
from vegvis.reports import charts, pending, selectors, services
from vegvis.reports import render as publication
from vegvis.reports.forms import CaseImportForm, NarrativeForm
from vegvis.reports.models import ReportNarrative

FIRST_YEAR, LAST_YEAR = 2000, 2100
DOWNLOADS = ("pdf", "xlsx", "json")


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404


def _default_year() -> int:
    """The last whole year, or the latest year with data if that is earlier."""
    last_whole = timezone.localdate().year - 1
    years = [y for y in selectors.report_years() if y <= last_whole]
    return years[0] if years else last_whole


# ---------------------------------------------------------------- the annual report


@requires("reports.view_annual_report")
def annual_index(request: HttpRequest) -> HttpResponse:
    return redirect("reports:annual", year=_default_year())


@requires("reports.view_annual_report")
def annual(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    who = principal(request)
    scope = selectors.report_scope(who, "reports.view_annual_report")
    report, version = selectors.cached_annual_report(who, year)
    narratives = selectors.narratives(year) if scope.national else {}

    def chart_src(name: str) -> str:
        return f"{reverse('reports:annual_figure', args=[year, name])}?v={version}"

    context = publication.publication_context(report, narratives, chart_src=chart_src, national=scope.national)
    context.update(
        web=True,
        can_edit=scope.national and who.has("reports.write_narrative"),
        years=sorted({*selectors.report_years(), year}, reverse=True),
        downloads=[("pdf", _("Download PDF")), ("xlsx", _("Excel (XLSX)")), ("json", _("JSON"))],
    )
    return render(request, "reports/annual.html", context)


@requires("reports.view_annual_report")
def annual_figure(request: HttpRequest, year: int, name: str) -> HttpResponse:
    _check_year(year)
    if name not in charts.CHARTS:
        raise Http404
    report, _version = selectors.cached_annual_report(principal(request), year, request.GET.get("v"))
    response = HttpResponse(charts.svg(name, report), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=600"
    return response


@requires("reports.view_annual_report")
def annual_download(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """The report as a file; every download is written to the audit trail."""
    _check_year(year)
    if kind not in DOWNLOADS:
        raise Http404
    who = principal(request)
    scope = selectors.report_scope(who, "reports.view_annual_report")
    report = selectors.annual_report(who, year)
    narratives = selectors.narratives(year) if scope.national else {}
    content = publication.export(kind, report, narratives=narratives, national=scope.national)
    services.export_record(actor=who, year=year, kind=kind, regions=scope.regions)
    response = HttpResponse(content, content_type=publication.CONTENT_TYPES[kind])
    suffix = "" if scope.national else "-" + "-".join(scope.regions or [])
    disposition = "inline" if kind == "json" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="aarsrapport-{year}{suffix}.{kind}"'
    return response


@requires("reports.write_narrative")
def narrative_edit(request: HttpRequest, year: int, section: str) -> HttpResponse:
    _check_year(year)
    if section not in ReportNarrative.Section.values:
        raise Http404
    who = principal(request)
    existing = selectors.narrative_for_edit(year, section)
    form = NarrativeForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.narrative_save(actor=who, year=year, section=section, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.messages)
        else:
            messages.success(request, _("The text is saved."))
            return redirect(reverse("reports:annual", args=[year]) + _anchor(section))
    return render(
        request,
        "reports/narrative_form.html",
        {
            "form": form,
            "year": year,
            "narrative": existing,
            "section_label": ReportNarrative.Section(section).label,
        },
    )


def _anchor(section: str) -> str:
    numbers = {
        "introduction": "kap-1",
        "network": "kap-2",
        "statistics": "kap-3",
        "applications": "s3.1",
        "regions": "s3.2",
        "countries": "s3.3",
        "diagnoses": "s3.4",
        "costs": "s3.5",
        "appeals": "s3.6",
        "particle_therapy": "s3.7",
        "nordic_protocols": "s3.8",
        "case_handling": "kap-4",
        "trends": "kap-5",
        "appendix": "vedlegg",
    }
    return f"#{numbers.get(section, '')}"


# ---------------------------------------------------------------- statistics


@requires("reports.view_statistics")
def statistics(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    try:
        year = int(request.GET.get("year") or _default_year())
    except ValueError:
        year = _default_year()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        year = _default_year()
    stats = selectors.statistics(who, year)
    return render(
        request,
        "reports/statistics.html",
        {
            "stats": stats,
            "years": sorted({*selectors.report_years(), year}, reverse=True),
            "region_label": ", ".join(name for _code, name in stats.regions),
            "perms_report": who.has("reports.view_annual_report"),
        },
    )


# ---------------------------------------------------------------- importing cases (office leads)


@requires("abroad.import_cases")
def case_import(request: HttpRequest) -> HttpResponse:
    from vegvis.core.storage import StorageFull
    from vegvis.core.uploads import UploadRefused, check_upload

    form = CaseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, allowed={"application/x-ndjson", "application/json", "text/plain"})
        except UploadRefused as error:
            form.add_error("file", str(error))
        else:
            try:
                token = pending.save(user_id=current_user(request).pk, name=upload.name or "", content=upload.read())
            except StorageFull as error:
                form.add_error(None, str(error))
            else:
                return redirect("reports:case_import_preview", token=token)
    return render(request, "reports/import_upload.html", {"form": form})


@requires("abroad.import_cases")
def case_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the import would do (or every bad line). POST: import it, then forget the upload."""
    from vegvis.abroad.importer.cases import cases_import, cases_preview
    from vegvis.imports.lines import ImportRefused

    user = current_user(request)
    try:
        name, content = pending.load(token, user_id=user.pk)
    except pending.PendingMissing:
        raise Http404 from None
    who = principal(request)
    if request.method == "POST":
        try:
            result = cases_import(actor=who, content=content, filename=name)
        except ImportRefused:
            messages.error(request, _("The file has problems; nothing was imported."))
            return redirect("reports:case_import_preview", token=token)
        pending.delete(token)
        messages.success(
            request,
            _("Imported: %(created)s new cases, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("reports:case_import")
    parsed, plan = cases_preview(content, actor=who)
    return render(request, "reports/import_preview.html", {"name": name, "errors": parsed.errors, "plan": plan})
