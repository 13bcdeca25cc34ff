from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vegvis.audit"
    label = "audit"
    verbose_name = "Audit trail"
