from django.apps import AppConfig


class AbroadConfig(AppConfig):
    name = "vegvis.abroad"
    label = "abroad"
    verbose_name = "Treatment abroad"
