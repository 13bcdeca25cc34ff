from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "vegvis.access"
    label = "access"
    verbose_name = "Permission layer"

    def ready(self) -> None:
        from vegvis.access import review  # noqa: F401  (registers the emergency-access review policy)
