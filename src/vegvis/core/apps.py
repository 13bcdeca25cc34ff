from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vegvis.core"
    label = "core"
    verbose_name = "Reference data and persons"

    def ready(self) -> None:
        from vegvis.core import policies  # noqa: F401  (registers the person policy)
