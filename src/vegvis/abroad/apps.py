from django.apps import AppConfig


class AbroadConfig(AppConfig):
    name = "vegvis.abroad"
    label = "abroad"
    verbose_name = "Treatment abroad"

    def ready(self) -> None:
        from vegvis.abroad import navigation, policies  # noqa: F401  (register policies, menu and home panels)
