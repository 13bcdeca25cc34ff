"""Development secrets kept under var/ so that a fresh clone runs without configuration.

Imported by settings, so it must not import Django models.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def dev_secret(var_dir: Path, name: str, *, length: int = 50) -> str:
    """Return the secret stored as var/secrets/<name>, creating it (mode 0600) on first use."""
    folder = var_dir / "secrets"
    path = folder / name
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(length)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
