"""``vegvis backup FILE [--include-media]``: the whole database (and the letters and uploads) in one file.

PostgreSQL through ``pg_dump`` of one snapshot, SQLite through its online backup API; see vegvis.core.backup and
docs/operations.md. Only the operator at the server's shell makes backups (no ``--as``): the file holds every
patient's data, so it is written readable by its owner only, and the backup is written to the audit trail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from vegvis.access.commands import command_principal
from vegvis.audit.services import Action, audit_record
from vegvis.core.backup import BackupError, backup, vendor_of


class Command(BaseCommand):
    help = "Back up the database (and with --include-media the letters and uploads) to one file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file to write (it must not exist)")
        parser.add_argument(
            "--include-media", action="store_true", help="add the letters and uploads under VEGVIS_MEDIA_ROOT"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias to back up")

    def handle(self, *args: Any, **options: Any) -> None:
        principal = command_principal(None, "")  # the operator only: whoever is at the shell holds the database
        connection = connections[options["database"]]
        sqlite_connection = None
        try:
            if vendor_of(connection.settings_dict) == "sqlite":
                connection.ensure_connection()
                sqlite_connection = connection.connection
            result = backup(
                connection.settings_dict,
                Path(options["file"]),
                media_root=Path(settings.MEDIA_ROOT) if options["include_media"] else None,
                django_sqlite=sqlite_connection,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(count for count, _checksum in result.manifest.tables.values())
        audit_record(
            principal=principal,
            action=Action.EXPORT,
            label=_("Backup of the whole database"),
            detail={
                "file": result.path.name,
                "sha256": result.sha256,
                "bytes": result.size,
                "tables": len(result.manifest.tables),
                "rows": rows,
                "media_files": result.manifest.media_files,
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s: %(tables)s tables, %(rows)s rows, %(media)s media files.")
                % {
                    "path": result.path,
                    "tables": len(result.manifest.tables),
                    "rows": rows,
                    "media": result.manifest.media_files,
                }
            )
        )
