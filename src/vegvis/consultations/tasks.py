"""Background work of the consultations: the daily reminder to the invited bodies that have not sent input.

A set number of days before the internal deadline (``consultation_reminder``, a ``core.LegalDeadline`` row an
administrator edits; 7 days by default), each active user of each invited body without input to an open
consultation gets one mail: the consultation's title, the internal deadline (dd.mm.åååå) and a link to the
body's page of it; nothing else. Each mail is sent once (``casework.reminders.send_once``, keyed by consultation,
internal deadline and user), however often the task runs; a deadline moved later gives a new reminder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from vegvis.casework import reminders
from vegvis.consultations import deadlines
from vegvis.consultations.models import Consultation, MemberBody, Status
from vegvis.core.tasks import queue_next, register_daily

REMINDER_TIME = time(7, 0)


def reminder_key(consultation: Consultation, user_id: int) -> str:
    """What the reminder to one body user is recorded as once sent (core.SentNotice)."""
    return f"consultations:reminder:{consultation.pk}:{consultation.internal_deadline.isoformat()}:{user_id}"


def body_users(body: MemberBody, today: date) -> list[tuple[int, str]]:
    """Active users (id, e-mail) who send input for the body today."""
    from vegvis.accounts.models import RoleAssignment, User

    holders = (
        RoleAssignment.objects.filter(
            organisation_id=body.organisation_id,
            valid_from__lte=today,
            role__permissions__content_type__app_label="consultations",
            role__permissions__codename="submit_input",
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values("user_id")
    )
    return list(
        User.objects.filter(pk__in=holders, is_active=True).exclude(email="").order_by("pk").values_list("pk", "email")
    )


def due_reminders(today: date) -> Iterator[reminders.Reminder]:
    """The reminders due today: open consultations whose reminder day has come and whose internal deadline has
    not passed, to the users of each invited body that has sent no input."""
    candidates = Consultation.objects.filter(status=Status.OPEN, internal_deadline__gte=today).order_by("pk")
    for consultation in candidates:
        if today < deadlines.reminder_day(consultation.internal_deadline):
            continue
        url = settings.VEGVIS_BASE_URL.rstrip("/") + reverse("consultations:body_consultation", args=[consultation.pk])
        body = "\n".join(
            [
                consultation.title,
                f"{_('Internal deadline for input')}: {consultation.internal_deadline:%d.%m.%Y}",
                url,
            ]
        )
        waiting = consultation.invited.exclude(inputs__consultation=consultation).order_by("pk")
        for member_body in waiting:
            for user_id, email in body_users(member_body, today):
                yield reminders.Reminder(
                    key=reminder_key(consultation, user_id),
                    to=email,
                    subject=_("Reminder: input to a consultation"),
                    body=body,
                )


@task()
def send_input_reminders() -> int:
    """Mail the reminders due today (each once) and queue tomorrow's run; returns the number of mails sent."""
    with translation.override(settings.LANGUAGE_CODE):
        sent = reminders.send_once(list(due_reminders(timezone.localdate())))
    queue_next(send_input_reminders, REMINDER_TIME)
    return sent


register_daily(send_input_reminders, REMINDER_TIME)
