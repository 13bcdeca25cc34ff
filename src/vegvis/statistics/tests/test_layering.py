"""The statistics kit is a shared app: none of its modules imports a domain app (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import vegvis.statistics

DOMAINS = ("abroad", "reports", "inquiries", "cooperation", "consultations", "earlyaccess")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_kit_imports_no_domain_app():
    root = Path(vegvis.statistics.__file__).parent
    modules = [p for p in root.rglob("*.py") if "tests" not in p.parts]
    assert len(modules) >= 6
    for path in modules:
        for name in imported_modules(path):
            parts = name.split(".")
            assert not (parts[0] == "vegvis" and len(parts) > 1 and parts[1] in DOMAINS), (path.name, name)
