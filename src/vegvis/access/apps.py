from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "vegvis.access"
    label = "access"
    verbose_name = _("Permission layer")

    def ready(self) -> None:
        from vegvis.access import review  # noqa: F401  (registers the emergency-access review policy)
