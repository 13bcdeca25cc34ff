"""Background work of the treatment-abroad module: the daily deadline reminder to each case handler, and the
nightly deletion of cases whose retention time has run out (abroad/retention.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from vegvis.abroad.models import Case, Status
from vegvis.core.models import SentNotice
from vegvis.core.tasks import queue_next, register_daily

REMINDER_DAYS = 7
REMINDER_TIME = time(6, 30)
RETENTION_TIME = time(2, 15)


def reminder_key(day: date, handler_id: int | None) -> str:
    """What a day's reminder to one handler is recorded as once sent (core.SentNotice)."""
    return f"deadline-reminder:{day.isoformat()}:{handler_id}"


@task()
def send_deadline_reminders() -> int:
    """Mail each case handler the open cases that are due within a week or overdue.

    The mail carries case numbers, what is due and links only: no names or health information leave Vegvis
    by e-mail. Returns the number of mails sent, and queues tomorrow's run. Run again the same day (its
    worker died, core/tasks.py), it sends only the mails not sent yet.
    """
    today = timezone.localdate()
    due = (
        Case.objects.exclude(status=Status.CLOSED)
        .filter(handler__isnull=False, handler__is_active=True, due_on__lte=today + timedelta(days=REMINDER_DAYS))
        .exclude(Q(handler__email=""))
        .select_related("handler")
        .order_by("handler_id", "due_on", "id")
        .only("number", "due_on", "due_reason", "handler__email", "handler__first_name", "handler__username")
    )
    per_handler: dict[tuple[int | None, str], list[Case]] = defaultdict(list)
    for case in due.iterator(chunk_size=2000):
        per_handler[(case.handler_id, case.handler.email)].append(case)  # type: ignore[union-attr]
    sent = 0
    with translation.override(settings.LANGUAGE_CODE), get_connection() as mailer:
        for (handler_id, email), cases in per_handler.items():
            lines = [
                f"{c.number}  {c.due_label}  {c.due_on:%d.%m.%Y}"
                + ("  " + _("(overdue)") if c.due_on and c.due_on < today else "")
                + f"\n    {settings.VEGVIS_BASE_URL}{reverse('abroad:case', args=[c.pk])}"
                for c in cases
            ]
            body = _("These cases are due within a week or overdue:") + "\n\n" + "\n".join(lines)
            subject = _("Vegvis: %(count)s cases need action") % {"count": len(cases)}
            # Once per handler and day, also when the run is repeated after its worker died: the record and the
            # mail go together (a mail that fails takes its record back; only a worker dying between the mail
            # server's acceptance and the commit can send one twice).
            with transaction.atomic():
                _notice, new = SentNotice.objects.get_or_create(key=reminder_key(today, handler_id))
                if new:
                    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email], connection=mailer).send()
                    sent += 1
    queue_next(send_deadline_reminders, REMINDER_TIME)
    return sent


register_daily(send_deadline_reminders, REMINDER_TIME)


@task()
def delete_cases_past_retention() -> dict[str, int]:
    """Delete closed cases whose retention time has run out (conservatively; see abroad/retention.py), each with
    a deletion-log row and an audit entry, and queue tomorrow's run."""
    from vegvis.abroad.retention import retention_run

    run = retention_run()
    queue_next(delete_cases_past_retention, RETENTION_TIME)
    return {"cases": len(run.deleted), "persons": run.persons, "orphan_files": run.orphan_files}


register_daily(delete_cases_past_retention, RETENTION_TIME)
