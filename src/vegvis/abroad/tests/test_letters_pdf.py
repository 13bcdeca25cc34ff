"""The letters as their readers get them: the PDF's text, read with pdftotext, for every kind in bokmål and
nynorsk; the preview on the decision page against the PDF that is then sent; and the attacks through letter
templates and case fields (server files attached to a letter, internal URLs fetched by the server)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad import letters
from vegvis.abroad.models import Case, Document, LetterTemplate, Outcome, Route, Status
from vegvis.abroad.services import appeals, cases, decisions, registers
from vegvis.abroad.tests.support import OPERATOR, advance, hospital, make_case
from vegvis.core.pdf import write_pdf
from vegvis.testing import pdf
from vegvis.testing.factories import PersonFactory, region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
GROUNDS = (
    "Tilbudet i Norge & ventetiden (under 3 måneder) er vurdert.\n\nAndre avsnitt av begrunnelsen,\nmed linjeskift."
)
MARKUP = ("<", "&lt;", "&gt;", "&amp;", "<p>", "<br>", "&#", "&quot;")

# The frame of the letter, per language, and what the other language would say instead.
FRAME = {
    "nb": ["Vår ref.", "Dato", "Saksbehandler", "Unntatt offentlighet", "Med vennlig hilsen", "håndskrevet signatur"],
    "nn": [
        "Vår ref.",
        "Dato",
        "Sakshandsamar",
        "Unnateke offentlegheit",
        "Med venleg helsing",
        "handskriven underskrift",
    ],
}
NOT_FRAME = {
    "nb": ["Sakshandsamar", "Unnateke", "venleg", "handskriven"],
    "nn": ["Saksbehandler", "Unntatt", "vennlig", "håndskrevet"],
}
# The headings each default template has (migration 0003), in order.
HEADINGS = {
    ("granted", "nb"): [
        "Vedtak", "Hjemmel", "Begrunnelse", "Faglig vurdering", "Nye metoder", "Hva som dekkes", "Klageadgang",
        "Rett til innsyn",
    ],
    ("granted", "nn"): [
        "Vedtak", "Heimel", "Grunngiving", "Fagleg vurdering", "Nye metodar", "Kva som blir dekt", "Klagerett",
        "Rett til innsyn",
    ],
    ("rejected", "nb"): ["Vedtak", "Hjemmel", "Begrunnelse", "Faglig vurdering", "Nye metoder", "Klageadgang"],
    ("rejected", "nn"): ["Vedtak", "Heimel", "Grunngiving", "Fagleg vurdering", "Nye metodar", "Klagerett"],
    ("provisional_reply", "nb"): [],
    ("provisional_reply", "nn"): [],
    ("appeal_reversed", "nb"): ["Begrunnelse", "Rett til innsyn"],
    ("appeal_reversed", "nn"): ["Grunngiving", "Rett til innsyn"],
    ("appeal_forwarded", "nb"): ["Rett til innsyn"],
    ("appeal_forwarded", "nn"): ["Rett til innsyn"],
}  # fmt: skip
HEADINGS["partly_granted", "nb"] = [*HEADINGS["granted", "nb"][:-2], "Klageadgang", "Rett til innsyn"]
HEADINGS["partly_granted", "nn"] = [*HEADINGS["granted", "nn"][:-2], "Klagerett", "Rett til innsyn"]
# One sentence of each letter's own text that must come out as a paragraph of its own.
SENTENCE = {
    ("granted", "nb"): "Søknaden om MEG-undersøkelse ved Karolinska Universitetssjukhuset, Stockholm er innvilget.",
    ("granted", "nn"): "Søknaden om MEG-undersøkelse ved Karolinska Universitetssjukhuset, Stockholm er innvilga.",
    ("partly_granted", "nb"): "er delvis innvilget, som beskrevet nedenfor.",
    ("partly_granted", "nn"): "er delvis innvilga, slik det står nedanfor.",
    ("rejected", "nb"): "Søknaden om MEG-undersøkelse er avslått.",
    ("rejected", "nn"): "Søknaden om MEG-undersøkelse er avslått.",
    ("provisional_reply", "nb"): "Vi kan ikke fatte vedtak innen én måned. Vi venter på svar fra fagmiljøet.",
    ("provisional_reply", "nn"): "Vi kan ikkje gjere vedtak innan éin månad. Vi venter på svar fra fagmiljøet.",
    ("appeal_reversed", "nb"): "Vårt tidligere vedtak er omgjort, og søknaden om MEG-undersøkelse er innvilget.",
    ("appeal_reversed", "nn"): "Det tidlegare vedtaket vårt er gjort om, og søknaden om MEG-undersøkelse er innvilga.",
    ("appeal_forwarded", "nb"): "Klagen er derfor sendt til Klagenemnda for behandling i utlandet, som avgjør saken",
    (
        "appeal_forwarded",
        "nn",
    ): "Klaga er difor send til Klagenemnda for behandling i utlandet, som avgjer saka endeleg.",
}


def letter_text(content: bytes, case: Case) -> str:
    """The PDF's text without the page footers (office · Saksnr. …, Side x av y)."""
    lines = pdf.text(content).replace("\f", "\n").splitlines()
    footer = re.compile(rf"^({re.escape(case.office.name)} · Saksnr\. {re.escape(case.number)}|Side \d+ av \d+)$")
    return "\n".join(line for line in lines if not footer.match(line.strip()))


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def decided(outcome: str, language: str, state: str = "assessment_received") -> Case:
    case = make_case(state)
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(
            outcome=outcome,
            decided_on=TODAY,
            grounds=GROUNDS,
            language=language,
            coverage={"treatment": True, "travel": True} if outcome != Outcome.REJECTED else {},
        ),
    )
    return case


