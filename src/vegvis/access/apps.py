from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "vegvis.access"
    label = "access"
    verbose_name = "Permission layer"
