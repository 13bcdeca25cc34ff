from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vegvis.imports.registry import Importer


class CoreConfig(AppConfig):
    name = "vegvis.core"
    label = "core"
    verbose_name = _("Reference data and persons")
    importers = (
        Importer(
            kind="rates",
            help="Norges Bank's exchange rates (CSV)",
            # Whoever may import cases may import the rates their expenses are converted with (as the
            # exchange-rate page does).
            permission="abroad.import_cases",
            run="vegvis.core.rates.run_import",
        ),
    )

    def ready(self) -> None:
        from vegvis.core import policies  # noqa: F401  (registers the person policy)
