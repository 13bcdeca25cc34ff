"""Encryption of personal identifiers at rest, and keyed hashes for exact look-up.

A database dump alone does not reveal a national id: the value is encrypted (Fernet: AES-128-CBC with
HMAC-SHA256) with a key derived from VEGVIS_DATA_KEY, and found again through an HMAC-SHA256 keyed with
VEGVIS_LOOKUP_KEY. Both keys live in the environment, never in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())


@cache
def _fernet() -> MultiFernet:
    # VEGVIS_DATA_KEY may hold several keys separated by commas: the first encrypts, all decrypt (rotation).
    keys = [k.strip() for k in settings.VEGVIS_DATA_KEY.split(",") if k.strip()]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, b"vegvis-field-encryption"))) for k in keys])


@cache
def _lookup_key() -> bytes:
    return _derive(settings.VEGVIS_LOOKUP_KEY, b"vegvis-lookup-hash")


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode()


def lookup_hash(value: str) -> str:
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()


def clear_key_cache() -> None:
    """For tests that change keys."""
    _fernet.cache_clear()
    _lookup_key.cache_clear()


def encrypt_bytes(value: bytes) -> bytes:
    """A file's content encrypted as the national ids are (the token carries the time it was made)."""
    return _fernet().encrypt(value)


def decrypt_bytes(token: bytes, *, max_age: int | None = None) -> bytes:
    """The content again; raises ``cryptography.fernet.InvalidToken`` when it was tampered with, made with another
    key, or (with ``max_age``) made more than ``max_age`` seconds ago."""
    if max_age is None:
        return _fernet().decrypt(token)
    return _fernet().decrypt(token, ttl=max_age)
