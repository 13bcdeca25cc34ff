"""The deletion log: what retention and clean-up jobs deleted, append-only on PostgreSQL like the audit trail."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # vegvis_audit_append_only() is created by 0002.
    schema_editor.execute(
        "CREATE TRIGGER audit_deletionlog_no_change BEFORE UPDATE OR DELETE ON audit_deletionlog "
        "FOR EACH ROW EXECUTE FUNCTION vegvis_audit_append_only();"
    )
    schema_editor.execute(
        "CREATE TRIGGER audit_deletionlog_no_truncate BEFORE TRUNCATE ON audit_deletionlog "
        "FOR EACH STATEMENT EXECUTE FUNCTION vegvis_audit_append_only();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_deletionlog_no_change ON audit_deletionlog;")
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_deletionlog_no_truncate ON audit_deletionlog;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="DeletionLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(verbose_name="time")),
                ("job", models.CharField(max_length=100, verbose_name="job")),
                ("actor_username", models.CharField(max_length=150, verbose_name="run by")),
                ("object_type", models.CharField(max_length=60, verbose_name="kind")),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("reference", models.CharField(blank=True, max_length=100, verbose_name="reference")),
                ("rule", models.CharField(blank=True, max_length=200, verbose_name="rule")),
                ("counts", models.JSONField(default=dict, verbose_name="what was deleted")),
            ],
            options={
                "verbose_name": "deletion log entry",
                "verbose_name_plural": "deletion log",
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["object_type", "object_id"], name="audit_delet_object__d70b50_idx")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
