from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyAccessConfig(AppConfig):
    name = "vegvis.earlyaccess"
    label = "earlyaccess"
    verbose_name = _("Early access")

    def ready(self) -> None:
        from vegvis.core.related import register_related
        from vegvis.earlyaccess import navigation, policies  # noqa: F401  (object access, menu)
        from vegvis.earlyaccess.selectors import related_to_case

        register_related(related_to_case)  # what a treatment-abroad case page shows of early access
