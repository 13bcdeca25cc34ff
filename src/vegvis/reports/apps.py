from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vegvis.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from vegvis.reports import navigation  # noqa: F401  (register the menu items and the home panel)
