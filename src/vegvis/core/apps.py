from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vegvis.core"
    label = "core"
    verbose_name = _("Reference data and persons")

    def ready(self) -> None:
        from vegvis.core import policies  # noqa: F401  (registers the person policy)
