"""Once seeded treatment abroad's legal deadlines; they are abroad's data, so the abroad migration
``0014_seed_legal_deadlines`` creates them now (with the same values, only where they are missing). Kept, empty,
so the migration graph of existing databases is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0003_powers_of_attorney_and_deadlines")]
    operations = []
