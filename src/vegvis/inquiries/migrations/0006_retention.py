"""The desk's retention times, as data an administrator edits (core.LegalDeadline, audited like every deadline),
and the mark the retention job sets on a case it anonymises (inquiries/retention.py)."""

from django.db import migrations, models

DEADLINES = [
    (
        "inquiries_retention_information",
        "Oppbevaringstid for avsluttede informasjonssaker (slettes)",
        3,
        "years",
        "personvernforordningen art. 5 nr. 1 e",
    ),
    (
        "inquiries_retention_assistance",
        "Oppbevaringstid for avsluttede bistandssaker (anonymiseres)",
        10,
        "years",
        "personvernforordningen art. 5 nr. 1 e; pasientskadeloven § 18",
    ),
    (
        "inquiries_retention_untriaged",
        "Oppbevaringstid for henvendelser som aldri ble triagert (slettes)",
        1,
        "years",
        "personvernforordningen art. 5 nr. 1 e",
    ),
]


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    for key, name, amount, unit, reference in DEADLINES:
        LegalDeadline.objects.get_or_create(
            key=key, defaults={"name": name, "amount": amount, "unit": unit, "legal_reference": reference}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0005_assessments_meetings"),
        ("core", "0007_retention_deadline"),
    ]
    operations = [
        migrations.AddField(
            model_name="case",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymised"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
