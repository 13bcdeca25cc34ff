"""``vegvis backup`` and ``vegvis restore``: every table round-trips, the audit chain still verifies, and a restore
never overwrites data. Runs on the suite's database: pg_dump/pg_restore on PostgreSQL (into a scratch database
created for the test and dropped after it), SQLite's online backup on SQLite. The restore runs as an operator
would run it: ``vegvis restore`` in its own process, pointed at the new database by DATABASE_URL.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from vegvis.abroad.services import cases
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.audit.models import AuditEntry
from vegvis.core import backup

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VEGVIS = Path(sys.executable).with_name("vegvis")
# Tables the restore itself writes to: its own audit entry, and the chain's head.
WRITTEN_BY_THE_RESTORE = {"audit_auditentry", "audit_auditchainhead"}


def _source_fingerprints() -> backup.Fingerprints:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return backup.fingerprints_of(connection.settings_dict, sqlite_connection=connection.connection)
    return backup.fingerprints_of(connection.settings_dict)


@contextmanager
def scratch_database(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """A new, empty database next to the test database: (DATABASE_URL, settings)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
        return
    source = connection.settings_dict
    name = f"vegvis_restore_test_{secrets.token_hex(4)}"
    with backup.pg_connect({**source, "NAME": "postgres"}, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    target = {**source, "NAME": name}
    credentials = quote(source["USER"]) + (f":{quote(source['PASSWORD'])}" if source.get("PASSWORD") else "")
    try:
        yield f"postgres://{credentials}@{source['HOST'] or 'localhost'}:{source['PORT'] or 5432}/{name}", target
    finally:
        with backup.pg_connect({**source, "NAME": "postgres"}, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vegvis(*args: str, database_url: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``vegvis`` as the operator would, on the given database, with the test suite's keys."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "vegvis.test_settings",
        "DATABASE_URL": database_url,
        "VEGVIS_VAR_DIR": str(var_dir),
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(  # noqa: S603
        [str(VEGVIS), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _a_busy_office(media_root: Path) -> bytes:
    """Cases in several states, a stored letter and an uploaded document, and their audit trail."""
    make_case("rejected")
    case = make_case("follow_up")
    content = b"%PDF-1.4 epikrise " + secrets.token_bytes(16)
    cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=None,
        title="Epikrise",
        document_date=date.today(),
        correspondent="Karolinska",
        correspondent_is_private=False,
        content=content,
        filename="epikrise.pdf",
        content_type="application/pdf",
    )
    return content


def _damaged_copy(original: Path, target: Path) -> Path:
    """The same backup with one byte of the database changed (the manifest's checksum no longer fits)."""
    with tarfile.open(original) as source, tarfile.open(target, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("database."):
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_backup_restores_every_table_into_a_new_database_and_the_audit_chain_verifies(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    uploaded = _a_busy_office(settings.MEDIA_ROOT)
    for stored in Path(settings.MEDIA_ROOT).rglob("*"):  # as files stored before they were kept 0600 / 0700
        stored.chmod(0o755 if stored.is_dir() else 0o644)
    before = _source_fingerprints()
    entries = AuditEntry.objects.count()
    file = tmp_path / "vegvis.backup"

    call_command("backup", str(file), "--include-media", stdout=io.StringIO())

    assert stat.S_IMODE(file.stat().st_mode) == 0o600, "a backup holds every patient's data: owner only"
    backed_up = AuditEntry.objects.latest("seq")
    assert backed_up.action == "export" and backed_up.detail["rows"] == sum(r for r, _c in before.values())
    var_dir = tmp_path / "restored-var"
    with scratch_database(tmp_path) as (url, target):
        damaged = vegvis(
            "restore", str(_damaged_copy(file, tmp_path / "damaged.backup")), database_url=url, var_dir=var_dir
        )
        assert damaged.returncode != 0 and damaged.stderr
        assert not backup.tables_with_rows(backup.fingerprints_of(target)), "a refused restore wrote something"

        restored = vegvis("restore", str(file), "--include-media", database_url=url, var_dir=var_dir)

        assert restored.returncode == 0, restored.stdout + restored.stderr
        after = backup.fingerprints_of(target)
        assert set(after) == set(before)
        for table in set(before) - WRITTEN_BY_THE_RESTORE:
            assert after[table] == before[table], f"{table} differs after the round trip"
        assert after["audit_auditentry"][0] == entries + 1  # the restore itself is audited
        verified = vegvis("audit", "verify", database_url=url, var_dir=var_dir)
        assert verified.returncode == 0, verified.stderr
        restored_files = [p for p in (var_dir / "test-media").rglob("*") if p.is_file()]
        assert uploaded in {p.read_bytes() for p in restored_files}
        assert {stat.S_IMODE(p.stat().st_mode) for p in restored_files} == {0o600}
        folders = {p.parent for p in restored_files} - {var_dir / "test-media"}
        assert folders and {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}

        again = vegvis("restore", str(file), database_url=url, var_dir=var_dir)

        assert again.returncode != 0 and again.stderr
        assert backup.fingerprints_of(target)["audit_auditentry"] == after["audit_auditentry"]


def test_restoring_into_a_database_that_holds_data_is_refused(tmp_path):
    make_case()
    file = tmp_path / "vegvis.backup"
    call_command("backup", str(file), stdout=io.StringIO())
    before = _source_fingerprints()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(file))

    assert _source_fingerprints() == before


def test_a_backup_never_overwrites_a_file(tmp_path):
    file = tmp_path / "vegvis.backup"
    file.write_bytes(b"yesterday's backup")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(file))

    assert file.read_bytes() == b"yesterday's backup"


def test_a_file_that_is_not_a_backup_is_refused_by_name(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a backup")

    with pytest.raises(CommandError, match="not a Vegvis backup"):
        call_command("restore", str(file))


def test_the_manifest_describes_the_database_it_carries(tmp_path):
    file = tmp_path / "vegvis.backup"
    call_command("backup", str(file), stdout=io.StringIO())

    with tarfile.open(file) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
        names = archive.getnames()
    assert manifest["vendor"] == ("postgresql" if connection.vendor == "postgresql" else "sqlite")
    assert manifest["tables"]["core_region"][0] == 4
    assert names == ["manifest.json", backup.DATABASE_MEMBER[manifest["vendor"]]]  # no media unless asked


def test_the_database_password_reaches_pg_dump_and_pg_restore_through_the_environment_only(monkeypatch, tmp_path):
    calls: list[tuple[list[str], dict[str, str]]] = []

    def run(args: list[str], *, env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((args, env))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", run)
    settings_dict = {"NAME": "vegvis", "USER": "vegvis", "PASSWORD": "s3cret-pw", "HOST": "db", "PORT": 5432}

    backup._pg_restore(settings_dict, tmp_path / "database.pgdump")

    args, env = calls[0]
    assert not any("s3cret-pw" in arg for arg in args)
    assert env["PGPASSWORD"] == "s3cret-pw" and env["PGHOST"] == "db" and env["PGUSER"] == "vegvis"
