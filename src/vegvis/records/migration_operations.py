"""Migration operations for a system's case file: the PostgreSQL trigger that seals sent documents.

A new system's migration adds, after the one that creates its document table::

    from vegvis.records.migration_operations import sealing_trigger

    operations = [*sealing_trigger("inquiries_document")]

The function is shared by every table (``CREATE OR REPLACE``, the body abroad's migration 0005 created); each
table gets its own trigger, and going back drops only that trigger.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION = "vegvis_sent_document_sealed"

# The same function abroad's migration 0005 created: a sent row's content columns cannot change.
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF OLD.sent_at IS NOT NULL AND (
        NEW.number IS DISTINCT FROM OLD.number OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.body IS DISTINCT FROM OLD.body OR NEW.file IS DISTINCT FROM OLD.file
        OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.document_date IS DISTINCT FROM OLD.document_date
        OR NEW.correspondent IS DISTINCT FROM OLD.correspondent OR NEW.sent_at IS DISTINCT FROM OLD.sent_at
    ) THEN
        RAISE EXCEPTION 'Document % has been sent and cannot be changed', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite relies on the model's ``save()`` alone)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigger_name(table: str) -> str:
    return f"{table}_sealed"


def sealing_trigger(table: str) -> list[migrations.RunSQL]:
    """The operations that make PostgreSQL refuse any change to a sent document's content in ``table``."""
    if not table.replace("_", "").isalnum():
        raise ValueError(f"Not a table name: {table!r}")
    trigger = trigger_name(table)
    return [
        PostgreSQLOnlyRunSQL(FUNCTION_SQL, reverse_sql=migrations.RunSQL.noop),
        PostgreSQLOnlyRunSQL(
            f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();",
            reverse_sql=f"DROP TRIGGER IF EXISTS {trigger} ON {table};",
        ),
    ]
