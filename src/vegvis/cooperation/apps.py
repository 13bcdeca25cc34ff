from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vegvis.imports.registry import Importer


class CooperationConfig(AppConfig):
    name = "vegvis.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation register")

    def ready(self) -> None:
        from vegvis.cooperation import navigation, policies, tasks  # noqa: F401  (object access, menu, daily job)

    # ``vegvis import cooperation FILE`` (imports kit): a supplier's list of agreements, CSV or XLSX.
    importers = (
        Importer(
            kind="cooperation",
            help="a supplier's agreements with patient organisations, CSV or XLSX (docs/modules/cooperation.md)",
            permission="cooperation.enter_agreement",
            run="vegvis.cooperation.importer.run",
        ),
    )
