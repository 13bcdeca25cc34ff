"""The desk's pages as a case worker uses them, and the public web form as a person and a robot use it.

The journey: register an inquiry, triage it into an assistance case, record the power of attorney with its scan
(a file that lies about its type refused first), request records, register an NPE claim whose limitation dates
the page shows, NPE's decision, the appeal, the board's decision and the closing with an outcome."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegvis.audit.models import AuditEntry
from vegvis.inquiries.models import Case, Document, Inquiry, PowerOfAttorney, Status
from vegvis.inquiries.tests.support import ASSOCIATION, PDF, association, make_case
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def field_error(page: str, field: str) -> str:
    found = re.search(rf'id="id_{field}_error">(.*?)</div>', page, re.S)
    assert found, f"no message next to the {field} field"
    return found.group(1).strip()


@pytest.fixture
def worker(login):
    user = UserFactory(role="association_case_worker", role__organisation=ASSOCIATION)
    return login(user)


def step(client: Client, case: Case, event: str, data: dict, **extra):
    case.refresh_from_db()
    return client.post(
        reverse("inquiries:case_action", args=[case.pk, event]), {"version": case.version, **data}, **extra
    )


def test_a_case_worker_takes_an_inquiry_from_registration_to_closing(worker):
    page = worker.post(
        reverse("inquiries:inquiry_new"),
        {
            "channel": "phone",
            "contacted_by": "relative",
            "contact_name": "Per Pårørende",
            "contact_phone": "99887766",
            "service": "specialist",
            "provider": "Sykehuset Innlandet",
            "account": "Mor fikk feil medisin etter operasjonen.",
        },
        follow=True,
    )
    inquiry = Inquiry.objects.get()
    assert f"Henvendelse {inquiry.reference} er registrert." in page.content.decode()
    listed = worker.get(reverse("inquiries:worklist") + "?vis=desk").content.decode()
    assert inquiry.reference in listed and "Per Pårørende" in listed

    page = worker.post(reverse("inquiries:inquiry", args=[inquiry.pk]), {"kind": "assistance"}, follow=True)
    case = Case.objects.get()
    text = page.content.decode()
    assert f"Sak {case.number} er opprettet." in text
    assert "Foreningen kan ikke handle før saken har en gyldig fullmakt" in text
    assert "Be om journalinnsyn" not in text  # not offered before the power of attorney

    # An HTML file named .pdf: refused next to the field, nothing stored.
    files_before = stored_files()
    poa = {
        "granted_by": "Per Pårørende",
        "scope_records": "on",
        "scope_compensation": "on",
        "signed_on": d(timezone.localdate() - timedelta(days=1)),
    }
    page = step(worker, case, "register_power_of_attorney", {**poa, "scan": SimpleUploadedFile("fullmakt.pdf", HTML)})
    assert page.status_code == 200
    assert field_error(page.content.decode(), "scan").startswith("Denne filtypen godtas ikke")
    assert not PowerOfAttorney.objects.exists() and not Document.objects.filter(kind="power_of_attorney").exists()
    assert stored_files() == files_before

    page = step(worker, case, "register_power_of_attorney", {**poa, "scan": SimpleUploadedFile("fullmakt.pdf", PDF)})
    assert page.status_code == 302
    scan = PowerOfAttorney.objects.get().scan
    assert worker.get(reverse("inquiries:document_file", args=[case.pk, scan.pk])).getvalue() == PDF

    sent = date(2026, 1, 31)
    assert (
        step(
            worker, case, "request_records", {"provider": "Sykehuset Innlandet", "sent_on": d(sent), "confirm": "1"}
        ).status_code
        == 302
    )
    text = worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert "28.02.2026" in text  # one month after 31 January

    page = step(
        worker,
        case,
        "prepare_npe_claim",
        {"act_on": "29.02.2024", "knew_on": "29.02.2024", "claimed_loss": "8 500"},
        follow=True,
    )
    text = page.content.decode()
    assert re.search(r'id="relative-limit">28\.02\.2027<', text)
    assert re.search(r'id="absolute-limit">29\.02\.2044<', text)
    assert "under 10 000 kroner" in text

    today = timezone.localdate()
    assert (
        step(
            worker, case, "send_npe_claim", {"sent_on": d(today), "npe_reference": "22/123", "confirm": "1"}
        ).status_code
        == 302
    )
    assert (
        step(
            worker, case, "register_npe_decision", {"decision": "rejected", "decision_received_on": d(today)}
        ).status_code
        == 302
    )
    text = worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert d(today + timedelta(weeks=3)) in text  # the appeal deadline
    assert step(worker, case, "appeal_npe_decision", {"appealed_on": d(today)}).status_code == 302
    assert (
        step(
            worker, case, "register_board_decision", {"board_decision": "partly_granted", "board_decided_on": d(today)}
        ).status_code
        == 302
    )
    page = step(
        worker,
        case,
        "close",
        {"outcome": "claim_granted", "failure_type": "treatment", "amount_granted": "45 000"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == "claim_granted"
    assert "Kravet innvilget" in page.content.decode()
    assert AuditEntry.objects.filter(action="read", object_id=str(case.pk), actor_username=case.case_worker.username)


def test_a_step_from_a_stale_form_is_refused_with_a_message(worker):
    case = make_case()
    stale = case.version
    step(worker, case, "request_records", {"provider": "A", "sent_on": d(timezone.localdate()), "confirm": "1"})
    page = worker.post(
        reverse("inquiries:case_action", args=[case.pk, "request_records"]),
        {"version": stale, "provider": "B", "sent_on": d(timezone.localdate()), "confirm": "1"},
    )
    assert "endret av noen andre" in page.content.decode()
    assert list(case.record_requests.values_list("provider", flat=True)) == ["A"]


# ---------------------------------------------------------------- the public web form


def public_data(**extra: str) -> dict[str, str]:
    return {
        "contacted_by": "patient",
        "contact_name": "Ola Nettskjema",
        "contact_email": "ola@example.org",
        "service": "gp",
        "account": "Fastlegen ville ikke henvise meg til spesialist.",
        "consent": "on",
        "website": "",
        **extra,
    }


def test_the_public_form_records_the_consent_and_gives_a_receipt_without_health_data():
    client = Client()
    url = reverse("inquiries:public_form", args=[association().pk])
    form = client.get(url).content.decode()
    assert "Jeg samtykker i at Pasientforeningen registrerer" in form
    page = client.post(url, public_data(), follow=True)
    inquiry = Inquiry.objects.get()
    assert inquiry.channel == "web_form" and inquiry.consent_given_at is not None
    assert inquiry.consent_text.startswith("Jeg samtykker i at Pasientforeningen registrerer og behandler")
    assert re.search(rf'id="reference">{inquiry.reference}<', page.content.decode())


def test_the_receipt_mail_holds_the_reference_and_no_health_data(django_capture_on_commit_callbacks):
    client = Client()
    url = reverse("inquiries:public_form", args=[association().pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, public_data())
    inquiry = Inquiry.objects.get()
    (message,) = mail.outbox
    assert message.to == ["ola@example.org"]
    assert inquiry.reference in message.subject and inquiry.reference in message.body
    assert "Fastlegen" not in message.body and "henvise" not in message.body and "Ola" not in message.body


def test_the_honeypot_stores_nothing_and_says_nothing():
    client = Client()
    url = reverse("inquiries:public_form", args=[association().pk])
    page = client.post(url, public_data(website="http://spam.example"), follow=True)
    assert page.status_code == 200 and "Takk." in page.content.decode()
    assert not Inquiry.objects.exists() and not mail.outbox


def test_the_public_form_is_refused_after_too_many_submissions_from_one_address(settings):
    settings.VEGVIS_INQUIRY_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    url = reverse("inquiries:public_form", args=[association().pk])
    for _ in range(3):
        assert client.post(url, public_data()).status_code == 302
    refused = client.post(url, public_data())
    assert refused.status_code == 429
    assert "Det er sendt for mange henvendelser fra adressen din på kort tid" in refused.content.decode()
    assert Inquiry.objects.count() == 3
    assert Client(REMOTE_ADDR="198.51.100.2").post(url, public_data()).status_code == 302


def test_the_public_form_is_only_for_patient_associations():
    from vegvis.testing.factories import OrganisationFactory

    hospital = OrganisationFactory()
    assert Client().get(reverse("inquiries:public_form", args=[hospital.pk])).status_code == 404
