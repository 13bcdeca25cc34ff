from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vegvis.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from vegvis.audit import navigation  # noqa: F401  (the administrator's home panel)
