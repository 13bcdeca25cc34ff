"""How long before the internal deadline the invited bodies that have not sent input are reminded by mail: data an
administrator edits (7 days by default), read by the daily task (consultations/tasks.py)."""

from django.db import migrations

KEY = "consultation_reminder"


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    LegalDeadline.objects.get_or_create(
        key=KEY,
        defaults={
            "name": "Påminnelse til ledd som ikke har sendt innspill, så lenge før intern frist",
            "amount": 7,
            "unit": "days",
            "legal_reference": "organisasjonens praksis",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "LegalDeadline").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_documents_sealed_and_deadlines")]

    operations = [migrations.RunPython(forwards, backwards)]
