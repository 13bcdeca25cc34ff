"""``vegvis import <kind> FILE``: bring data from other systems in, all or nothing.

The kinds are the importers the installed apps declare (``imports.registry``), e.g. ``cases`` (abroad, the
case-import contract), ``history`` (reports, the annual report's aggregates) and ``rates`` (core, Norges Bank's
exchange rates). A bad file imports nothing; every bad line is named, in Norwegian, with no traceback, and the
exit status is non-zero. A progress bar is drawn on standard error when it is a terminal (or with ``--progress``).
Without ``--as`` the command acts as the operator at the server's shell; with it, as that user, who needs the
importer's permission.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access.commands import command_principal
from vegvis.imports.lines import MAX_ERRORS_SHOWN, ImportRefused
from vegvis.imports.registry import importers


class Command(BaseCommand):
    help = "Import data from other systems, all or nothing: one kind of file per app that declares an importer."

    def add_arguments(self, parser: CommandParser) -> None:
        found = importers()
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{" + ",".join(found) + "}")
        for kind, importer in found.items():
            sub = kinds.add_parser(kind, help=importer.help)
            sub.add_argument("file", help="the file to import")
            sub.add_argument("--as", dest="as_user", help="act as this user, with that user's permissions")
            sub.add_argument("--progress", action="store_true", help="draw a progress bar even when not on a terminal")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("nb"):
            importer = importers()[options["kind"]]
            path = Path(options["file"])
            try:
                content = path.read_bytes()
            except OSError as error:
                message = _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
                raise CommandError(message) from None
            principal = command_principal(options.get("as_user"), importer.permission)
            bar = _ProgressBar(enabled=options["progress"] or sys.stderr.isatty())
            try:
                summary = importer.load()(actor=principal, content=content, filename=path.name, progress=bar.update)
            except ImportRefused as error:
                bar.close()
                self._refuse(error.problems)
                return
            bar.close()
            self.stdout.write(summary)

    def _refuse(self, problems: list[str]) -> None:
        for problem in problems[:MAX_ERRORS_SHOWN]:
            self.stderr.write(problem)
        if len(problems) > MAX_ERRORS_SHOWN:
            self.stderr.write(_("… and %(count)s more.") % {"count": len(problems) - MAX_ERRORS_SHOWN})
        raise CommandError(
            _("Nothing was imported: %(count)s problem(s) in the file. Correct them and import the file again.")
            % {"count": len(problems)}
        )


class _ProgressBar:
    """tqdm on standard error, one bar per stage (checking the lines, then writing)."""

    def __init__(self, *, enabled: bool):
        self.enabled = enabled
        self.bar: Any = None
        self.stage = ""

    def update(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            label = {"check": _("Checking"), "write": _("Writing")}.get(stage, stage)
            self.bar = tqdm(total=total, desc=label, unit=_("lines"), file=sys.stderr, leave=True)
            self.stage = stage
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
