import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import Action, audit_record
from vegvis.audit.verify import verify_chain


def _write(n: int) -> list[AuditEntry]:
    return [audit_record(principal=SYSTEM, action=Action.READ, label=f"case {i}", person_id=100 + i) for i in range(n)]


def _tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # what an attacker with superuser could do
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.mark.django_db
def test_intact_chain_verifies():
    _write(5)
    result = verify_chain()
    assert result.ok and result.checked == 5


@pytest.mark.django_db
def test_each_entry_carries_the_previous_hash():
    entries = _write(3)
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash


@pytest.mark.django_db
def test_altered_row_is_reported_by_the_command():
    entries = _write(5)
    _tamper("UPDATE audit_auditentry SET object_label = %s WHERE seq = %s", ["innocent", entries[2].seq])
    with pytest.raises(CommandError, match=f"#{entries[2].seq} has been altered"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleted_row_is_reported():
    entries = _write(5)
    _tamper("DELETE FROM audit_auditpersonref WHERE entry_id = %s", [entries[1].pk])
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    result = verify_chain()
    assert not result.ok and result.seq == entries[1].seq


@pytest.mark.django_db
def test_deleted_newest_rows_are_reported():
    entries = _write(4)
    _tamper("DELETE FROM audit_auditpersonref WHERE entry_id = %s", [entries[-1].pk])
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [entries[-1].seq])
    result = verify_chain()
    assert not result.ok and "newest entries" in result.problem


@pytest.mark.django_db
def test_inserted_row_is_reported():
    entries = _write(3)
    last = entries[-1]
    _tamper(
        "INSERT INTO audit_auditentry (seq, at, actor_username, actor_role, action, object_type, object_id, "
        "object_label, detail, emergency, reason, prev_hash, hash) "
        "VALUES (%s, %s, 'mallory', '', 'read', '', '', 'forged', '{}', %s, '', %s, %s)",
        [last.seq + 1, last.at, False, last.hash, "f" * 64],
    )
    result = verify_chain()
    assert not result.ok and result.seq == last.seq + 1


@pytest.mark.django_db
def test_removed_person_index_row_is_reported():
    entries = _write(2)
    _tamper("DELETE FROM audit_auditpersonref WHERE entry_id = %s", [entries[0].pk])
    result = verify_chain()
    assert not result.ok and "person index" in result.problem


@pytest.mark.django_db
def test_verify_command_prints_success():
    from io import StringIO

    _write(2)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_of_audit_rows():
    entry = _write(1)[0]
    for statement in (
        "UPDATE audit_auditentry SET object_label = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])


@pytest.mark.django_db
def test_an_audited_write_that_did_not_take_the_chain_head_first_is_refused_in_tests():
    """The lock order (ADR 0003, amendment): a transaction that audits takes the chain's head before other rows."""
    from vegvis.access.commands import OperatorPrincipal
    from vegvis.audit.services import LockOrderError, audit_record, audited_atomic

    OPERATOR = OperatorPrincipal("test")

    with pytest.raises(LockOrderError), transaction.atomic():
        audit_record(principal=OPERATOR, action=AuditEntry.Action.UPDATE, label="rows locked before the head")
    with audited_atomic():
        entry = audit_record(principal=OPERATOR, action=AuditEntry.Action.UPDATE, label="the head first")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