def case_for(kind: str, language: str) -> tuple[Case, dict[str, Any]]:
    """A case in the state the letter is sent in, made through the services."""
    if kind in {"granted", "partly_granted", "rejected"}:
        return decided(kind, language), {}
    if kind == "provisional_reply":
        return make_case("assessment_requested"), {
            "expected_by": TODAY + timedelta(days=30),
            "reason": "Vi venter på svar fra fagmiljøet.",
        }
    if kind == "appeal_reversed":
        case = make_case("appealed")
        appeals.case_reverse_on_appeal(
            actor=OPERATOR, case=case, version=case.version, decided_on=TODAY, grounds=GROUNDS
        )
        return case, {"grounds": GROUNDS}  # as the service passes them: the reversal's own grounds
    case = make_case("at_appeals_body")
    return case, {"appeals_body": case.appeals.get().get_appeals_body_display()}


@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize("kind", LetterTemplate.Kind.values)
def test_every_letter_reads_as_a_letter_in_its_own_language(kind: str, language: str):
    case, extra = case_for(kind, language)
    content = letters.render_pdf(kind, case, language=language, extra=extra)
    text = letter_text(content, case)
    lines = lines_of(text)
    flat = pdf.words(text)
    template = LetterTemplate.objects.get(kind=kind, language=language)
    subject = letters.letter(kind, case, language=language, extra=extra)["subject"]
    assert subject in lines and "{{" not in subject  # the subject is a heading line of its own, filled in
    assert pdf.info(content)["Title"] == subject
    assert set(pdf.fonts(content)) <= {"Inter", "Inter-Semi-Bold", "Inter-Italic"}  # the letter's own font only
    for markup in MARKUP:
        assert markup not in text, markup
    # The headings of the template, each a line of its own and in order, with no heading left empty.
    headings = HEADINGS[(kind, language)]
    positions = [lines.index(heading) for heading in headings]
    assert positions == sorted(positions), headings
    for position in positions:
        assert lines[position + 1] not in headings + FRAME[language], f"empty heading {lines[position]}"
    assert SENTENCE[(kind, language)] in flat
    if kind in {"granted", "partly_granted", "rejected", "appeal_reversed"}:
        # The grounds as the handler wrote them: two paragraphs, the second with its line break kept.
        assert "Tilbudet i Norge & ventetiden (under 3 måneder) er vurdert." in lines
        assert "Andre avsnitt av begrunnelsen," in lines and "med linjeskift." in lines
    for frame_text in FRAME[language]:
        assert frame_text in flat, frame_text
    for other in NOT_FRAME[language]:
        assert other not in flat, other
    assert "{{" not in flat and "}}" not in flat
    assert template.subject.split("{{")[0].strip() in flat


def test_the_sealed_decision_letter_is_the_letter_in_nynorsk():
    """The PDF the decision service stores and sends, not only a fresh rendering."""
    case = decided(Outcome.GRANTED, "nn")
    stored = case.documents.get(kind=Document.Kind.DECISION)
    text = letter_text(stored.file.read(), case)
    lines = lines_of(text)
    assert "Vedtak: Søknad om behandling i utlandet er innvilga" in lines
    assert "Grunngiving" in lines and "Tilbudet i Norge & ventetiden (under 3 måneder) er vurdert." in lines
    assert "Sakshandsamar" in text and "Med venleg helsing" in lines
    assert "– Behandling ved sjukehuset i utlandet" in lines
    assert not any(markup in text for markup in MARKUP)
    assert stored.correspondent == case.patient.name


