"""``vegvis cooperation check FILE.json``: check supplier agreements against the guideline, per the contract
`shared/contracts/cooperation-check.md`.

The result goes to standard output as JSON, with exit status 0 whatever the findings. A file that breaks the
contract (or cannot be read, is not UTF-8, is not JSON) prints every problem on standard error, one line each
(JSON path: what is wrong, in Norwegian), nothing on standard output, and exits with status 1. The command
reads only the file: no database, so it runs on a machine with no database at all.
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from vegvis.access.rules import AccessRule

# Open to anyone at the shell: the command judges the file it is given and reads no stored data, so that "any data
# set can be checked the same way, unchanged, by anyone" (the contract). `--as` is left out on purpose: it would
# read the user table.
CHECK_ACCESS = AccessRule(public=True)


class Command(BaseCommand):
    help = "The cooperation register: `cooperation check FILE.json` checks agreements against the guideline."
    access_rule = CHECK_ACCESS
    requires_system_checks: list[str] = []  # nothing here depends on the project's configuration being complete

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{check}")
        check = actions.add_parser("check", help="check a JSON file of agreements against the rules")
        check.add_argument("file", help="the JSON file (shared/contracts/cooperation-check.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        from vegvis.cooperation.check import ContractViolation, check_file_content

        with translation.override("nb"):
            path = Path(options["file"])
            try:
                content = path.read_bytes()
            except OSError as error:
                self._refuse([_("%(path)s: cannot be read: %(reason)s") % {"path": path, "reason": _reason(error)}])
            try:
                result = check_file_content(content)
            except ContractViolation as violation:
                self._refuse([str(problem) for problem in violation.problems])
        # ASCII-only JSON is the same JSON value, and prints whatever the terminal's encoding.
        self.stdout.write(json.dumps(result, indent=2))

    def _refuse(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        self.stderr.flush()
        sys.exit(1)


def _reason(error: OSError) -> str:
    reasons = {
        errno.ENOENT: _("there is no such file"),
        errno.EACCES: _("permission denied"),
        errno.EISDIR: _("it is a folder, not a file"),
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))
