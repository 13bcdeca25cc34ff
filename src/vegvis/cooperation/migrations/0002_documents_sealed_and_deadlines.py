"""The signed agreements are sealed once registered (PostgreSQL trigger), and the register's two periods are data
an administrator edits: the organisation's review (default 45 days, issue 14) and the supplier's corrections after
it (15 more days)."""

from django.db import migrations

from vegvis.records.migration_operations import sealing_trigger

DEADLINES = [
    (
        "cooperation_review",
        "Pasientorganisasjonens frist for å bekrefte eller bestride en samarbeidsavtale",
        45,
        "days",
        "Medtek Norges retningslinjer § 9 (åpenhet); registerets praksis",
    ),
    (
        "cooperation_correction",
        "Leverandørens frist for å rette en avtale etter organisasjonens frist",
        15,
        "days",
        "registerets praksis",
    ),
]


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    for key, name, amount, unit, reference in DEADLINES:
        LegalDeadline.objects.get_or_create(
            key=key, defaults={"name": name, "amount": amount, "unit": unit, "legal_reference": reference}
        )


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial"), ("core", "0009_legal_deadline_amount_at_least_one")]
    operations = [
        *sealing_trigger("cooperation_document"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
