"""A minimal system built on the records kit, for the kit's own tests: a case with a number and its documents.

The models live in an isolated app registry (no migration, not in ``apps.get_models()``); the fixture
``dossier_tables`` (conftest.py) creates their tables inside the test's transaction, whose rollback drops them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import isolate_apps

from vegvis.records.models import CaseDocument, LetterTemplateBase

with isolate_apps("vegvis.records"):

    class Dossier(models.Model):
        number = models.CharField(max_length=12)

        class Meta:
            app_label = "records"

        def __str__(self) -> str:
            return self.number

    class DossierDocument(CaseDocument):
        class Kind(models.TextChoices):
            LETTER = "letter", "Letter"
            NOTE = "note", "Note"

        case = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
        kind = models.CharField(max_length=30, choices=Kind.choices)
        file = models.FileField(upload_to="dossier/%Y/", blank=True)
        # The real user model, not its name: the isolated registry cannot look the name up.
        created_by = models.ForeignKey(get_user_model(), null=True, on_delete=models.PROTECT, related_name="+")

        class Meta(CaseDocument.Meta):
            app_label = "records"

    class DossierLetterTemplate(LetterTemplateBase):
        class Kind(models.TextChoices):
            ANSWER = "answer", "Answer"

        kind = models.CharField(max_length=30, choices=Kind.choices)
        updated_by = models.ForeignKey(get_user_model(), null=True, on_delete=models.PROTECT, related_name="+")

        class Meta(LetterTemplateBase.Meta):
            app_label = "records"


MODELS = (Dossier, DossierDocument, DossierLetterTemplate)
TABLE = DossierDocument._meta.db_table


def create_tables() -> None:
    """The tables, in the transaction under way (SQLite's schema editor refuses to run inside one)."""
    if connection.vendor == "postgresql":
        with connection.schema_editor() as editor:
            for model in MODELS:
                editor.create_model(model)
        return
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        for model in MODELS:
            sql, params = editor.table_sql(model)
            cursor.execute(sql, params)
