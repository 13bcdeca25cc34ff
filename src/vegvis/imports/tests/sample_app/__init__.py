"""An app that only declares an importer: installed by the registry's tests to show that the command finds an
app's importer without naming the app anywhere."""

from __future__ import annotations

from typing import Any

from vegvis.imports.lines import ImportRefused, LineCheck, LineError, json_lines


def run(*, actor: Any, content: bytes, filename: str, progress: Any) -> str:
    """Reads ``{"name": …}`` lines and greets them; imports nothing (there is nothing to write)."""
    errors: list[LineError] = []
    names = []
    for number, text in json_lines(content):
        check = LineCheck(number, errors)
        data = check.read(text)
        if data is not None:
            check.unknown_fields(data, frozenset({"name"}))
            name = check.text(data, "name", label="name", required=True, max_length=20)
            if check.ok:
                names.append(name)
        if progress:
            progress("check", number, number)
    if errors:
        raise ImportRefused(errors)
    return f"Hello {', '.join(names)} from {filename} ({actor.audit_role})"
