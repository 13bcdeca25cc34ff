"""The desk's letters as their readers get them: the sealed PDF in the case file, read back with pdftotext, for
every kind in bokmål and nynorsk — the person, the case number, the right recipient, no placeholder left — and the
attacks through the text fields (markup, server files, internal URLs) shown as text with nothing fetched."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.inquiries.models import Case, Complaint, Document, Kind
from vegvis.inquiries.services import cases, inquiries
from vegvis.inquiries.services import letters as letter_services
from vegvis.inquiries.tests.support import PDF, make_inquiry
from vegvis.records.models import DocumentSealed
from vegvis.testing import pdf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NAME = "Kari Nordmann"
PROVIDER = "Sykehuset Innlandet HF, Gjøvik"

FRAME = {
    "nb": ["Vår ref.", "Saksbehandler", "Fortrolig", "Inneholder helseopplysninger", "Med vennlig hilsen"],
    "nn": ["Vår ref.", "Sakshandsamar", "Fortruleg", "Inneheld helseopplysningar", "Med venleg helsing"],
}
NOT_FRAME = {
    "nb": ["Sakshandsamar", "venleg", "Unntatt offentlighet"],
    "nn": ["Saksbehandler", "vennlig", "Unnateke offentlegheit"],
}


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def assistance_case(name: str = NAME, provider: str = PROVIDER) -> Case:
    """An assistance case for a person not in the register, with a power of attorney covering everything."""
    inquiry = make_inquiry(with_person=False, contact_name=name, provider=provider)
    case = inquiries.inquiry_triage(actor=SYSTEM, inquiry=inquiry, kind=Kind.ASSISTANCE)
    cases.power_of_attorney_register(
        actor=SYSTEM,
        case=case,
        version=case.version,
        granted_by=name,
        scopes=["records", "complaints", "compensation", "meetings"],
        signed_on=TODAY - timedelta(days=10),
        content=PDF,
        filename="fullmakt.pdf",
        content_type="application/pdf",
    )
    return case


def send(kind: str, case: Case, language: str, *, provider: str = PROVIDER, address: str = "") -> Document:
    """Send the letter of ``kind`` through its step's service, as the page does once the user confirms."""
    if kind == "power_of_attorney_form":
        return letter_services.power_of_attorney_form_send(
            actor=SYSTEM,
            case=case,
            version=case.version,
            scopes=["records", "compensation"],
            address=address or "Storgata 1\n2815 Gjøvik",
            language=language,
        )
    if kind == "record_request":
        cases.records_request(
            actor=SYSTEM,
            case=case,
            version=case.version,
            provider=provider,
            sent_on=TODAY,
            provider_address=address or "Postboks 104\n2381 Brumunddal",
            language=language,
        )
        return case.documents.get(kind=Document.Kind.RECORD_REQUEST)
    if kind == "record_request_reminder":
        # A request sent some other way 40 days ago, unanswered: its answer was due ten days or so ago.
        request = cases.records_request(
            actor=SYSTEM,
            case=case,
            version=case.version,
            provider=provider,
            sent_on=TODAY - timedelta(days=40),
            write_letter=False,
        )
        return cases.records_remind(
            actor=SYSTEM,
            case=case,
            version=case.version,
            request=request,
            sent_on=TODAY,
            provider_address=address or "Postboks 104\n2381 Brumunddal",
            language=language,
        )
    if kind in ("complaint_site", "complaint_statsforvalteren"):
        recipient = "site" if kind == "complaint_site" else "statsforvalteren"
        complaint = cases.complaint_register(
            actor=SYSTEM,
            case=case,
            version=case.version,
            recipient=recipient,
            provider=provider,
            decision_on=TODAY - timedelta(days=7),
        )
        cases.complaint_send(
            actor=SYSTEM,
            case=case,
            version=case.version,
            complaint=complaint,
            sent_on=TODAY,
            recipient_address=address or "Postboks 987\n2626 Lillehammer",
            language=language,
        )
        return case.documents.get(kind=Document.Kind.COMPLAINT)
    cases.claim_prepare(
        actor=SYSTEM,
        case=case,
        version=case.version,
        knew_on=date(2024, 2, 29),
        act_on=date(2023, 11, 3),
        claimed_loss=Decimal("85000"),
    )
    cases.claim_send(actor=SYSTEM, case=case, version=case.version, sent_on=TODAY, language=language)
    return case.documents.get(kind=Document.Kind.NPE_CLAIM)


