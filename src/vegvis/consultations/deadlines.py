"""The round's dates: when input is late, until when a body may revise it, and the warnings on a consultation's
deadlines. The periods are `core.LegalDeadline` rows an administrator edits (migration 0002):
``consultation_minimum_period`` (six weeks, utredningsinstruksen § 3-3) and ``consultation_compiling`` (the days
the secretariat needs between the internal deadline and the issuer's, 14 by default).

Dates are local (Europe/Oslo): input sent at 23:59 on the internal deadline's day is on time, a minute later late.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.core.models import LegalDeadline

MINIMUM_PERIOD = "consultation_minimum_period"
COMPILING = "consultation_compiling"


def is_late(sent_at: datetime, internal_deadline: date) -> bool:
    """Sent after the internal deadline's day (in Europe/Oslo)."""
    return timezone.localtime(sent_at).date() > internal_deadline


def may_revise(now: datetime, internal_deadline: date) -> bool:
    """A body revises its input until the end of the internal deadline's day."""
    return not is_late(now, internal_deadline)


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
