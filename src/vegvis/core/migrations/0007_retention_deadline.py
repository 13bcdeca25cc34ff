"""Once seeded the retention time of closed treatment-abroad cases (``retention_abroad``); it is abroad's rule, so
the abroad migration ``0014_seed_legal_deadlines`` creates it now. Kept, empty, so the migration graph of existing
databases is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_office_short_names")]
    operations = []
