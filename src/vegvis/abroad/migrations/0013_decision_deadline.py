"""The decision deadline as its own legal deadline (``decision``), so an administrator can change it.

It was computed as the provisional-reply deadline (1 month) applied three times from the day the application was
received. The row says 3 months, and abroad/deadlines.py counts it month by month (``month_by_month``), so every
due date stays the day it was: 31 January gives 28 April (28 February, 28 March, 28 April), not 30 April.
"""

from django.db import migrations

DECISION = {
    "name": "Vedtak når foreløpig svar er sendt, regnet fra mottak",
    "amount": 3,
    "unit": "months",
    "legal_reference": "forvaltningsloven § 11 a; praksis ved utenlandskontorene",
}


def forwards(apps, schema_editor):
    apps.get_model("core", "LegalDeadline").objects.get_or_create(key="decision", defaults=DECISION)


def backwards(apps, schema_editor):
    apps.get_model("core", "LegalDeadline").objects.filter(key="decision").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("abroad", "0012_case_counters_in_casework"),
        ("core", "0009_legal_deadline_amount_at_least_one"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
