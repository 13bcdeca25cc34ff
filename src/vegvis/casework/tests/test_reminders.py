"""Reminder mail is sent once per key, however often the task runs; a mail that fails is tried again next run."""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from vegvis.casework.reminders import Reminder, send_once
from vegvis.core.models import SentNotice

pytestmark = pytest.mark.django_db


def reminder(key: str, to: str = "ingrid@example.no") -> Reminder:
    return Reminder(key=key, to=to, subject="Vegvis: 2 saker", body="2026/0001 ...")


def test_a_run_repeated_sends_only_what_was_not_sent():
    assert send_once([reminder("day-1:7"), reminder("day-1:8", to="kari@example.no")]) == 2
    assert send_once([reminder("day-1:7"), reminder("day-1:8"), reminder("day-1:9", to="ola@example.no")]) == 1

    assert [m.to for m in mail.outbox] == [["ingrid@example.no"], ["kari@example.no"], ["ola@example.no"]]
    assert set(SentNotice.objects.values_list("key", flat=True)) == {"day-1:7", "day-1:8", "day-1:9"}


class RefusingMailServer(BaseEmailBackend):
    """A mail server that takes the connection and refuses the mail (the outside world, not our code)."""

    def send_messages(self, email_messages: Any) -> int:
        raise SMTPException("451 try again later")


def test_a_mail_that_fails_leaves_no_record_so_the_next_run_sends_it(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    with pytest.raises(SMTPException):
        send_once([reminder("day-1:7")])
    assert not SentNotice.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_once([reminder("day-1:7")]) == 1
    assert len(mail.outbox) == 1
