from django.apps import AppConfig


class AbroadConfig(AppConfig):
    name = "vegvis.abroad"
    label = "abroad"
    verbose_name = "Treatment abroad"

    def ready(self) -> None:
        from vegvis.abroad import navigation, policies, tasks  # noqa: F401  (policies, menu, home panels, daily tasks)
