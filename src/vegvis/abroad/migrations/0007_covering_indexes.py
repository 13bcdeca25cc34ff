"""PostgreSQL: covering indexes for the annual report's aggregations and for search's date-ordered walk.

Measured on a million cases (docs/performance.md): the report's aggregations over a year, or ten, read the wide
case table row by row (a case row carries its texts and search vector) and every person row for the home region.
With the columns they group and count stored in the index, they are index-only scans: three to ten times faster.
The same index gives search the newest visible cases without touching the table. The person index sits here
because it serves the joins from cases to the patient's region; SQLite gets none of them.
"""

from django.db import migrations

INDEXES = {
    "case_received_covering": "abroad_case (received_date, route) INCLUDE "
    "(id, office_id, patient_id, hospital_id, final_outcome, decided_on, diagnosis_chapter)",
    "case_route_patient_covering": "abroad_case (id) INCLUDE (route, patient_id)",
    "expense_booked_covering": "abroad_expense (booked_date) INCLUDE (case_id, amount_nok)",
    "person_region_covering": "core_person (id) INCLUDE (home_region_id, birth_date)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("abroad", "0006_case_search_vector"), ("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