# What each letter must say: its recipient's lines, and its own words (one per language).
EXPECTED: dict[str, dict[str, list[str]]] = {
    "power_of_attorney_form": {
        "recipient": [NAME, "Storgata 1", "2815 Gjøvik"],
        "nb": [
            "Fullmakt til Pasientforeningen – til underskrift",
            "Jeg, Kari Nordmann, gir Pasientforeningen fullmakt",
            "– innsyn i og kopi av journalen min hos helsetjenesten",
            "– å kreve erstatning på mine vegne hos Norsk pasientskadeerstatning",
            "Underskrift:",
        ],
        "nn": [
            "Fullmakt til Pasientforeningen – til underskrift",
            "Eg, Kari Nordmann, gir Pasientforeningen fullmakt",
            "– innsyn i og kopi av journalen min hos helsetenesta",
            "– å krevje erstatning på vegner av meg hos Norsk pasientskadeerstatning",
            "Underskrift:",
        ],
        "absent": ["å møte helsetjenesten", "å møte helsetenesta", "Kopi:"],
    },
    "record_request": {
        "recipient": [PROVIDER, "Postboks 104", "2381 Brumunddal"],
        "nb": [
            "Anmodning om innsyn i og kopi av pasientjournal – Kari Nordmann",
            f"helsehjelpen hos {PROVIDER}",
            "pasient- og brukerrettighetsloven § 5-1",
            "Kopi: Kari Nordmann",
        ],
        "nn": [
            "Oppmoding om innsyn i og kopi av pasientjournal – Kari Nordmann",
            f"helsehjelpa hos {PROVIDER}",
            "pasient- og brukarrettslova § 5-1",
            "Kopi: Kari Nordmann",
        ],
    },
    "record_request_reminder": {
        "recipient": [PROVIDER, "Postboks 104", "2381 Brumunddal"],
        "nb": [
            "Purring: anmodning om innsyn i og kopi av pasientjournal – Kari Nordmann",
            f"Vi viser til vår anmodning {(TODAY - timedelta(days=40)):%d.%m.%Y}",
            f"pasientjournalen hos {PROVIDER}",
            "Svarfristen var",
            "kan dere se bort fra denne purringen",
            "Kopi: Kari Nordmann",
        ],
        "nn": [
            "Purring: oppmoding om innsyn i og kopi av pasientjournal – Kari Nordmann",
            f"Vi viser til oppmodinga vår {(TODAY - timedelta(days=40)):%d.%m.%Y}",
            f"pasientjournalen hos {PROVIDER}",
            "Svarfristen var",
            "kan de sjå bort frå denne purringa",
            "Kopi: Kari Nordmann",
        ],
    },
    "complaint_site": {
        "recipient": [PROVIDER, "Postboks 987"],
        "nb": ["Klage på vegne av Kari Nordmann", "vedlagte klage til behandlingsstedet", "Hva klagen gjelder"],
        "nn": ["Klage på vegner av Kari Nordmann", "vedlagd klage til behandlingsstaden", "Kva klaga gjeld"],
    },
    "complaint_statsforvalteren": {
        "recipient": ["Postboks 987", "2626 Lillehammer"],
        "nb": ["Statsforvalteren", "vedlagte klage til Statsforvalteren"],
        "nn": ["Statsforvaltaren", "vedlagd klage til Statsforvaltaren"],
    },
    "npe_claim": {
        "recipient": ["Norsk pasientskadeerstatning", "Postboks 3 Skøyen", "0212 Oslo"],
        "nb": [
            "Krav om pasientskadeerstatning – Kari Nordmann",
            "Skaden skyldes helsehjelp gitt 03.11.2023. Pasienten ble kjent med skaden 29.02.2024.",
            "Anslått økonomisk tap: 85 000 kroner.",
            "(28.02.2027)",  # three years from a leap day: the shorter month's last day
            "(03.11.2043)",
        ],
        "nn": [
            "Krav om pasientskadeerstatning – Kari Nordmann",
            "Skaden kjem av helsehjelp gitt 03.11.2023. Pasienten vart kjend med skaden 29.02.2024.",
            "Rekna økonomisk tap: 85 000 kroner.",
            "(28.02.2027)",
            "(03.11.2043)",
        ],
    },
}


