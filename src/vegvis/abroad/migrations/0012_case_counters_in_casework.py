"""Treatment abroad's case-number counters move to the casework kit's shared counter (``casework.CaseCounter``),
as the series ``abroad``: every row keeps its office, year and last number, so the next case gets the number it
would have got."""

from django.db import migrations

KIND = "abroad"


def to_casework(apps, schema_editor):
    Old = apps.get_model("abroad", "CaseCounter")
    New = apps.get_model("casework", "CaseCounter")
    New.objects.bulk_create(
        New(office_id=old.office_id, year=old.year, kind=KIND, last=old.last) for old in Old.objects.order_by("pk")
    )


def back_from_casework(apps, schema_editor):
    Old = apps.get_model("abroad", "CaseCounter")
    New = apps.get_model("casework", "CaseCounter")
    Old.objects.bulk_create(
        Old(office_id=new.office_id, year=new.year, last=new.last)
        for new in New.objects.filter(kind=KIND).order_by("pk")
    )
    New.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("abroad", "0011_case_letter_language"),
        ("casework", "0001_case_counters"),
    ]
    operations = [
        migrations.RunPython(to_casework, back_from_casework),
        migrations.DeleteModel(name="CaseCounter"),
    ]
