"""Letters for any system: a template's text checked against the system's placeholders and filled, and the
frame (sender, reference, date, signature, copies, pages) in bokmål and nynorsk, as the PDF's reader sees it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vegvis.records import letters
from vegvis.records.tests.dossier import DossierLetterTemplate
from vegvis.testing import pdf

PLACEHOLDERS = {"name": "Navn", "answer": "Svaret"}


def test_headings_come_from_the_template_and_never_from_a_value():
    body = (
        "Kjære {{ patient_name }}\nVi viser til søknaden.\n\n"
        "Begrunnelse\n{{ grounds }}\n\nFaglig vurdering\n{{ assessment }}"
    )
    context = {
        "patient_name": "Ola",
        "grounds": "Vedtak\nTekst som ser ut som en overskrift.\n\nNytt avsnitt.",
        "assessment": " ",
    }
    assert letters.sections(body, context) == [
        letters.Section("", [["Kjære Ola", "Vi viser til søknaden."]]),
        letters.Section("Begrunnelse", [["Vedtak", "Tekst som ser ut som en overskrift."], ["Nytt avsnitt."]]),
    ]


def test_only_the_systems_own_placeholders_and_plain_text_are_accepted():
    letters.validate_template(
        "Hei {{ name }}\n\nSvar\n{{answer}}", subject="Svar til {{ name }}", placeholders=PLACEHOLDERS
    )
    with pytest.raises(ValidationError) as refused:
        letters.validate_template(
            "Hei {{ patient_name }} {% if x %}", subject="<b>Svar</b>\nto linjer", placeholders=PLACEHOLDERS
        )
    errors = refused.value.message_dict
    assert any("patient_name" in message for message in errors["body"])
    assert any("no HTML or template tags" in message for message in errors["body"])
    assert any("no HTML or template tags" in message for message in errors["subject"])
    assert "The subject is one line." in errors["subject"]


def test_an_unknown_placeholder_fills_as_nothing_and_a_value_is_never_read_as_a_placeholder():
    assert letters.fill("{{ name }}: {{ other }}.", {"name": "{{ answer }}", "answer": "x"}) == "{{ answer }}: ."


@pytest.mark.usefixtures("dossier_tables")
def test_a_kind_without_a_template_in_nynorsk_falls_back_to_bokmaal():
    DossierLetterTemplate.objects.create(kind="answer", language="nb", subject="Svar", body="Tekst")
    assert letters.template_for(DossierLetterTemplate, "answer", "nn").language == "nb"
    DossierLetterTemplate.objects.create(kind="answer", language="nn", subject="Svar", body="Tekst")
    assert letters.template_for(DossierLetterTemplate, "answer", "nn").language == "nn"


def test_a_language_a_letter_cannot_be_written_in_becomes_bokmaal():
    assert [letters.language_or_default(code) for code in ("nb", "nn", "en", None, "")] == [
        "nb",
        "nn",
        "nb",
        "nb",
        "nb",
    ]


def frame(language: str, **values) -> dict:
    template = DossierLetterTemplate(
        kind="answer", language=language, subject="Svar til {{ name }}", body="Kjære {{ name }}\n\nSvar\n{{ answer }}"
    )
    fields = {
        "language": language,
        "template": template,
        "context": {"name": "Kari <Nordmann>", "answer": "Ja & nei."},
        "case_number": "2026/0042",
        "office_name": "Kontoret",
        "office_address": "Postboks 1\n0001 Oslo",
        "recipient_lines": ["Kari <Nordmann>", "Gata 1"],
        "handler": "Siri Sørli",
        "copies": [letters.Copy("Ola Verge", "Vegen 2", "fullmektig")],
        **values,
    }
    return letters.frame(**fields)


@pytest.mark.parametrize(
    "language,words,not_words",
    [
        ("nb", ["Saksbehandler", "Unntatt offentlighet", "Med vennlig hilsen", "håndskrevet"], ["Sakshandsamar"]),
        ("nn", ["Sakshandsamar", "Unnateke offentlegheit", "Med venleg helsing", "handskriven"], ["Saksbehandler"]),
    ],
)
def test_the_frame_is_in_the_letters_language_with_its_page_numbers(language, words, not_words):
    letter = frame(language)
    text = pdf.words(pdf.text(letters.render_pdf(letter)))
    for word in ["Vår ref.", "2026/0042", "Dato", "Kontoret", "Postboks 1", "Svar til Kari <Nordmann>", *words]:
        assert pdf.words(word) in text, word
    for word in not_words:
        assert word not in text
    assert "Side 1 av 1" in text
    assert "Kopi: Ola Verge, Vegen 2 (fullmektig)" in text
    assert "Saksnr. 2026/0042" in text  # the footer


def test_every_value_is_escaped_once_and_the_handler_or_else_the_office_signs():
    html = letters.render_html(frame("nb"))
    assert "Kari &lt;Nordmann&gt;" in html and "Ja &amp; nei." in html and "<Nordmann>" not in html
    assert '<html lang="nb">' in html
    unsigned = letters.render_html(frame("nb", handler="", copies=[]))
    assert "Kopi:" not in unsigned
    assert "Med vennlig hilsen<br><br>Kontoret" in unsigned
