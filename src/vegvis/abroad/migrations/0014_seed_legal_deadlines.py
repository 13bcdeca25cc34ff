"""Treatment abroad's legal deadlines and the retention time of its closed cases: data an administrator edits.

Core's migrations 0004 and 0007 seeded these rows until treatment abroad owned them; they are empty now, and this
migration creates the same rows with the same values where they are missing, so a fresh database and one that
ran the old core migrations end with the same rows (an administrator's changes kept).

``retention_abroad``: ten years after the case was closed, as a conservative default the offices should confirm
against their archive obligations: a public body's case files may have to be deposited with an archive (arkivlova
§ 9 and the archive's preservation decisions) rather than deleted. Deleting the row stops the retention job from
deleting anything, so on a database the old core migrations seeded (its other deadlines exist already) a missing
row is an administrator's decision and is not created again. See docs/security.md, "Retention and deletion".
"""

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
RETENTION = (
    "retention_abroad",
    "Lagringstid for avsluttede saker om behandling i utlandet før sletting",
    10,
    "years",
    "personvernforordningen art. 5 nr. 1 e; vurderes mot arkivlova § 9",
)


def forwards(apps, schema_editor):
    LegalDeadline = apps.get_model("core", "LegalDeadline")
    seeded_before = LegalDeadline.objects.filter(key__in=[key for key, *_rest in DEADLINES]).exists()
    for key, name, amount, unit, reference in [*DEADLINES, *([] if seeded_before else [RETENTION])]:
        LegalDeadline.objects.get_or_create(
            key=key, defaults={"name": name, "amount": amount, "unit": unit, "legal_reference": reference}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("abroad", "0013_decision_deadline"),
        ("core", "0007_retention_deadline"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
