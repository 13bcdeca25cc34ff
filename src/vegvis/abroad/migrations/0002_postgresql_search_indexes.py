"""PostgreSQL search indexes: Norwegian full text over case text, trigrams over patient names.

They are expression indexes the ORM cannot declare portably, so they are created here on PostgreSQL only
(SQLite searches with LIKE). The expressions match the ones in abroad.selectors exactly.
"""

from django.db import migrations

STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS abroad_case_fulltext ON abroad_case "
    "USING gin (to_tsvector('norwegian'::regconfig, COALESCE(search_text, '')))",
    "CREATE INDEX IF NOT EXISTS core_person_name_trgm ON core_person USING gin (UPPER(name::text) gin_trgm_ops)",
]
REVERSE = [
    "DROP INDEX IF EXISTS core_person_name_trgm",
    "DROP INDEX IF EXISTS abroad_case_fulltext",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in STATEMENTS:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in REVERSE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("abroad", "0001_initial"), ("core", "0004_seed_legal_deadlines")]
    operations = [migrations.RunPython(forwards, backwards)]
