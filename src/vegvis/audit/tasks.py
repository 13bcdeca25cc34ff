"""Verifying the audit chain in the background (it reads every entry, which takes time on a large trail)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from vegvis.audit.verify import verify_chain


@task()
def verify_audit_chain() -> dict[str, Any]:
    result = verify_chain()
    return {"ok": result.ok, "checked": result.checked, "problem": result.problem, "seq": result.seq}
