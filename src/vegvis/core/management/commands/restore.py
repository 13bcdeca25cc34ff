"""``vegvis restore FILE [--include-media]``: a backup back into a new, empty database.

Refuses a database with any row in any table, restores all or nothing, compares every table's row count and
checksum with the backup's manifest, writes the restore to the (restored) audit trail and verifies the chain,
which holds only when VEGVIS_AUDIT_KEY is the key of the installation the backup came from. Then run
``vegvis migrate`` if this version of Vegvis is newer than the backup. See docs/operations.md, "Backups".
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
from vegvis.audit.verify import verify_chain
from vegvis.core.backup import BackupError, restore, vendor_of


class Command(BaseCommand):
    help = "Restore a backup made by `vegvis backup` into a new, empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--include-media",
            action="store_true",
            help="restore the backup's letters and uploads into VEGVIS_MEDIA_ROOT (no existing file is replaced)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias to restore into")

    def handle(self, *args: Any, **options: Any) -> None:
        principal = command_principal(None, "")  # the operator only
        connection = connections[options["database"]]
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": source})
        sqlite_connection = None
        try:
            if vendor_of(connection.settings_dict) == "sqlite":
                connection.ensure_connection()
                sqlite_connection = connection.connection
            else:
                connection.close()  # pg_restore replaces the schema this connection may have looked at
            result = restore(
                connection.settings_dict,
                source,
                media_root=Path(settings.MEDIA_ROOT) if options["include_media"] else None,
                django_sqlite=sqlite_connection,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        audit_record(
            principal=principal,
            action=Action.IMPORT,
            label=_("Restore from backup"),
            detail={
                "file": source.name,
                "backup_created_at": result.manifest.created_at,
                "tables": result.tables,
                "rows": result.rows,
                "media_files": result.media_files,
            },
        )
        self.stdout.write(
            _("Restored %(tables)s tables and %(rows)s rows from the backup of %(when)s; every table matches it.")
            % {"tables": result.tables, "rows": result.rows, "when": result.manifest.created_at}
        )
        if options["include_media"]:
            self.stdout.write(_("%(count)s media files restored.") % {"count": result.media_files})
        chain = verify_chain()
        if not chain.ok:
            raise CommandError(
                _(
                    "The data is restored, but its audit trail does not verify (is VEGVIS_AUDIT_KEY the one the "
                    "backup's installation used?): %(problem)s"
                )
                % {"problem": chain.problem}
            )
        self.stdout.write(
            self.style.SUCCESS(_("The audit trail is intact: %(count)s entries checked.") % {"count": chain.checked})
        )