@pytest.mark.parametrize(
    ("language", "heading", "grounds_heading"),
    [("nb", "Faglig vurdering", "Begrunnelse"), ("nn", "Fagleg vurdering", "Grunngiving")],
)
def test_a_section_with_nothing_to_say_leaves_no_empty_heading(language: str, heading: str, grounds_heading: str):
    case = make_case("info_received")  # rejected without a medical assessment
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(outcome=Outcome.REJECTED, decided_on=TODAY, grounds=GROUNDS, language=language),
    )
    lines = lines_of(letter_text(case.documents.get(kind=Document.Kind.DECISION).file.read(), case))
    assert heading not in lines
    assert grounds_heading in lines and "Tilbudet i Norge & ventetiden (under 3 måneder) er vurdert." in lines


def test_the_letter_pdf_is_tagged_with_its_language_and_title():
    case = decided(Outcome.REJECTED, "nn")
    content = case.documents.get(kind=Document.Kind.DECISION).file.read()
    info = pdf.info(content)
    assert info["Tagged"] == "yes" and info["Title"] == "Vedtak: Søknad om behandling i utlandet er avslått"
    assert 'pdfuaid:part="1"' in pdf.metadata(content)  # PDF/UA-1
    assert b"/Lang (nn)" in pdf.objects(content)
    assert b"/StructTreeRoot" in pdf.objects(content)


# ---------------------------------------------------------------- the preview on the decision page


class _Preview(HTMLParser):
    """The text of the element marked data-letter-preview, a space at each element boundary."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.parts.append(" ")
            if tag not in {"br"}:
                self.depth += 1
        elif "data-letter-preview" in dict(attrs):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.parts.append(" ")
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def preview_text(page: str) -> str:
    parser = _Preview()
    parser.feed(page)
    return pdf.words("".join(parser.parts))


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_preview_on_the_decision_page_is_the_letter_that_is_then_sent(client, login, case_handler, language):
    case = make_case("assessment_received")
    cases.case_update(actor=OPERATOR, case=case, version=case.version, handler=case_handler)
    login(case_handler)
    url = reverse("abroad:case_action", args=[case.pk, "grant"])
    form = {
        "version": case.version,
        "outcome": "granted",
        "decided_on": TODAY.isoformat(),
        "legal_basis": "pasient- og brukerrettighetsloven § 2-4 a",
        "grounds": GROUNDS,
        "language": language,
        "cover_treatment": "on",
        "cover_travel": "on",
    }
    response = client.post(url, form)  # a letter step shows its letter first
    assert response.status_code == 200
    shown = preview_text(response.content.decode())
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED and not case.documents.filter(kind=Document.Kind.DECISION)
    assert "Tilbudet i Norge & ventetiden" in shown  # escaped once on the page, read back as the text

    response = client.post(url, {**form, "confirm": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    sent = letter_text(case.documents.get(kind=Document.Kind.DECISION).file.read(), case)
    assert shown == pdf.words(sent)


def test_the_preview_takes_the_decisions_checks_and_saves_nothing(client, login, case_handler):
    case = make_case("assessment_received")
    login(case_handler)
    response = client.post(
        reverse("abroad:case_action", args=[case.pk, "grant"]),
        {"version": case.version, "outcome": "granted", "decided_on": TODAY.isoformat(), "legal_basis": "x",
         "grounds": "  ", "language": "nb"},
    )  # fmt: skip
    assert response.status_code == 200 and "data-letter-preview" not in response.content.decode()
    assert 'id="id_grounds_error"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED


# ---------------------------------------------------------------- attacks through templates and case fields


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


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


def attacks(base: str) -> list[str]:
    return [
        '<a rel="attachment" href="file:///proc/self/environ">miljø</a>',
        f'<img src="{base}/img">',
        f'<link rel="stylesheet" href="{base}/css">',
        f"<style>@import url({base}/import);</style>",
    ]


def test_the_pdf_writer_fetches_no_server_file_and_no_url_even_from_raw_html(internal_server):
    """The last line of defence: even HTML that reached WeasyPrint unescaped loads nothing but Vegvis' fonts."""
    base, requests = internal_server
    html = (
        "<html lang='nb'><head><title>t</title>"
        f"<link rel='attachment' href='file:///etc/passwd'><link rel='stylesheet' href='{base}/head.css'>"
        f"<style>@font-face {{ font-family: X; src: url({base}/font.woff2); }} body {{ font-family: X; "
        f"background: url('{base}/bg.png'); }}</style></head><body><p>Tekst</p>"
        + "".join(attacks(base))
        + "<img src='file:///etc/hostname'><a rel='attachment' href='../../../../etc/passwd'>rel</a></body></html>"
    )
    content = write_pdf(html)
    assert pdf.attachments(content) == []
    assert requests == []
    assert "Tekst" in pdf.text(content)


