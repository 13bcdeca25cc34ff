from django.db import migrations

DEADLINES = [
    (
        "provisional_reply",
        "Foreløpig svar når vedtak ikke kan treffes innen én måned",
        1,
        "months",
        "forvaltningsloven § 11 a",
    ),
    ("appeal", "Klagefrist på vedtak om behandling i utlandet", 4, "weeks", "pasient- og brukerrettighetsloven § 7-5"),
    (
        "appeal_reconsideration",
        "Utenlandskontorets behandling av en klage før avgjørelse eller oversendelse",
        3,
        "weeks",
        "forvaltningsloven § 33",
    ),
    ("expert_assessment", "Frist for medisinsk vurdering fra fagmiljø", 3, "weeks", "praksis ved utenlandskontorene"),
    ("invoice_payment", "Betalingsfrist for fakturaer fra utenlandske sykehus", 30, "days", "avtale med sykehuset"),
]


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    for key, name, amount, unit, reference in DEADLINES:
        LegalDeadline.objects.get_or_create(
            key=key, defaults={"name": name, "amount": amount, "unit": unit, "legal_reference": reference}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_powers_of_attorney_and_deadlines")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
