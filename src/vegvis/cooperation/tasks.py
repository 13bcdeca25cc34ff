"""Background work of the cooperation register: the daily publication of agreements whose review and correction
periods have ended (services.publish_due)."""

from __future__ import annotations

from datetime import time

from django_tasks import task

from vegvis.core.tasks import queue_next, register_daily

PUBLICATION_TIME = time(3, 15)


@task()
def publish_agreements_due() -> dict[str, list[str]]:
    """Publish every agreement whose correction period ended before today (disputed ones marked, with the
    organisation's reason); queue tomorrow's run. Safe to run again: published agreements are not due."""
    from vegvis.cooperation.services import publish_due

    published = publish_due()
    queue_next(publish_agreements_due, PUBLICATION_TIME)
    return {"published": published}


register_daily(publish_agreements_due, PUBLICATION_TIME)
