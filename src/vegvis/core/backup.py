"""Backups of the whole database (and, on request, the uploaded files and letters), and restoring them.

A backup is one tar file, readable only by its owner, holding ``manifest.json``, the database and, with
``--include-media``, ``media/``:

- PostgreSQL: ``pg_dump -Fc`` of a snapshot; the row count and checksum of every table are taken in the same
  snapshot (``pg_export_snapshot``), so the manifest describes exactly what was dumped;
- SQLite: a consistent copy through SQLite's online backup API, described from the copy itself.

A restore goes only into an empty database (no row in any table), checks the file's checksum, restores in one
transaction (``pg_restore --single-transaction``) or one copy, then compares every table's row count and checksum
with the manifest. Connection details reach pg_dump and pg_restore through the environment (PGPASSWORD and
friends), never on the command line. See docs/operations.md, "Backups".
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "vegvis-backup-1"
PG_DUMP = shutil.which("pg_dump") or "/usr/bin/pg_dump"
PG_RESTORE = shutil.which("pg_restore") or "/usr/bin/pg_restore"
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MANIFEST = "manifest.json"
MEDIA = "media"
# libpq's environment variables for the connection settings Django's PostgreSQL OPTIONS may carry.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """The backup or restore cannot be done; the message is for the operator."""


Fingerprints = dict[str, list[int]]  # table → [rows, checksum]


@dataclass
class Manifest:
    vendor: str
    created_at: str
    database_sha256: str
    tables: Fingerprints
    media_files: int = 0
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, content: bytes) -> Manifest:
        data = json.loads(content)
        if data.get("format") != FORMAT:
            raise BackupError(_("This is not a Vegvis backup (or one of a format this version cannot read)."))
        return cls(**data)


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(
        _("Backups are made of PostgreSQL and SQLite databases only, not %(engine)s.") % {"engine": engine}
    )


# ---------------------------------------------------------------- connections and fingerprints


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump and pg_restore: the password never appears in a process list."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict["NAME"],
    }
    for option, variable in PG_OPTION_VARIABLES.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            values[variable] = str(settings_dict["OPTIONS"][option])
    env.update({key: value for key, value in values.items() if value})
    return env


def pg_connect(settings_dict: dict[str, Any], **extra: Any) -> Any:
    import psycopg

    params = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": settings_dict["NAME"],
        **{k: v for k, v in settings_dict.get("OPTIONS", {}).items() if k in PG_OPTION_VARIABLES},
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **extra)


def pg_fingerprints(cursor: Any) -> Fingerprints:
    """Row count and an order-independent checksum of every table, computed by the server in one pass."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    found: Fingerprints = {}
    for table in tables:
        cursor.execute(
            # Each row's text form hashed, the first 60 bits summed: the same rows give the same sum in any order.
            "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) "  # noqa: S608
            f'FROM "{table}" AS t'
        )
        rows, checksum = cursor.fetchone()
        found[table] = [int(rows), int(checksum)]
    return found


def sqlite_fingerprints(connection: sqlite3.Connection) -> Fingerprints:
    """As pg_fingerprints, for SQLite. Each row is read as SQLite's own literal text (``quote()``), so the
    result is the same through any connection, whatever type conversions it applies (Django's does)."""
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    found: Fingerprints = {}
    for table in tables:
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
        row_text = " || ',' || ".join(f'quote("{column}")' for column in columns) or "''"
        rows = checksum = 0
        for (text,) in connection.execute(f'SELECT {row_text} FROM "{table}"'):  # noqa: S608  (names from the schema)
            rows += 1
            checksum += int(hashlib.md5(str(text).encode(), usedforsecurity=False).hexdigest()[:15], 16)
        found[table] = [rows, checksum]
    return found


def tables_with_rows(fingerprints: Fingerprints) -> list[str]:
    return [table for table, (rows, _checksum) in fingerprints.items() if rows]


def fingerprints_of(
    settings_dict: dict[str, Any], *, sqlite_connection: sqlite3.Connection | None = None
) -> Fingerprints:
    """Every table's row count and checksum in the database the settings name (committed data)."""
    if vendor_of(settings_dict) == "postgresql":
        with pg_connect(settings_dict) as connection, connection.cursor() as cursor:
            return pg_fingerprints(cursor)
    if sqlite_connection is not None:
        return sqlite_fingerprints(sqlite_connection)
    with _sqlite(settings_dict["NAME"]) as connection:
        return sqlite_fingerprints(connection)


@contextmanager
def _sqlite(name: str) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        yield connection
    finally:
        connection.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- backup


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    size: int
    sha256: str


def backup(
    settings_dict: dict[str, Any],
    target: Path,
    *,
    media_root: Path | None = None,
    django_sqlite: sqlite3.Connection | None = None,
) -> BackupResult:
    """Write a backup of the database (and the media folder, when given) to ``target``.

    ``django_sqlite``: the open SQLite connection to copy from (an in-memory database has no file to open).
    """
    vendor = vendor_of(settings_dict)
    if target.exists():
        raise BackupError(_("%(path)s exists already; choose a new file name.") % {"path": target})
    with tempfile.TemporaryDirectory(prefix="vegvis-backup-") as work:
        database = Path(work) / DATABASE_MEMBER[vendor]
        if vendor == "postgresql":
            tables = _pg_dump(settings_dict, database)
        else:
            tables = _sqlite_copy(settings_dict, database, django_sqlite)
        manifest = Manifest(
            vendor=vendor,
            created_at=timezone.now().isoformat(),
            database_sha256=_sha256(database),
            tables=tables,
        )
        media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root and media_root.exists() else []
        manifest.media_files = len(media)
        partial = target.with_name(target.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
        try:
            with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as archive:
                content = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(content), 0o600
                archive.addfile(info, io.BytesIO(content))
                archive.add(database, arcname=database.name, recursive=False)
                for path in media:
                    archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root)}", recursive=False)  # type: ignore[arg-type]
            partial.rename(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=target, manifest=manifest, size=target.stat().st_size, sha256=_sha256(target))