@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_every_letter_reads_as_a_letter_to_its_recipient_in_its_language(kind: str, language: str):
    case = assistance_case()
    document = send(kind, case, language)
    content = document.file.read()
    assert content.startswith(b"%PDF")
    text = pdf.text(content)
    flat = pdf.words(text)
    expected = EXPECTED[kind]
    # The person, the case number (in "Vår ref." and the footer) and the association sending it.
    assert NAME in flat and flat.count(case.number) >= 2 and "Pasientforeningen" in flat
    for line in expected["recipient"]:
        assert line in text, (kind, language, line)
    # The recipient's address block comes before the letter's subject.
    assert text.index(expected["recipient"][-1]) < text.index("Vår ref.")
    for words in [*expected[language], *FRAME[language]]:
        assert words in flat, (kind, language, words)
    for words in [*expected.get("absent", []), *NOT_FRAME[language]]:
        assert words not in flat, (kind, language, words)
    assert "{{" not in flat and "}}" not in flat and "{%" not in flat
    assert TODAY.strftime("%d.%m.%Y") in flat
    assert pdf.attachments(content) == []
    # Sent and sealed: in the case file as an outgoing letter that can no longer be changed.
    assert document.direction == Document.Direction.OUTGOING and document.sent_at is not None
    document.title = "Endret"
    with pytest.raises(DocumentSealed):
        document.save()


def test_the_persons_chosen_language_is_kept_for_the_next_letter():
    case = assistance_case()
    send("power_of_attorney_form", case, "nn")
    case.refresh_from_db()
    assert case.letter_language == "nn"
    cases.records_request(actor=SYSTEM, case=case, version=case.version, provider=PROVIDER, sent_on=TODAY)
    content = case.documents.get(kind=Document.Kind.RECORD_REQUEST).file.read()
    text = pdf.words(pdf.text(content))
    assert "Oppmoding om innsyn" in text and "Med venleg helsing" in text


def test_a_record_request_sent_some_other_way_is_registered_without_a_letter():
    case = assistance_case()
    cases.records_request(
        actor=SYSTEM, case=case, version=case.version, provider=PROVIDER, sent_on=TODAY, write_letter=False
    )
    document = case.documents.get(kind=Document.Kind.RECORD_REQUEST)
    assert not document.file and document.sent_at is None
    assert case.record_requests.get().due_on > TODAY


# ---------------------------------------------------------------- attacks through the text fields


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def internal_server() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 standing for an internal service; the list records every request it gets."""
    handler = type("Recorder", (_Recorder,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_markup_and_urls_in_every_text_field_are_text_in_the_letter_and_nothing_is_fetched(kind, internal_server):
    base, requests = internal_server
    name = f'Ola <script>alert("x")</script> <img src="{base}/name"> Nordmann'
    provider = f'<link rel="attachment" href="file:///etc/passwd"> Sykehus & <b>fet</b> <img src="{base}/p">'
    address = f'<a rel="attachment" href="file:///etc/passwd">Gate 1</a>\n<style>@import url({base}/css);</style>'
    case = assistance_case(name=name, provider=provider)
    content = send(kind, case, "nb", provider=provider, address=address).file.read()
    assert pdf.attachments(content) == []
    assert requests == []
    flat = pdf.words(pdf.text(content))
    assert name in flat  # shown as the text it is, whole
    assert "root:x:0:0" not in flat  # /etc/passwd was not read into the letter
    if kind != "npe_claim":  # NPE's address is fixed
        assert '<a rel="attachment" href="file:///etc/passwd">Gate 1</a>' in flat
        assert f"<style>@import url({base}/css);</style>" in flat
    if kind in ("record_request", "record_request_reminder", "complaint_site", "complaint_statsforvalteren"):
        # (a long line may wrap after "http://": compared without the spaces)
        assert squash(provider) in squash(flat)
    assert "&amp;" not in flat and "&lt;" not in flat and "&quot;" not in flat


def test_a_complaint_to_statsforvalteren_goes_to_statsforvalteren_not_the_site():
    case = assistance_case()
    document = send("complaint_statsforvalteren", case, "nb")
    text = pdf.text(document.file.read())
    recipient_block = text[: text.index("Vår ref.")]
    assert "Statsforvalteren" in recipient_block and PROVIDER not in recipient_block
    assert document.correspondent == "Statsforvalteren"
    assert Complaint.objects.get(case=case).sent_on == TODAY