def test_a_template_with_markup_in_subject_and_body_is_refused_next_to_each_field():
    template = LetterTemplate.objects.get(kind="rejected", language="nb")
    before = (template.subject, template.body)
    attack = '<a rel="attachment" href="file:///proc/self/environ">x</a>'
    for subject, body, fields in [
        (f"Vedtak {attack}", template.body, {"subject"}),
        ("Vedtak", f"{template.body}\n\n{attack}", {"body"}),
        ("Vedtak {{ patient_name|safe }}", "{{ grounds|safe }}", {"subject", "body"}),
        ("Vedtak {% load static %}", "{# kommentar #} {{ grounds }}", {"subject", "body"}),
        ("Vedtak {{ national_id }}", "Tekst", {"subject"}),
        ("To\nlinjer", "Tekst", {"subject"}),
    ]:
        with pytest.raises(ValidationError) as error:
            registers.letter_template_save(actor=OPERATOR, template=template, subject=subject, body=body)
        assert set(error.value.message_dict) == fields, (subject, body)
    template.refresh_from_db()
    assert (template.subject, template.body) == before


def test_the_template_editor_shows_the_refusal_next_to_the_subject_and_keeps_the_text(client, login, office_lead):
    template = LetterTemplate.objects.get(kind="rejected", language="nb")
    login(office_lead)
    subject = '<img src="http://127.0.0.1:9/">Vedtak'
    response = client.post(
        reverse("abroad:letter_template_edit", args=[template.pk]), {"subject": subject, "body": template.body}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_subject_error"' in page
    assert "&lt;img src=&quot;http://127.0.0.1:9/&quot;&gt;Vedtak" in page  # what was typed, kept and escaped
    template.refresh_from_db()
    assert not template.subject.startswith("<img")


def test_a_stored_template_with_attacks_in_subject_and_body_attaches_nothing_and_fetches_nothing(internal_server):
    """A template saved before the checks existed (or changed in the database) is still only text in the PDF."""
    base, requests = internal_server
    markup = " ".join(attacks(base))
    LetterTemplate.objects.filter(kind="rejected", language="nb").update(
        subject=f"Vedtak {markup}",
        body=f"Vi viser til søknaden.\n\nVedlegg\n{markup}\n\nBegrunnelse\n{{{{ grounds }}}}",
    )
    case = decided(Outcome.REJECTED, "nb")
    content = case.documents.get(kind=Document.Kind.DECISION).file.read()
    assert pdf.attachments(content) == []
    assert requests == []
    flat = pdf.words(letter_text(content, case))
    assert '<a rel="attachment" href="file:///proc/self/environ">miljø</a>' in flat  # shown as the text it is
    assert f'<img src="{base}/img">' in flat
    assert "PATH=" not in flat and "DJANGO_SETTINGS_MODULE" not in flat


def test_markup_in_the_patients_name_grounds_and_treatment_is_text_in_the_letter(internal_server):
    base, requests = internal_server
    name = f'Ola <img src="{base}/name"> Nordmann'
    treatment = '<a rel="attachment" href="file:///proc/self/environ">MEG</a>'
    grounds = f'<link rel="attachment" href="file:///etc/passwd"> & <b>fet</b>\n\n<img src="{base}/grounds">'
    person = PersonFactory(home_region=region("helse-sor-ost"), name=name)
    case = cases.case_create(
        actor=OPERATOR,
        data=cases.ApplicationData(
            patient=person,
            route=Route.TREATMENT_ABROAD,
            received_date=TODAY - timedelta(days=60),
            diagnosis_icd10="G40.2",
            requested_treatment=treatment,
            hospital=hospital(),
        ),
    )
    advance(case, "assessment_received")
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(outcome=Outcome.REJECTED, decided_on=TODAY, grounds=grounds),
    )
    content = case.documents.get(kind=Document.Kind.DECISION).file.read()
    assert pdf.attachments(content) == []
    assert requests == []
    flat = pdf.words(letter_text(content, case))
    assert name in flat and treatment in flat
    assert '<link rel="attachment" href="file:///etc/passwd"> & <b>fet</b>' in flat
    assert f'<img src="{base}/grounds">' in flat
    assert "&amp;" not in flat and "&lt;" not in flat


# ---------------------------------------------------------------- the demo's letters


def test_the_demos_letters_read_as_letters():
    from vegvis.abroad import demo as abroad_demo
    from vegvis.core import demo as core_demo
    from vegvis.core.demo import DemoContext

    context = DemoContext(principal=OPERATOR, seed=3, cases=12, with_users=False, out=None)
    core_demo.populate(context)
    abroad_demo.populate(context)
    sent = Document.objects.filter(sent_at__isnull=False, content_type="application/pdf").select_related("case__office")
    assert sent.filter(kind=Document.Kind.DECISION).exists()
    for document in sent:
        text = letter_text(document.file.read(), document.case)
        lines = lines_of(text)
        assert not any(markup in text for markup in MARKUP), document
        assert "{{" not in text
        assert lines[lines.index("Dato") + 2 :][0:1]  # the frame is there
        if document.kind == Document.Kind.DECISION:
            assert "Vedtak" in lines and "Rett til innsyn" in lines, document
