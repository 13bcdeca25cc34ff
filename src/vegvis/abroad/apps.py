from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbroadConfig(AppConfig):
    name = "vegvis.abroad"
    label = "abroad"
    verbose_name = _("Treatment abroad")

    def ready(self) -> None:
        from vegvis.abroad import navigation, policies, tasks  # noqa: F401  (policies, menu, home panels, daily tasks)
