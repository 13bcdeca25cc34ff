"""On PostgreSQL, a sent document's content cannot be updated (the model refuses it too)."""

from django.db import migrations

from vegvis.records.migration_operations import sealing_trigger


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0001_initial")]
    operations = [*sealing_trigger("inquiries_document")]
