"""The hash chain: each entry's HMAC covers its content and the previous entry's hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import cache
from typing import Any

from django.conf import settings

GENESIS = "0" * 64


@cache
def _key() -> bytes:
    return hashlib.sha256(b"vegvis-audit-chain:" + settings.VEGVIS_AUDIT_KEY.encode()).digest()


def entry_payload(entry: Any) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "office_id": entry.office_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "person_id": entry.person_id,
        "detail": entry.detail,
        "emergency": bool(entry.emergency),
        "reason": entry.reason,
        "prev": entry.prev_hash,
    }


def compute_hash(entry: Any) -> str:
    canonical = json.dumps(entry_payload(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(_key(), canonical.encode(), hashlib.sha256).hexdigest()
