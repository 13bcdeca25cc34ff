"""Background work of the inquiry desk: the morning reminders of what is past due, and the nightly retention job
(inquiries/retention.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from vegvis.accounts.models import User
from vegvis.casework import reminders
from vegvis.core.tasks import queue_next, register_daily
from vegvis.inquiries.models import Assessment, Case, RecordRequest, Status

REMINDER_TIME = time(6, 45)
RETENTION_TIME = time(2, 30)


def reminder_key(what: str, pk: int, user_id: int) -> str:
    """What one reminder is recorded as once sent (core.SentNotice, by casework.reminders): one mail per thing
    past due and person, however often the task runs."""
    return f"inquiries:{what}-overdue:{pk}:{user_id}"


def _leads(organisation_id: int) -> list[User]:
    from vegvis.inquiries.selectors import desk_users

    return list(desk_users(organisation_id, "inquiries.lead_desk"))


def _responsible(case: Case) -> list[User]:
    """The case worker; a case nobody has yet goes to the association's leads, so it is not forgotten."""
    worker = case.case_worker
    if worker is not None and worker.is_active:
        return [worker]
    return _leads(case.organisation_id)


def _mail(key: str, user: User, subject: str, lines: list[str], case: Case) -> reminders.Reminder:
    link = f"{settings.VEGVIS_BASE_URL}{reverse('inquiries:case', args=[case.pk])}"
    body = "\n".join([*lines, "", link, "", _("The mail says no more than this: open the case in Vegvis.")])
    return reminders.Reminder(key=key, to=user.email, subject=subject, body=body)


def overdue_reminders(today: date) -> Iterator[reminders.Reminder]:
    """One mail per record request and assessment past due and per person to remind: the case worker (or the
    leads), and for an adviser's assessment the adviser. Case number, what is due and a link only: no name, no
    provider, no health information leaves Vegvis by e-mail."""
    open_cases = {"case__anonymised_at__isnull": True}
    requests = (
        RecordRequest.objects.filter(received_on__isnull=True, due_on__lt=today, **open_cases)
        .exclude(case__status=Status.CLOSED)
        .select_related("case__case_worker")
        .order_by("due_on", "id")
    )
    for request in requests:
        case = request.case
        for user in _responsible(case):
            if user.email:
                yield _mail(
                    reminder_key("record-request", request.pk, user.pk),
                    user,
                    _("Vegvis: a record request in case %(number)s is past due") % {"number": case.number},
                    [
                        _("The answer to a request for medical records in case %(number)s was due on %(day)s.")
                        % {"number": case.number, "day": f"{request.due_on:%d.%m.%Y}"},
                        _("You can send the provider a reminder from the case page."),
                    ],
                    case,
                )
    assessments = (
        Assessment.objects.filter(answered_on__isnull=True, due_on__lt=today, **open_cases)
        .exclude(case__status=Status.CLOSED)
        .select_related("case__case_worker", "adviser")
        .order_by("due_on", "id")
    )
    for assessment in assessments:
        case = assessment.case
        people = _responsible(case)
        adviser = assessment.adviser
        if adviser is not None and adviser.is_active and adviser.pk == case.medical_adviser_id:
            people.append(adviser)
        for user in dict.fromkeys(people):
            if user.email:
                yield _mail(
                    reminder_key("assessment", assessment.pk, user.pk),
                    user,
                    _("Vegvis: an assessment in case %(number)s is past due") % {"number": case.number},
                    [
                        _("The assessment asked for in case %(number)s was due on %(day)s.")
                        % {"number": case.number, "day": f"{assessment.due_on:%d.%m.%Y}"}
                    ],
                    case,
                )


def remind_overdue(today: date) -> int:
    """Send the reminders of what is past due on ``today`` not sent before; returns how many were sent."""
    with translation.override(settings.LANGUAGE_CODE):
        mails = list(overdue_reminders(today))
    return reminders.send_once(mails)


@task()
def send_overdue_reminders() -> int:
    """Mail the desk what is past due: record requests the provider has not answered and assessments not given.
    Each mail is sent once (casework.reminders); run again the same day, it sends only what was not sent yet.
    Returns the number of mails sent, and queues tomorrow's run."""
    sent = remind_overdue(timezone.localdate())
    queue_next(send_overdue_reminders, REMINDER_TIME)
    return sent


register_daily(send_overdue_reminders, REMINDER_TIME)


@task()
def retire_cases_past_retention() -> dict[str, int]:
    """Delete information cases and untriaged inquiries, and anonymise assistance cases, whose retention time has
    run out (see inquiries/retention.py), each with a deletion-log row and an audit entry; queue tomorrow's run."""
    from vegvis.inquiries.retention import retention_run

    run = retention_run()
    queue_next(retire_cases_past_retention, RETENTION_TIME)
    return {"deleted": len(run.deleted), "anonymised": len(run.anonymised), "persons": run.persons}


register_daily(retire_cases_past_retention, RETENTION_TIME)
