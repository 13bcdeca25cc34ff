"""The four regional health authorities and the three treatment-abroad offices (reference data)."""

from django.db import migrations

REGIONS = [
    ("helse-sor-ost", "Helse Sør-Øst RHF", "Helse Sør-Øst", 1),
    ("helse-vest", "Helse Vest RHF", "Helse Vest", 2),
    ("helse-midt-norge", "Helse Midt-Norge RHF", "Helse Midt", 3),
    ("helse-nord", "Helse Nord RHF", "Helse Nord", 4),
]

OFFICES = [
    (
        "ous",
        "Utenlandskontoret, Oslo universitetssykehus",
        "Oslo universitetssykehus HF",
        ["helse-sor-ost", "helse-nord"],  # OUS has handled Helse Nord's cases since 2016
        "Oslo universitetssykehus HF\nUtenlandskontoret\nPostboks 4956 Nydalen\n0424 Oslo",
    ),
    (
        "helse-bergen",
        "Enhet for utenlandsbehandling, Helse Bergen",
        "Helse Bergen HF",
        ["helse-vest"],
        "Helse Bergen HF\nEnhet for utenlandsbehandling\nPostboks 1400\n5021 Bergen",
    ),
    (
        "st-olavs",
        "Kontor for utenlandsbehandling, St. Olavs hospital",
        "St. Olavs hospital HF",
        ["helse-midt-norge"],
        "St. Olavs hospital HF\nKontor for utenlandsbehandling\nPostboks 3250 Torgarden\n7006 Trondheim",
    ),
]


def forwards(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    Office = apps.get_model("core", "Office")
    for code, name, short, order in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name, "short_name": short, "order": order})
    for code, name, trust, regions, address in OFFICES:
        office, _ = Office.objects.update_or_create(
            code=code, defaults={"name": name, "health_trust": trust, "postal_address": address}
        )
        office.regions.set(Region.objects.filter(code__in=regions))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
