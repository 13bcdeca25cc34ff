"""``vegvis report annual --year YYYY --format json|html|pdf|xlsx [--output FILE]``: the network's annual report.

JSON and HTML go to standard output when no ``--output`` is given; PDF and XLSX to ``aarsrapport-YYYY.pdf`` or
``.xlsx`` in the current directory. Every export is written to the audit trail. ``--as USER`` makes the report
with that user's permissions (an office lead gets the report for the office's regions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access.commands import command_principal
from vegvis.core.storage import StorageFull, write_private

FORMATS = ("json", "html", "pdf", "xlsx")


class Command(BaseCommand):
    help = "Produce a report: `report annual --year 2020 --format pdf`."

    def add_arguments(self, parser: CommandParser) -> None:
        reports = parser.add_subparsers(dest="report", required=True, metavar="{annual}")
        annual = reports.add_parser("annual", help="the national network's annual report")
        annual.add_argument("--year", type=int, required=True, help="the report's year, e.g. 2020")
        annual.add_argument("--format", choices=FORMATS, default="json", help="json (default), html, pdf or xlsx")
        annual.add_argument("--output", help="write to this file instead of standard output")
        annual.add_argument("--as", dest="as_user", help="make the report with this user's permissions")

    def handle(self, *args: Any, **options: Any) -> None:
        from vegvis.reports import render, selectors, services

        with translation.override("nb"):
            year, kind = options["year"], options["format"]
            if not 1900 <= year <= 2100:
                raise CommandError(_("Give the year with four digits, e.g. --year 2020."))
            principal = command_principal(options.get("as_user"), "reports.view_annual_report")
            scope = selectors.report_scope(principal, "reports.view_annual_report")
            report = selectors.annual_report(principal, year)
            narratives = selectors.narratives(year) if scope.national else {}
            content = render.export(kind, report, narratives=narratives, national=scope.national)
            services.export_record(actor=principal, year=year, kind=kind, regions=scope.regions)
            output = options.get("output")
            if output is None and kind in {"pdf", "xlsx"}:
                output = f"aarsrapport-{year}.{kind}"
            if output is None:
                self.stdout.write(content.decode("utf-8"))
                return
            try:
                write_private(Path(output), content)  # whole or not at all, owner only until someone publishes it
            except StorageFull as error:
                raise CommandError(str(error)) from None
            except OSError as error:
                message = _("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror}
                raise CommandError(message) from None
            self.stderr.write(_("The annual report %(year)s is written to %(path)s.") % {"year": year, "path": output})
