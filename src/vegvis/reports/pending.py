"""Uploaded import files waiting for the office lead's confirmation: kept on the server between the preview and
the import (never in the session), under MEDIA_ROOT/imports/<random token>, deleted after the import.

The files hold national ids, so they are encrypted at rest with the key that encrypts national ids in the
database (``core.crypto``), and they live for an hour at most: the encrypted token carries the time it was made
and is refused after ``KEEP_SECONDS`` even if the file is still there, and stale files are swept on every upload
and every look-up."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils._os import safe_makedirs

from vegvis.core import crypto
from vegvis.core.storage import PARTIAL_PREFIX, write_private

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 60 * 60


class PendingMissing(LookupError):
    """No such upload for this user (never made, someone else's, expired, or already imported)."""


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    safe_makedirs(str(folder), 0o700, exist_ok=True)  # personal data: the service's user only
    return folder


def save(*, user_id: int, name: str, content: bytes) -> str:
    """Keep the upload (encrypted, 0600); a full disk is StorageFull and leaves neither of its two files behind."""
    clean_up()
    token = secrets.token_urlsafe(24)
    folder = _folder()
    try:
        write_private(folder / f"{token}.jsonl.enc", crypto.encrypt_bytes(content))
        write_private(folder / f"{token}.json", json.dumps({"user": user_id, "name": name[:200]}).encode("utf-8"))
    except BaseException:
        delete(token)
        raise
    return token


def load(token: str, *, user_id: int) -> tuple[str, bytes]:
    if not TOKEN.match(token):
        raise PendingMissing
    clean_up()
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text("utf-8"))
        sealed = (folder / f"{token}.jsonl.enc").read_bytes()
    except (OSError, ValueError):
        raise PendingMissing from None
    if meta.get("user") != user_id:
        raise PendingMissing
    try:
        content = crypto.decrypt_bytes(sealed, max_age=KEEP_SECONDS)
    except InvalidToken:
        delete(token)
        raise PendingMissing from None
    return str(meta.get("name", "")), content


def delete(token: str) -> None:
    if TOKEN.match(token):
        for suffix in (".jsonl.enc", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def clean_up() -> None:
    """Uploads nobody confirmed within the hour are deleted (and files of the older, unencrypted kind)."""
    limit = time.time() - KEEP_SECONDS
    folder = _folder()
    for path in [*folder.glob("*.json*"), *folder.glob(f"{PARTIAL_PREFIX}*")]:  # and any write a crash cut off
        try:
            if path.suffix == ".jsonl" or path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
