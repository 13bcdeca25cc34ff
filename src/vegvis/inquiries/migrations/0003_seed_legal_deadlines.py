"""The inquiry desk's periods, as data an administrator edits (core.LegalDeadline), with their legal references."""

from django.db import migrations

DEADLINES = [
    (
        "inquiries_record_request",
        "Svarfrist på krav om innsyn i pasientjournal",
        1,
        "months",
        "pasient- og brukerrettighetsloven § 5-1; personvernforordningen art. 12 nr. 3",
    ),
    (
        "inquiries_complaint",
        "Klagefrist til behandlingssted eller Statsforvalteren",
        4,
        "weeks",
        "pasient- og brukerrettighetsloven § 7-5",
    ),
    (
        "inquiries_npe_relative_limitation",
        "Foreldelse av krav om pasientskadeerstatning: fra skadelidte fikk eller burde skaffet seg kunnskap",
        3,
        "years",
        "pasientskadeloven § 18, jf. foreldelsesloven § 9 nr. 1",
    ),
    (
        "inquiries_npe_absolute_limitation",
        "Foreldelse av krav om pasientskadeerstatning: absolutt frist fra den skadevoldende handlingen",
        20,
        "years",
        "pasientskadeloven § 18, jf. foreldelsesloven § 9 nr. 2",
    ),
    (
        "inquiries_npe_appeal",
        "Klagefrist på vedtak fra Norsk pasientskadeerstatning til Pasientskadenemnda",
        3,
        "weeks",
        "forvaltningsloven § 29, jf. pasientskadeloven § 15",
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
        ("inquiries", "0002_sent_documents_are_sealed"),
        ("core", "0007_retention_deadline"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
