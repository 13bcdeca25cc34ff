from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vegvis.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from vegvis.audit import navigation  # noqa: F401  (the administrator's home panel)
