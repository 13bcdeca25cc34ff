"""Early access's periods, as data an administrator edits (core.LegalDeadline), with their references."""

from django.db import migrations

DEADLINES = [
    (
        "earlyaccess_short_duration",
        "Forventet behandlingsvarighet under standardavtalen for kortvarige behandlinger",
        6,
        "months",
        "Nasjonal standardavtale for compassionate use, tilleggsavtale for kortvarige behandlinger (21.06.2021)",
    ),
    (
        "earlyaccess_exemption_validity",
        "Gyldighet for godkjenningsfritak (navngitt pasient)",
        1,
        "years",
        "Legemiddelforskriften § 2-6; DMP innvilger fritak for inntil ett år",
    ),
    (
        "earlyaccess_exemption_warning",
        "Varsel før godkjenningsfritak utløper",
        60,
        "days",
        "Vegvis: flagg i arbeidslisten før fritaket utløper",
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
        ("earlyaccess", "0001_initial"),
        ("core", "0009_legal_deadline_amount_at_least_one"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
