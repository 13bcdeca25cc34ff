from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vegvis.imports.registry import Importer


class ReportsConfig(AppConfig):
    name = "vegvis.reports"
    label = "reports"
    verbose_name = _("Reports")
    importers = (
        Importer(
            kind="history",
            help="historical aggregates for the annual report",
            permission="reports.import_history",
            run="vegvis.reports.services.run_history_import",
        ),
    )

    def ready(self) -> None:
        from vegvis.reports import navigation  # noqa: F401  (register the menu items and the home panel)
