from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "vegvis.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation register")

    def ready(self) -> None:
        from vegvis.cooperation import navigation, policies  # noqa: F401  (object access, menu)
