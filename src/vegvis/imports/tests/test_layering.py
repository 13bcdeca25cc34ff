"""The imports kit is a shared app: no module of it (its tests included) imports a domain app. The apps reach it,
never the other way round: the command finds their importers through the app registry."""

from __future__ import annotations

import ast
from pathlib import Path

import vegvis.imports

DOMAIN_APPS = ("abroad", "reports", "inquiries", "cooperation", "consultations", "earlyaccess")
KIT = Path(vegvis.imports.__file__).resolve().parent


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_of_the_kit_imports_a_domain_app():
    offending = {
        f"{path.relative_to(KIT)}: {name}"
        for path in KIT.rglob("*.py")
        for name in imported_names(path)
        if tuple(name.split(".")[:2]) in {("vegvis", app) for app in DOMAIN_APPS}
    }
    assert not offending, offending
    assert len(list(KIT.rglob("*.py"))) >= 10  # the walk found the kit
