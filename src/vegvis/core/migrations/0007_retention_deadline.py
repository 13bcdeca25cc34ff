"""How long closed treatment-abroad cases are kept before the daily retention job deletes them: data, not code.

Ten years after the case was closed, as a conservative default the offices should confirm against their
archive obligations: a public body's case files may have to be deposited with an archive (arkivlova § 9 and the
archive's preservation decisions) rather than deleted. An administrator changes the length here; deleting the
row stops the job from deleting anything. See docs/security.md, "Retention and deletion".
"""

from django.db import migrations


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    LegalDeadline.objects.get_or_create(
        key="retention_abroad",
        defaults={
            "name": "Lagringstid for avsluttede saker om behandling i utlandet før sletting",
            "amount": 10,
            "unit": "years",
            "legal_reference": "personvernforordningen art. 5 nr. 1 e; vurderes mot arkivlova § 9",
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "LegalDeadline").objects.filter(key="retention_abroad").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0006_office_short_names")]
    operations = [migrations.RunPython(forwards, backwards)]
