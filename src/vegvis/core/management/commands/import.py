"""``vegvis import cases|history|rates FILE``: bring data from other systems in, all or nothing.

- ``cases FILE.jsonl``: treatment-abroad cases per the case-import contract (abroad.import_cases);
- ``history FILE.json``: the annual report's historical aggregates (reports.services.history_import);
- ``rates FILE.csv``: Norges Bank's exchange rates (core.rates).

A bad file imports nothing; every bad line is named, in Norwegian, with no traceback, and the exit status is
non-zero. A progress bar is drawn on standard error when it is a terminal (or with ``--progress``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access.commands import command_principal

PERMISSIONS = {
    "cases": "abroad.import_cases",
    "history": "reports.import_history",
    "rates": "abroad.import_cases",  # as the exchange-rate page
}
MAX_ERRORS_SHOWN = 200


class Command(BaseCommand):
    help = "Import cases (JSON Lines), the annual report's history (JSON) or exchange rates (CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{cases,history,rates}")
        for kind, text in (
            ("cases", "treatment-abroad cases, one JSON object per line"),
            ("history", "historical aggregates for the annual report"),
            ("rates", "Norges Bank's exchange rates (CSV)"),
        ):
            sub = kinds.add_parser(kind, help=text)
            sub.add_argument("file", help="the file to import")
            sub.add_argument("--as", dest="as_user", help="act as this user, with that user's permissions")
            sub.add_argument("--progress", action="store_true", help="draw a progress bar even when not on a terminal")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("nb"):
            kind = options["kind"]
            path = Path(options["file"])
            try:
                content = path.read_bytes()
            except OSError as error:
                message = _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
                raise CommandError(message) from None
            principal = command_principal(options.get("as_user"), PERMISSIONS[kind])
            progress = options["progress"] or sys.stderr.isatty()
            if kind == "cases":
                self._cases(principal, content, path.name, progress)
            elif kind == "history":
                self._history(principal, content, path.name)
            else:
                self._rates(content)

    def _refuse(self, problems: list[str]) -> None:
        for problem in problems[:MAX_ERRORS_SHOWN]:
            self.stderr.write(problem)
        if len(problems) > MAX_ERRORS_SHOWN:
            self.stderr.write(_("… and %(count)s more.") % {"count": len(problems) - MAX_ERRORS_SHOWN})
        raise CommandError(
            _("Nothing was imported: %(count)s problem(s) in the file. Correct them and import the file again.")
            % {"count": len(problems)}
        )

    def _cases(self, principal: Any, content: bytes, name: str, progress: bool) -> None:
        from vegvis.abroad.import_cases import ImportRefused, cases_import

        # Without --as the operator imports for the whole country, as the contract's command does; with --as a
        # user, that user's offices bound what the file may write (abroad.policies.import_office_ids).
        bar = _ProgressBar(enabled=progress)
        try:
            result = cases_import(actor=principal, content=content, filename=name, progress=bar.update)
        except ImportRefused as error:
            bar.close()
            self._refuse([str(e) for e in error.errors])
            return
        bar.close()
        self.stdout.write(
            _(
                "Imported %(lines)s lines from %(name)s: %(created)s new cases, %(updated)s updated, "
                "%(unchanged)s unchanged; %(persons)s new patients."
            )
            % {
                "lines": result.lines,
                "name": name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "persons": result.persons_created,
            }
        )

    def _history(self, principal: Any, content: bytes, name: str) -> None:
        from vegvis.reports.services import HistoryRefused, history_import

        try:
            result = history_import(actor=principal, content=content, filename=name)
        except HistoryRefused as error:
            self._refuse(error.problems)
            return
        self.stdout.write(
            _("Imported %(name)s: %(created)s new figures, %(updated)s updated, %(unchanged)s unchanged.")
            % {"name": name, "created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )

    def _rates(self, content: bytes) -> None:
        from vegvis.core.rates import RateFileError, rates_import

        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            self._refuse([_("The file is not UTF-8 text.")])
            return
        try:
            result = rates_import(text)
        except RateFileError as error:
            self._refuse(error.problems)
            return
        self.stdout.write(
            _("%(created)s new and %(updated)s updated rates imported.")
            % {"created": result.created, "updated": result.updated}
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