def _pg_dump(settings_dict: dict[str, Any], database: Path) -> Fingerprints:
    """Dump a snapshot, and describe that same snapshot's tables (the transaction stays open during the dump)."""
    with pg_connect(settings_dict, autocommit=False) as connection, connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = pg_fingerprints(cursor)
        result = subprocess.run(  # noqa: S603  (fixed program, arguments without user text but the snapshot id)
            [PG_DUMP, "--format=custom", f"--snapshot={snapshot}", f"--file={database}"],
            env=pg_environment(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        connection.rollback()
    if result.returncode != 0:
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
    return tables


def _sqlite_copy(settings_dict: dict[str, Any], database: Path, source: sqlite3.Connection | None) -> Fingerprints:
    copy = sqlite3.connect(database)
    try:
        if source is not None:
            source.backup(copy)
        else:
            with _sqlite(settings_dict["NAME"]) as opened:
                opened.backup(copy)  # one step: a consistent copy, even while others write
        return sqlite_fingerprints(copy)
    finally:
        copy.close()


# ---------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    tables: int
    rows: int
    media_files: int


def read_manifest(source: Path) -> Manifest:
    try:
        with tarfile.open(source, mode="r") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, ValueError, OSError) as error:
        raise BackupError(_("%(path)s is not a Vegvis backup: %(error)s") % {"path": source, "error": error}) from None


def refuse_unless_empty(fingerprints: Fingerprints) -> None:
    filled = tables_with_rows(fingerprints)
    if filled:
        shown = ", ".join(filled[:8]) + (" …" if len(filled) > 8 else "")
        raise BackupError(
            _(
                "The database is not empty (%(count)s tables hold rows: %(tables)s). A backup is restored only into "
                "a new, empty database, so nothing is overwritten: create one (createdb) and point DATABASE_URL at it."
            )
            % {"count": len(filled), "tables": shown}
        )


def restore(
    settings_dict: dict[str, Any],
    source: Path,
    *,
    media_root: Path | None = None,
    django_sqlite: sqlite3.Connection | None = None,
) -> RestoreResult:
    """Restore the backup into the (empty) database; the media too when ``media_root`` is given."""
    vendor = vendor_of(settings_dict)
    manifest = read_manifest(source)
    if manifest.vendor != vendor:
        raise BackupError(
            _("This backup is of a %(backup)s database and cannot be restored into %(target)s.")
            % {"backup": manifest.vendor, "target": vendor}
        )
    refuse_unless_empty(fingerprints_of(settings_dict, sqlite_connection=django_sqlite))
    media_members: list[tarfile.TarInfo] = []
    with tempfile.TemporaryDirectory(prefix="vegvis-restore-") as work, tarfile.open(source, mode="r") as archive:
        name = DATABASE_MEMBER[vendor]
        archive.extract(name, path=work, filter="data")
        database = Path(work) / name
        if _sha256(database) != manifest.database_sha256:
            raise BackupError(_("The backup file is damaged: its database does not match its checksum."))
        if media_root is not None:
            media_members = [m for m in archive.getmembers() if m.name.startswith(f"{MEDIA}/") and m.isfile()]
            clashes = [m.name for m in media_members if (media_root / m.name[len(MEDIA) + 1 :]).exists()]
            if clashes:
                raise BackupError(
                    _(
                        "The media folder already holds %(count)s of the backup's files (%(first)s); "
                        "nothing was restored."
                    )
                    % {"count": len(clashes), "first": clashes[0]}
                )
        if vendor == "postgresql":
            _pg_restore(settings_dict, database)
        else:
            _sqlite_restore(settings_dict, database, django_sqlite)
        restored = fingerprints_of(settings_dict, sqlite_connection=django_sqlite)
        if restored != manifest.tables:
            differing = sorted(
                t for t in set(restored) | set(manifest.tables) if restored.get(t) != manifest.tables.get(t)
            )
            raise BackupError(
                _("The restored database differs from the backup in %(tables)s.") % {"tables": ", ".join(differing)}
            )
        if media_root is not None:
            for member in media_members:
                member.name = member.name[len(MEDIA) + 1 :]
                archive.extract(member, path=media_root, filter="data")
                # Personal data: the service's user only, whatever mode the file had when it was backed up.
                extracted = media_root / member.name
                os.chmod(extracted, 0o600)
                for folder in extracted.relative_to(media_root).parents[:-1]:
                    os.chmod(media_root / folder, 0o700)
    return RestoreResult(
        manifest=manifest,
        tables=len(restored),
        rows=sum(rows for rows, _checksum in restored.values()),
        media_files=len(media_members),
    )


def _pg_restore(settings_dict: dict[str, Any], database: Path) -> None:
    result = subprocess.run(  # noqa: S603  (fixed program and arguments)
        [
            PG_RESTORE,
            "--exit-on-error",
            "--single-transaction",  # all or nothing
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",  # drops the empty tables a migrated database may have
            f"--dbname={settings_dict['NAME']}",
            str(database),
        ],
        env=pg_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(_("pg_restore failed; nothing was restored: %(error)s") % {"error": result.stderr.strip()})


def _sqlite_restore(settings_dict: dict[str, Any], database: Path, target: sqlite3.Connection | None) -> None:
    with _sqlite(str(database)) as source:
        if target is not None:
            source.backup(target)
        else:
            with _sqlite(settings_dict["NAME"]) as opened:
                source.backup(opened)
