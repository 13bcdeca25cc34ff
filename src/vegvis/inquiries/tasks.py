"""Background work of the inquiry desk: the nightly retention job (inquiries/retention.py)."""

from __future__ import annotations

from datetime import time

from django_tasks import task

from vegvis.core.tasks import queue_next, register_daily

RETENTION_TIME = time(2, 30)


@task()
def retire_cases_past_retention() -> dict[str, int]:
    """Delete information cases and untriaged inquiries, and anonymise assistance cases, whose retention time has
    run out (see inquiries/retention.py), each with a deletion-log row and an audit entry; queue tomorrow's run."""
    from vegvis.inquiries.retention import retention_run

    run = retention_run()
    queue_next(retire_cases_past_retention, RETENTION_TIME)
    return {"deleted": len(run.deleted), "anonymised": len(run.anonymised), "persons": run.persons}


register_daily(retire_cases_past_retention, RETENTION_TIME)
