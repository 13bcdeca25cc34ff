from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyAccessConfig(AppConfig):
    name = "vegvis.earlyaccess"
    label = "earlyaccess"
    verbose_name = _("Early access")

    def ready(self) -> None:
        from vegvis.earlyaccess import navigation, policies  # noqa: F401  (object access, menu)
