"""What is past due at the desk: the morning mail (a link and a case number, never a name or health information),
sent once however often the task runs; the reminder letter to a provider whose answer is past due, checked before it
is sent and sealed in the case file; the worklist's overdue requests."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.inquiries import steps
from vegvis.inquiries.models import Document
from vegvis.inquiries.services import assessments, cases
from vegvis.inquiries.tasks import remind_overdue, send_overdue_reminders
from vegvis.inquiries.tests.support import ASSOCIATION, make_case
from vegvis.records.models import DocumentSealed
from vegvis.testing import pdf
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PROVIDER = "Distriktspsykiatrisk senter Gjøvik"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def staff(role: str, organisation: str = ASSOCIATION, **kwargs):
    return UserFactory(role=role, role__organisation=organisation, **kwargs)


def overdue_request(case, days: int = 40):
    return cases.records_request(
        actor=SYSTEM,
        case=case,
        version=case.version,
        provider=PROVIDER,
        sent_on=TODAY - timedelta(days=days),
        write_letter=False,
    )


def test_the_morning_mail_names_the_case_and_links_it_and_nothing_else_once_per_key():
    worker = staff("association_case_worker", email="siri@example.no")
    adviser = staff("association_medical_adviser", email="rita@example.no")
    case = make_case(case_worker=worker, medical_adviser=adviser)
    request = overdue_request(case)
    overdue_request(make_case(case_worker=worker), days=10)  # not yet due: no mail
    assessments.assessment_request(
        actor=SYSTEM,
        case=case,
        version=case.version,
        assessor="adviser",
        adviser=adviser,
        expert_name="",
        question="Var behandlingen forsvarlig?",
        due_on=TODAY + timedelta(days=1),
    )
    # Two days on, the assessment is past due too (the task runs remind_overdue with the day it runs).
    later = TODAY + timedelta(days=2)

    assert remind_overdue(later) == 3
    link = f"/henvendelser/saker/{case.pk}/"
    by_recipient: dict[str, list] = {}
    for message in mail.outbox:
        by_recipient.setdefault(message.to[0], []).append(message)
        text = message.subject + "\n" + message.body
        assert link in message.body and case.number in text
        # No name, no national id, no provider, no question: a link only.
        person = case.person
        for secret in (person.name, person.national_id, PROVIDER, "Var behandlingen", case.inquiry.account[:20]):
            assert secret not in text, secret
    assert sorted(by_recipient) == ["rita@example.no", "siri@example.no"]
    assert len(by_recipient["siri@example.no"]) == 2  # the request and the assessment
    [to_adviser] = by_recipient["rita@example.no"]
    assert "vurdering" in to_adviser.subject.lower()
    request_mail = next(m for m in by_recipient["siri@example.no"] if "journal" in m.body.lower())
    assert f"{request.due_on:%d.%m.%Y}" in request_mail.body and "purring" in request_mail.body.lower()

    # Run again (the worker died, or the next day): nothing is sent twice.
    assert remind_overdue(later) == 0 and remind_overdue(later + timedelta(days=1)) == 0
    assert send_overdue_reminders.call() == 0
    assert len(mail.outbox) == 3


def test_a_case_without_a_case_worker_reminds_the_leads_and_a_closed_case_nobody():
    lead = staff("association_lead", email="leder@example.no")
    staff("association_lead", "Den andre pasientforeningen", email="annen.leder@example.no")
    overdue_request(make_case())
    closed = make_case()
    overdue_request(closed)
    closed.refresh_from_db()
    cases.case_close(
        actor=SYSTEM, case=closed, version=closed.version, outcome="settled_by_dialogue", failure_type="other"
    )
    assert send_overdue_reminders.call() == 1
    assert mail.outbox[0].to == [lead.email]


def preview_text(page: str) -> str:
    article = re.search(r'<article class="vv-letter" id="letter-preview".*?</article>', page, re.S)
    assert article, "no letter on the page"
    return pdf.words(unescape(re.sub(r"<[^>]+>", " ", article.group(0))))


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_reminder_letter_is_offered_when_past_due_previewed_sealed_and_kept_on_the_request(language):
    worker_user = staff("association_case_worker", first_name="Siri", last_name="Saksbehandler")
    worker = log_in_verified(Client(), worker_user)
    case = make_case(case_worker=worker_user)
    step_url = reverse("inquiries:case_action", args=[case.pk, "remind_record_request"])
    fresh = overdue_request(case, days=5)
    assert "remind_record_request" not in steps.TABLE.available_steps(SYSTEM, case)
    assert worker.get(step_url).status_code == 200  # the form says why it is not possible
    request = overdue_request(case)
    case.refresh_from_db()
    page = worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert step_url in page and "Send purring" in page

    data = {
        "request": request.pk,
        "provider_address": "Postboks 1\n2801 Gjøvik",
        "sent_on": TODAY.strftime("%d.%m.%Y"),
        "language": language,
    }
    shown = preview_text(worker.post(step_url, {"version": case.version, **data}).content.decode())
    assert "Purring" in shown and PROVIDER in shown and "Siri Saksbehandler" in shown
    assert not case.documents.filter(kind=Document.Kind.RECORD_REQUEST_REMINDER).exists()
    # Only the request past due can be chosen; the fresh one is refused.
    refused = worker.post(step_url, {"version": case.version, **data, "request": fresh.pk, "confirm": "1"})
    assert refused.status_code == 200 and not case.documents.filter(kind="record_request_reminder").exists()

    assert worker.post(step_url, {"version": case.version, **data, "confirm": "1"}).status_code == 302
    document = case.documents.get(kind=Document.Kind.RECORD_REQUEST_REMINDER)
    request.refresh_from_db()
    assert request.reminded_on == TODAY and request.received_on is None
    assert document.sent_at is not None and document.correspondent == PROVIDER
    text = pdf.words(pdf.text(document.file.read()))
    words = {
        "nb": ["Purring: anmodning om innsyn", "Svarfristen var", "Med vennlig hilsen"],
        "nn": ["Purring: oppmoding om innsyn", "Svarfristen var", "Med venleg helsing"],
    }[language]
    for expected in [*words, "Postboks 1", case.number, f"{request.sent_on:%d.%m.%Y}", f"{request.due_on:%d.%m.%Y}"]:
        assert expected in text, expected
    assert "{{" not in text
    document.title = "Endret"
    with pytest.raises(DocumentSealed):
        document.save()
    # The case file lists it, and the case page and the worklist show when the reminder went.
    page = worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert "Purring" in page and f"purring sendt {TODAY:%d.%m.%Y}" in page
    worklist = worker.get(reverse("inquiries:worklist") + "?vis=desk").content.decode()
    section = worklist[worklist.index('id="h-records-overdue"') : worklist.index('id="h-week"')]
    assert case.number in section and PROVIDER in section and f"{TODAY:%d.%m.%Y}" in section
