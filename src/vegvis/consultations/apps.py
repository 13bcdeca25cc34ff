from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "vegvis.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from vegvis.consultations import navigation, policies, tasks  # noqa: F401  (object access, menu, daily tasks)
