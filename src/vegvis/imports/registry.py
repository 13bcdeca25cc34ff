"""The importers the apps declare, found by ``vegvis import <kind> FILE``.

An app declares its importers on its AppConfig, so the command names no app::

    class AbroadConfig(AppConfig):
        importers = (
            Importer(
                kind="cases",
                help="treatment-abroad cases, one JSON object per line",
                permission="abroad.import_cases",
                run="vegvis.abroad.importer.command.run",
            ),
        )

``run`` is the dotted path of a function ``run(*, actor, content, filename, progress) -> str``: it imports the
whole file or nothing, returns the line the command prints, and raises ``lines.ImportRefused`` naming every
problem of a bad file. ``progress`` is None or a hook ``(stage, done, total)``, stage ``check`` or ``write``.
The acting user needs ``permission`` (the operator at the server's shell holds every one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.utils.module_loading import import_string

ProgressHook = Callable[[str, int, int], None]  # (stage, done, total)


class ImportRun(Protocol):
    def __call__(self, *, actor: Any, content: bytes, filename: str, progress: ProgressHook | None) -> str: ...


@dataclass(frozen=True)
class Importer:
    kind: str  # the word after ``vegvis import``
    help: str  # one line for ``vegvis import --help`` (English, as Django's own command help)
    permission: str  # what a user acting with ``--as`` must hold
    run: str  # dotted path of the import function (see the module's docstring)

    def load(self) -> ImportRun:
        run: ImportRun = import_string(self.run)
        return run


class DuplicateKind(RuntimeError):
    pass


def importers() -> dict[str, Importer]:
    """Every installed app's importers, by kind, in alphabetical order of the kinds."""
    found: dict[str, Importer] = {}
    for config in apps.get_app_configs():
        for importer in getattr(config, "importers", ()):
            if importer.kind in found:
                raise DuplicateKind(f"two apps declare the importer {importer.kind!r} ({config.label} is the second)")
            found[importer.kind] = importer
    return dict(sorted(found.items()))
