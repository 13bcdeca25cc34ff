"""The round's dates: when input is late, until when a body may revise it, and the warnings on a consultation's
deadlines. The periods are `core.LegalDeadline` rows an administrator edits (migration 0002):
``consultation_minimum_period`` (six weeks, utredningsinstruksen § 3-3), ``consultation_compiling`` (the days
the secretariat needs between the internal deadline and the issuer's, 14 by default) and ``consultation_reminder``
(how long before the internal deadline the bodies that have not answered are reminded, 7 days by default;
migration 0003).

Dates are local (Europe/Oslo): input sent at 23:59 on the internal deadline's day is on time, a minute later late.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.core.models import LegalDeadline

MINIMUM_PERIOD = "consultation_minimum_period"
COMPILING = "consultation_compiling"
REMINDER = "consultation_reminder"


def is_late(sent_at: datetime, internal_deadline: date) -> bool:
    """Sent after the internal deadline's day (in Europe/Oslo)."""
    return timezone.localtime(sent_at).date() > internal_deadline


def may_revise(now: datetime, internal_deadline: date) -> bool:
    """A body revises its input until the end of the internal deadline's day."""
    return not is_late(now, internal_deadline)


def reminder_day(internal_deadline: date) -> date:
    """The day the bodies that have not sent input are reminded: the ``consultation_reminder`` period before the
    internal deadline."""
    from dateutil.relativedelta import relativedelta

    reminder = LegalDeadline.get(REMINDER)
    return internal_deadline - relativedelta(**{reminder.unit: reminder.amount})


def warnings(*, issued_on: date, issuer_deadline: date, internal_deadline: date) -> list[str]:
    """What the secretariat should know about the deadlines (none stops the consultation)."""
    found = []
    minimum = LegalDeadline.get(MINIMUM_PERIOD)
    if issuer_deadline < minimum.after(issued_on):
        found.append(
            _("The issuer's period is shorter than %(period)s (%(reference)s).")
            % {"period": minimum.period, "reference": minimum.legal_reference}
        )
    compiling = LegalDeadline.get(COMPILING)
    if internal_deadline > issuer_deadline:
        found.append(_("The internal deadline is after the issuer's deadline."))
    elif compiling.after(internal_deadline) > issuer_deadline:
        found.append(
            _("The internal deadline leaves less than %(period)s to compile the response before the issuer's deadline.")
            % {"period": compiling.period}
        )
    return found
