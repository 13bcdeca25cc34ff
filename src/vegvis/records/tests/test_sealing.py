"""A sent document is part of the record: the model refuses to change it on every database, and PostgreSQL's
trigger (added by a system's migration through ``sealing_trigger``) refuses it behind the application's back."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vegvis.records.migration_operations import sealing_trigger, trigger_name
from vegvis.records.models import DocumentSealed
from vegvis.records.tests.dossier import TABLE, Dossier, DossierDocument

pytestmark = pytest.mark.usefixtures("dossier_tables")


def document(*, sent: bool) -> DossierDocument:
    case = Dossier.objects.create(number="2026/0001")
    return DossierDocument.objects.create(
        case=case,
        sequence=1,
        number="2026/0001-1",
        kind="letter",
        direction="U",
        title="Svar",
        public_title="Svar – ******",
        document_date=date(2026, 3, 2),
        registered_on=date(2026, 3, 2),
        body="Teksten",
        sent_at=timezone.now() if sent else None,
    )


@pytest.mark.parametrize("field,value", [("body", "Skrevet om"), ("title", "Nytt"), ("kind", "note"), ("sha256", "0")])
def test_a_sent_document_cannot_be_changed_through_the_model(field, value):
    sent = document(sent=True)
    setattr(sent, field, value)
    with pytest.raises(DocumentSealed, match="has been sent and cannot be changed"):
        sent.save()
    sent.refresh_from_db()
    assert sent.body == "Teksten" and sent.title == "Svar" and sent.kind == "letter"


def test_sealing_is_a_value_error_as_callers_have_always_caught():
    assert issubclass(DocumentSealed, ValueError)


def test_what_is_not_content_may_change_on_a_sent_document_and_a_draft_may_change_at_all():
    sent = document(sent=True)
    sent.correspondent_is_private = False
    sent.public_title = "Svar – Klage – ******"
    sent.save()
    draft = DossierDocument.objects.get(pk=sent.pk)
    assert draft.public_title == "Svar – Klage – ******"

    unsent = document(sent=False)
    unsent.body = "Ny tekst"
    unsent.save()
    unsent.refresh_from_db()
    assert unsent.body == "Ny tekst"


def _apply(operations, *, forwards: bool = True) -> None:
    # Not entered: SQLite's schema editor refuses to open inside the test's transaction, and plain SQL needs none.
    editor = connection.schema_editor()
    for operation in operations:
        if forwards:
            operation.database_forwards("records", editor, None, None)
        else:
            operation.database_backwards("records", editor, None, None)


def _has_trigger() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [trigger_name(TABLE)])
        return cursor.fetchone() is not None


@pytest.mark.postgres_only
def test_postgresql_refuses_an_update_of_a_sent_document_once_the_trigger_is_added():
    _apply(sealing_trigger(TABLE))
    sent, unsent = document(sent=True), document(sent=False)
    with pytest.raises(DatabaseError, match="has been sent"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET body = 'forged' WHERE id = %s", [sent.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="has been sent"), transaction.atomic():
        DossierDocument.objects.filter(pk=sent.pk).update(sent_at=None)
    # Not content: the journal's flags and the title; and a draft is not sealed at all.
    DossierDocument.objects.filter(pk=sent.pk).update(correspondent_is_private=False, public_title="x")
    DossierDocument.objects.filter(pk=unsent.pk).update(body="Ny tekst")
    assert DossierDocument.objects.get(pk=unsent.pk).body == "Ny tekst"
    assert DossierDocument.objects.get(pk=sent.pk).body == "Teksten"


@pytest.mark.postgres_only
def test_going_back_drops_the_trigger_of_that_table_only():
    operations = sealing_trigger(TABLE)
    _apply(operations)
    assert _has_trigger()
    _apply(reversed(operations), forwards=False)
    assert not _has_trigger()
    with connection.cursor() as cursor:  # abroad's trigger uses the same function: it stays
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'abroad_document_sealed'")
        assert cursor.fetchone() is not None


def test_the_operations_run_only_on_postgresql():
    with CaptureQueriesContext(connection) as ran:
        _apply(sealing_trigger(TABLE))
    statements = [query["sql"] for query in ran.captured_queries if "TRIGGER" in query["sql"]]
    # SQLite has no triggers of this kind: the model's save() is its only guard.
    assert len(statements) == (1 if connection.vendor == "postgresql" else 0)


@pytest.mark.parametrize("name", ["abroad_document; DROP TABLE x", "abroad document", ""])
def test_a_name_that_is_not_a_table_is_refused(name):
    with pytest.raises(ValueError, match="Not a table name"):
        sealing_trigger(name)
