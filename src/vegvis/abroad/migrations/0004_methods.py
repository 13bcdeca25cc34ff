"""Decisions of Beslutningsforum named in the 2020 annual report, as a start for the register."""

import datetime

from django.db import migrations

METHODS = [
    (
        "MR-undersøkelse i vektbærende posisjon",
        "not_introduced",
        datetime.date(2020, 6, 15),
        "Beslutningsforum juni 2020: ikke innført i den offentlige spesialisthelsetjenesten.",
    ),
    (
        "Benforankret ekstremitetsprotese",
        "introduced",
        datetime.date(2020, 6, 15),
        "Beslutningsforum juni 2020: kan tas i bruk der konvensjonell protese ikke fungerer.",
    ),
    (
        "PRRT (lutetiumbehandling) ved nevroendokrine svulster",
        "introduced",
        datetime.date(2020, 1, 1),
        "Tilbys i Norge fra 2020.",
    ),
]


def forwards(apps, schema_editor):
    Method = apps.get_model("abroad", "Method")
    for name, decision, decided_on, note in METHODS:
        Method.objects.get_or_create(name=name, defaults={"decision": decision, "decided_on": decided_on, "note": note})


class Migration(migrations.Migration):
    dependencies = [("abroad", "0003_default_letter_templates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
