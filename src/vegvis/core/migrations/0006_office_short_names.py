from django.db import migrations

SHORT = {"ous": "OUS", "helse-bergen": "Helse Bergen", "st-olavs": "St. Olavs hospital"}


def forwards(apps, schema_editor):
    Office = apps.get_model("core", "Office")
    for code, short in SHORT.items():
        Office.objects.filter(code=code).update(short_name=short)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_office_short_name")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
