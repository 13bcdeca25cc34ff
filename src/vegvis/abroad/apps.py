from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vegvis.imports.registry import Importer


class AbroadConfig(AppConfig):
    name = "vegvis.abroad"
    label = "abroad"
    verbose_name = _("Treatment abroad")
    importers = (
        Importer(
            kind="cases",
            help="treatment-abroad cases, one JSON object per line",
            permission="abroad.import_cases",
            run="vegvis.abroad.importer.cases.run_import",
        ),
    )

    def ready(self) -> None:
        from vegvis.abroad import navigation, policies, tasks  # noqa: F401  (policies, menu, home panels, daily tasks)
