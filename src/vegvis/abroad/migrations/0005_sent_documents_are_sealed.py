"""On PostgreSQL, a sent document's content cannot be updated (the model refuses it too)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION vegvis_sent_document_sealed() RETURNS trigger AS $$
BEGIN
    IF OLD.sent_at IS NOT NULL AND (
        NEW.number IS DISTINCT FROM OLD.number OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.body IS DISTINCT FROM OLD.body OR NEW.file IS DISTINCT FROM OLD.file
        OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.document_date IS DISTINCT FROM OLD.document_date
        OR NEW.correspondent IS DISTINCT FROM OLD.correspondent OR NEW.sent_at IS DISTINCT FROM OLD.sent_at
    ) THEN
        RAISE EXCEPTION 'Document % has been sent and cannot be changed', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER abroad_document_sealed BEFORE UPDATE ON abroad_document "
        "FOR EACH ROW EXECUTE FUNCTION vegvis_sent_document_sealed();",
        params=None,
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS abroad_document_sealed ON abroad_document;", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS vegvis_sent_document_sealed();", params=None)


class Migration(migrations.Migration):
    dependencies = [("abroad", "0004_methods")]
    operations = [migrations.RunPython(forwards, backwards)]
