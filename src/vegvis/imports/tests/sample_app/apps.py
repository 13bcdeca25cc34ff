from django.apps import AppConfig

from vegvis.imports.registry import Importer


class SampleConfig(AppConfig):
    name = "vegvis.imports.tests.sample_app"
    label = "imports_sample"
    importers = (
        Importer(
            kind="greetings",
            help="names to greet, one JSON object per line",
            permission="imports_sample.greet",
            run="vegvis.imports.tests.sample_app.run",
        ),
    )
