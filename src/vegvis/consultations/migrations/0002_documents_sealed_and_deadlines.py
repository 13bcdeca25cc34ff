"""Every registered version of an input is sealed (PostgreSQL trigger), and the round's two periods are data an
administrator edits: the shortest period an issuer should give (six weeks) and the days the secretariat needs
between the internal deadline and the issuer's to compile the response (14 days by default)."""

from django.db import migrations

from vegvis.records.migration_operations import sealing_trigger

DEADLINES = [
    (
        "consultation_minimum_period",
        "Korteste høringsfrist fra avsenderen (varsel når fristen er kortere)",
        6,
        "weeks",
        "Utredningsinstruksen § 3-3 (høringsfristen er normalt tre måneder, minst seks uker)",
    ),
    (
        "consultation_compiling",
        "Dager sekretariatet trenger mellom intern frist og avsenderens frist (varsel når det er færre)",
        14,
        "days",
        "organisasjonens praksis",
    ),
]


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    for key, name, amount, unit, reference in DEADLINES:
        LegalDeadline.objects.get_or_create(
            key=key, defaults={"name": name, "amount": amount, "unit": unit, "legal_reference": reference}
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial"), ("core", "0010_organisation_kinds_association_member_body")]
    operations = [
        *sealing_trigger("consultations_document"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
