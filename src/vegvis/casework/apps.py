from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "vegvis.casework"
    label = "casework"
