"""Background work of the treatment-abroad module: the daily deadline reminder to each case handler, and the
nightly deletion of cases whose retention time has run out (abroad/retention.py)."""

from __future__ import annotations

from datetime import date, time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from vegvis.abroad.models import Case, Status
from vegvis.casework import reminders
from vegvis.core.tasks import queue_next, register_daily

REMINDER_DAYS = 7
REMINDER_TIME = time(6, 30)
RETENTION_TIME = time(2, 15)


def reminder_key(day: date, handler_id: int | None) -> str:
    """What a day's reminder to one handler is recorded as once sent (core.SentNotice, by casework.reminders)."""
    return f"deadline-reminder:{day.isoformat()}:{handler_id}"


@task()
def send_deadline_reminders() -> int:
    """Mail each case handler the open cases that are due within a week or overdue.

    The mail carries case numbers, what is due and links only: no names or health information leave Vegvis
    by e-mail. Returns the number of mails sent, and queues tomorrow's run. Run again the same day (its
    worker died, core/tasks.py), it sends only the mails not sent yet (casework.reminders).
    """
    today = timezone.localdate()
    open_cases = (
        Case.objects.exclude(status=Status.CLOSED)
        .select_related("handler")
        .only("number", "due_on", "due_reason", "handler__email", "handler__first_name", "handler__username")
    )
    with translation.override(settings.LANGUAGE_CODE):
        mails = [
            _reminder(today, handler, cases)
            for handler, cases in reminders.due_per_handler(open_cases, today=today, days=REMINDER_DAYS)
        ]
    sent = reminders.send_once(mails)
    queue_next(send_deadline_reminders, REMINDER_TIME)
    return sent


def _reminder(today: date, handler: reminders.Handler, cases: list[Case]) -> reminders.Reminder:
    lines = [
        f"{c.number}  {c.due_label}  {c.due_on:%d.%m.%Y}"
        + ("  " + _("(overdue)") if c.due_on and c.due_on < today else "")
        + f"\n    {settings.VEGVIS_BASE_URL}{reverse('abroad:case', args=[c.pk])}"
        for c in cases
    ]
    return reminders.Reminder(
        key=reminder_key(today, handler.pk),
        to=handler.email,
        subject=_("Vegvis: %(count)s cases need action") % {"count": len(cases)},
        body=_("These cases are due within a week or overdue:") + "\n\n" + "\n".join(lines),
    )


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
