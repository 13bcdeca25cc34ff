from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vegvis.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from vegvis.reports import navigation  # noqa: F401  (register the menu items and the home panel)
