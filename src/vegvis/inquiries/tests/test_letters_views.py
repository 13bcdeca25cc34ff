"""The desk's letters on the pages: a step shows its letter before it is sent and saves nothing until confirmed;
the sealed PDF is the letter that was shown and is downloaded only by those who may read the case; an association's
lead edits its own letter texts, which reach only its own letters."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.inquiries.models import Case, Document, LetterTemplate, RecordRequest
from vegvis.inquiries.services import cases
from vegvis.inquiries.tests.support import ASSOCIATION, OTHER_ASSOCIATION, association, make_case
from vegvis.testing import pdf
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(role: str, organisation: str | None = ASSOCIATION, **kwargs) -> Client:
    if organisation is None:
        return log_in_verified(Client(), UserFactory(role=role, **kwargs))
    return log_in_verified(Client(), UserFactory(role=role, role__organisation=organisation, **kwargs))


def d(day) -> str:
    return day.strftime("%d.%m.%Y")


def post_step(client: Client, case: Case, event: str, data: dict):
    case.refresh_from_db()
    return client.post(reverse("inquiries:case_action", args=[case.pk, event]), {"version": case.version, **data})


def preview_text(page: str) -> str:
    article = re.search(r'<article class="vv-letter" id="letter-preview".*?</article>', page, re.S)
    assert article, "no letter on the page"
    return pdf.words(unescape(re.sub(r"<[^>]+>", " ", article.group(0))))


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_record_request_is_shown_first_and_the_sealed_pdf_is_that_letter(language):
    case = make_case()
    worker = client_for("association_case_worker", first_name="Siri", last_name="Saksbehandler")
    data = {
        "provider": "Helse Bergen HF",
        "provider_address": "Postboks 1400\n5021 Bergen",
        "sent_on": d(TODAY),
        "language": language,
    }
    page = post_step(worker, case, "request_records", data)
    assert page.status_code == 200
    shown = preview_text(page.content.decode())
    assert not RecordRequest.objects.filter(case=case).exists()  # nothing saved before the confirmation
    assert not case.documents.filter(kind=Document.Kind.RECORD_REQUEST).exists()
    subject = "Anmodning om innsyn" if language == "nb" else "Oppmoding om innsyn"
    assert subject in shown and case.display_name in shown and "Siri Saksbehandler" in shown

    # "Change" goes back to the form with what was typed; "confirm" sends it.
    back = post_step(worker, case, "request_records", {**data, "edit": "1"})
    assert (
        back.status_code == 200
        and "Helse Bergen HF" in back.content.decode()
        and "letter-preview" not in (back.content.decode())
    )
    assert post_step(worker, case, "request_records", {**data, "confirm": "1"}).status_code == 302
    document = case.documents.get(kind=Document.Kind.RECORD_REQUEST)
    assert document.sent_at is not None and document.correspondent == "Helse Bergen HF"
    response = worker.get(reverse("inquiries:document_file", args=[case.pk, document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    sent = pdf.words(pdf.text(b"".join(response.streaming_content)))
    for paragraph in re.split(r"(?<=\.) ", shown)[2:6]:  # sentences of the letter's body, as shown
        assert paragraph in sent, paragraph
    case.refresh_from_db()
    assert case.letter_language == language
    # The case file lists the sealed letter as a link to its PDF.
    assert (
        reverse("inquiries:document_file", args=[case.pk, document.pk])
        in worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    )


def test_the_power_of_attorney_form_step_offers_the_form_and_refuses_an_empty_scope():
    case = make_case(power_of_attorney=False)
    worker = client_for("association_case_worker")
    page = worker.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert reverse("inquiries:case_action", args=[case.pk, "send_power_of_attorney_form"]) in page
    refused = post_step(worker, case, "send_power_of_attorney_form", {"address": "Gate 1"})
    assert refused.status_code == 200 and "Velg hva fullmakten dekker" in refused.content.decode()
    data = {"scope_records": "on", "address": "Storgata 1\n0155 Oslo", "language": "nn"}
    shown = preview_text(post_step(worker, case, "send_power_of_attorney_form", data).content.decode())
    assert "Fullmakta gjeld" in shown and "Storgata 1" in shown
    assert post_step(worker, case, "send_power_of_attorney_form", {**data, "confirm": "1"}).status_code == 302
    document = case.documents.get(kind=Document.Kind.POWER_OF_ATTORNEY_FORM)
    text = pdf.words(pdf.text(document.file.read()))
    assert "innsyn i og kopi av journalen min hos helsetenesta" in text and "erstatning" not in text


def test_a_sent_letter_is_downloaded_only_by_those_who_may_read_the_case():
    adviser = UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION)
    assigned = make_case(medical_adviser=adviser)
    unassigned = make_case()
    urls = {}
    for case in (assigned, unassigned):
        cases.records_request(actor=SYSTEM, case=case, version=case.version, provider="Helse Bergen", sent_on=TODAY)
        letter = case.documents.get(kind=Document.Kind.RECORD_REQUEST)
        urls[case.pk] = reverse("inquiries:document_file", args=[case.pk, letter.pk])
    adviser_client = log_in_verified(Client(), adviser)
    assert client_for("association_lead").get(urls[unassigned.pk]).status_code == 200
    assert adviser_client.get(urls[assigned.pk]).status_code == 200
    assert adviser_client.get(urls[unassigned.pk]).status_code == 404
    assert client_for("association_case_worker", OTHER_ASSOCIATION).get(urls[assigned.pk]).status_code == 404
    assert client_for("case_handler", None).get(urls[assigned.pk]).status_code == 403
    # Nor through another case's address.
    wrong = reverse("inquiries:document_file", args=[unassigned.pk, assigned.documents.last().pk])
    assert client_for("association_lead").get(wrong).status_code == 404


def test_a_preview_is_not_shown_to_another_association_or_the_medical_adviser():
    adviser = UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION)
    case = make_case(medical_adviser=adviser)
    adviser_client = log_in_verified(Client(), adviser)
    data = {"provider": "Helse Bergen", "sent_on": d(TODAY)}
    assert post_step(adviser_client, case, "request_records", data).status_code == 403
    other = client_for("association_case_worker", OTHER_ASSOCIATION)
    assert post_step(other, case, "request_records", data).status_code == 404


# ---------------------------------------------------------------- the letter templates


def test_the_lead_edits_the_associations_own_text_which_reaches_only_its_letters():
    lead = client_for("association_lead")
    own = association()
    other_case = make_case(association_name=OTHER_ASSOCIATION)
    listing = lead.get(reverse("inquiries:letter_templates")).content.decode()
    assert listing.count("Standard") == 10 and OTHER_ASSOCIATION not in listing  # five letters, two languages
    url = reverse("inquiries:letter_template_edit", args=[own.pk, "record_request", "nb"])
    default = LetterTemplate.objects.get(organisation=None, kind="record_request", language="nb")
    body = default.body.replace("Ta kontakt med oss om noe er uklart.", "Ring oss på 22 00 00 00 om noe er uklart.")
    assert lead.post(url, {"subject": default.subject, "body": body}).status_code == 302
    assert LetterTemplate.objects.get(organisation=own, kind="record_request", language="nb").body == body
    assert LetterTemplate.objects.get(organisation=None, kind="record_request", language="nb").body == default.body

    case = make_case()
    for c in (case, other_case):
        cases.records_request(actor=SYSTEM, case=c, version=c.version, provider="Helse Bergen", sent_on=TODAY)
    own_letter = pdf.words(pdf.text(case.documents.get(kind="record_request").file.read()))
    other_letter = pdf.words(pdf.text(other_case.documents.get(kind="record_request").file.read()))
    assert "Ring oss på 22 00 00 00" in own_letter
    assert "Ring oss" not in other_letter and "Ta kontakt med oss om noe er uklart." in other_letter


def test_markup_and_unknown_placeholders_in_a_template_are_refused_next_to_the_field():
    lead = client_for("association_lead")
    url = reverse("inquiries:letter_template_edit", args=[association().pk, "npe_claim_cover", "nn"])
    page = lead.post(
        url,
        {
            "subject": '<img src="http://127.0.0.1/">Krav',
            "body": '<a rel="attachment" href="file:///etc/passwd">x</a> {{ national_id }}',
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and 'id="id_subject_error"' in text and 'id="id_body_error"' in text
    assert "national_id" in text
    assert not LetterTemplate.objects.filter(organisation__isnull=False).exists()


def test_only_the_lead_of_the_association_edits_its_templates():
    own = association()
    other = association(OTHER_ASSOCIATION)
    url = reverse("inquiries:letter_template_edit", args=[own.pk, "record_request", "nb"])
    assert client_for("association_case_worker").get(url).status_code == 403
    assert client_for("association_lead", OTHER_ASSOCIATION).get(url).status_code == 404
    assert client_for("office_lead", None).get(url).status_code == 403
    lead = client_for("association_lead")
    assert lead.get(url).status_code == 200
    other_url = reverse("inquiries:letter_template_edit", args=[other.pk, "record_request", "nb"])
    assert lead.post(other_url, {"subject": "x", "body": "y"}).status_code == 404
    assert lead.get(reverse("inquiries:letter_template_edit", args=[own.pk, "nonsense", "nb"])).status_code == 404
    assert not LetterTemplate.objects.filter(organisation__isnull=False).exists()
