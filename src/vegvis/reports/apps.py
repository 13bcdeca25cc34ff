from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vegvis.reports"
    label = "reports"
    verbose_name = "Reports"
