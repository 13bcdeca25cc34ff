"""A simple rate limit for the public form, in the Django cache (no other limiter in the project): at most
``VEGVIS_INQUIRY_RATE_LIMIT`` submissions per address in ``VEGVIS_INQUIRY_RATE_WINDOW`` seconds."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def limit() -> int:
    return int(getattr(settings, "VEGVIS_INQUIRY_RATE_LIMIT", 5))


def window() -> int:
    return int(getattr(settings, "VEGVIS_INQUIRY_RATE_WINDOW", 3600))


def _key(request: HttpRequest) -> str:
    # REMOTE_ADDR: the proxy in front sets it (docs/operations.md); a hash, so no address is kept in the cache.
    address = request.META.get("REMOTE_ADDR", "")
    return "inquiries-rate:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def allowed(request: HttpRequest) -> bool:
    """Count this submission; False once the address has sent ``limit()`` in the window."""
    key = _key(request)
    cache.add(key, 0, timeout=window())
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window())
        count = 1
    return count <= limit()
