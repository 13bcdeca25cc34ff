"""The ``vegvis`` command: every Django management command with the project's settings.

``vegvis migrate``, ``vegvis runserver``, ``vegvis demo``, ``vegvis import cases FILE``, ``vegvis report annual``…
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vegvis.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "vegvis"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
