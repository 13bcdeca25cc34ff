from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """No models: the registry, the shared parts of every importer and the ``import`` command."""

    name = "vegvis.imports"
    label = "imports"
    verbose_name = "Imports"
