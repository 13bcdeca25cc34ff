"""The response as Word, read back with python-docx: the same structure as the PDF (title, references, deadlines,
introduction, the sections with the inputs bearing on each, the register of how each input was used), text as
text, an exempt input without its body, and the export audited. Only the secretariat downloads it (the access
matrix holds the other roles' refusals)."""

from __future__ import annotations

import io

import docx
import pytest

from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.consultations import services
from vegvis.consultations.models import Use
from vegvis.consultations.tests.support import BODY, OTHER_BODY, body, make_consultation, send_input, step
from vegvis.testing import pdf
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("æøå")</script> =HYPERLINK("http://evil")'


def _secretariat():
    return UserFactory(
        role="consultation_secretariat",
        role__organisation="Den norske legeforening",
        role__organisation_kind="association",
    )


def _response():
    """A response being written: an introduction, three sections (one citing both inputs), a used input and an
    exempt one naming a patient."""
    consultation = make_consultation("open")
    used = send_input(consultation, text="Onkologene støtter forslaget.")
    exempt = send_input(consultation, body(OTHER_BODY), text="Pasienten Kari Nordmann fikk …")
    services.input_use_record(actor=SYSTEM, input=used, use=Use.USED, explanation="Tatt inn i punkt 1 om søknader.")
    services.input_use_record(
        actor=SYSTEM,
        input=exempt,
        use=Use.NOT_USED,
        explanation="Gjelder én pasient, Kari Nordmann.",
        contains_personal_data=True,
    )
    step(consultation, "close_for_input")
    step(consultation, "start_response")
    consultation.refresh_from_db()
    services.response_introduction_save(
        actor=SYSTEM,
        consultation=consultation,
        version=consultation.version,
        text="Legeforeningen takker for høringen.\nVi har spurt våre fagmedisinske foreninger.",
    )
    services.section_save(
        actor=SYSTEM,
        consultation=consultation,
        heading="Søknader om utprøvende behandling",
        text="Vi støtter at søknadene behandles på én måte i alle regioner.",
        order=1,
        inputs=[used, exempt],
    )
    services.section_save(actor=SYSTEM, consultation=consultation, heading="Økonomi og ærlighet", text=MARKUP, order=2)
    services.section_save(
        actor=SYSTEM, consultation=consultation, heading="Å følge opp", text="Årlig rapport.", order=3
    )
    return consultation, used, exempt


def _paragraphs(document):
    return [(p.style.name, p.text) for p in document.paragraphs if p.text]


def test_the_response_docx_reads_back_with_the_pdfs_structure(login):
    consultation, used, exempt = _response()
    secretariat = _secretariat()
    response = login(secretariat).get(f"/horinger/sekretariat/{consultation.pk}/svar.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].endswith(f'horingssvar-{consultation.number.replace("/", "-")}.docx"')
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = _paragraphs(document)

    headings = [text for style, text in paragraphs if style.startswith("Heading") or style == "Title"]
    assert headings == [
        "Høringssvar: Nasjonal veileder for utprøvende behandling",
        "1. Søknader om utprøvende behandling",
        "2. Økonomi og ærlighet",
        "3. Å følge opp",
        "Hvordan innspillene ble brukt",
    ]
    assert document.core_properties.title == headings[0]
    texts = [text for _style, text in paragraphs]
    assert (
        f"Den norske legeforening · Til: Helsedirektoratet · Deres ref. 24/1234 · Vår ref. {consultation.number}"
        in texts
    )
    deadlines = (
        f"Avsenderens frist: {consultation.issuer_deadline:%d.%m.%Y} · "
        f"Intern frist for innspill: {consultation.internal_deadline:%d.%m.%Y}"
    )
    assert deadlines in texts
    assert "Legeforeningen takker for høringen.\nVi har spurt våre fagmedisinske foreninger." in texts
    assert "Vi støtter at søknadene behandles på én måte i alle regioner." in texts
    assert MARKUP in texts  # markup and a formula are characters, nothing else
    assert "Årlig rapport." in texts
    # The inputs bearing on the first section: the exempt one by its number only.
    assert f"Innspill som gjelder dette: {used.number} {BODY}; {exempt.number}" in texts

    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Registreringsnummer", "Journalført", "Ledd", "Bruk", "Hvordan det ble brukt"]
    assert rows[1] == [used.number, f"{used.registered_on:%d.%m.%Y}", BODY, "Brukt", "Tatt inn i punkt 1 om søknader."]
    assert rows[2] == [exempt.number, f"{exempt.registered_on:%d.%m.%Y}", "Unntatt fra publisering", "Ikke brukt", ""]
    everything = "\n".join(texts + [cell for row in rows for cell in row])
    assert OTHER_BODY not in everything and "Kari Nordmann" not in everything

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor_id=secretariat.pk).latest("seq")
    assert entry.detail["export"] == "response_docx"


def test_the_response_pdf_is_rendered_from_the_same_structure(login):
    consultation, used, exempt = _response()
    response = login(_secretariat()).get(f"/horinger/sekretariat/{consultation.pk}/svar.pdf")
    text = pdf.words(pdf.text(response.content))
    for expected in (
        "Høringssvar: Nasjonal veileder for utprøvende behandling",
        f"Intern frist for innspill: {consultation.internal_deadline:%d.%m.%Y}",
        "2. Økonomi og ærlighet",
        '<script>alert("æøå")</script>',
        f"Innspill som gjelder dette: {used.number} {BODY}; {exempt.number}",
        "Hvordan innspillene ble brukt",
        "Tatt inn i punkt 1 om søknader.",
        "Unntatt fra publisering",
    ):
        assert expected in text
    assert OTHER_BODY not in text and "Kari Nordmann" not in text


def test_the_consultation_page_offers_both_downloads(login):
    consultation = make_consultation("writing")
    page = login(_secretariat()).get(f"/horinger/sekretariat/{consultation.pk}/").content.decode()
    assert f'href="/horinger/sekretariat/{consultation.pk}/svar.pdf"' in page
    assert f'href="/horinger/sekretariat/{consultation.pk}/svar.docx"' in page
    assert "Svaret som Word (DOCX)" in page
