"""Notice of emergency access ("nødtilgang"): the office leads who review a grant hear of it by e-mail when the
transaction that opened it commits (``access.policies.open_emergency_access``). The review itself is
``access.review``."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vegvis.access.models import EmergencyAccess

log = logging.getLogger(__name__)


def office_reviewers(office_id: int) -> QuerySet[Any]:
    """Active users who review the office's emergency access in the office's own scope (its office leads)."""
    from vegvis.accounts.models import RoleAssignment, User

    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(
            office_id=office_id,
            valid_from__lte=today,
            role__permissions__content_type__app_label="access",
            role__permissions__codename="review_emergency_access",
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values("user_id")
    )
    return User.objects.filter(pk__in=assignments, is_active=True)


MAIL_SUBJECT = gettext_noop("Vegvis: emergency access to review")
MAIL_BODY = gettext_noop(
    "Someone has used emergency access to a case at your office. Review it in Vegvis:\n\n%(url)s\n\n"
    "This message holds no patient data."
)


def notify_reviewers(grant: EmergencyAccess) -> None:
    """E-mail the office leads that a grant awaits their review (after commit). No health or personal data: the
    mail says only that there is something to review, and where."""
    if grant.office_id is None:
        return
    recipients = [email for email in office_reviewers(grant.office_id).values_list("email", flat=True) if email]
    if not recipients:
        return
    url = settings.VEGVIS_BASE_URL.rstrip("/") + reverse("audit:emergency_reviews")
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _(MAIL_SUBJECT), _(MAIL_BODY) % {"url": url}

    def send() -> None:
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # the grant stands; the review list and the home panel still show it
            log.exception("Could not send the emergency-access notice")

    transaction.on_commit(send)
