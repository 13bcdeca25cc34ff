"""The attack pass of 2026-12-03 (docs/modules/consultations.md): markup and addresses in every text field and file
name reach every page, the PDF and the XLSX as text; only http(s) links are kept, and shown with
rel="noopener noreferrer"; a file that lies about its type is refused; another organisation's secretariat and
another body's user get 404; the public page, its attachments and the API without login reveal nothing of an
exempt or unpublished input; the draft response is the secretariat's until it is published."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vegvis.access.principal import SYSTEM
from vegvis.consultations import exports, services
from vegvis.consultations.models import Document, Use
from vegvis.consultations.tests.support import (
    BODY,
    OTHER_BODY,
    OTHER_ORGANISATION,
    PDF,
    body,
    body_user,
    make_consultation,
    send_input,
    step,
)
from vegvis.core.errors import DomainError
from vegvis.testing import pdf
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=http://127.0.0.1:1/x>"
FILE_URL = "file:///etc/passwd"
LOCAL_URL = "http://127.0.0.1:8000/admin/"
HOSTILE = f"{SCRIPT} {IMAGE} {FILE_URL} {LOCAL_URL}"
FORMULA = '=HYPERLINK("http://127.0.0.1:1/x";"klikk")'


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def secretariat(organisation: str = "Den norske legeforening") -> object:
    return UserFactory(
        role="consultation_secretariat", role__organisation=organisation, role__organisation_kind="association"
    )


def hostile_round() -> tuple[object, object]:
    """A published round with markup and addresses in every field the secretariat and the bodies write, and in
    an attachment's file name."""
    consultation = make_consultation(
        "open",
        title=f"Veileder {HOSTILE}",
        issuer=f"Direktoratet {SCRIPT}",
        issuer_reference=IMAGE,
        description=HOSTILE,
        links=((f"Utkast {SCRIPT}", "https://www.helsedirektoratet.no/?q=<script>"),),
    )
    attachment = services.Attachment(content=PDF, filename=f"{IMAGE}.pdf", content_type="application/pdf")
    item = send_input(consultation, text=f"Innspill {HOSTILE}", attachments=[attachment])
    services.input_use_record(actor=SYSTEM, input=item, use=Use.USED, explanation=f"{FORMULA} {SCRIPT}")
    step(consultation, "close_for_input")
    step(consultation, "start_response")
    consultation.refresh_from_db()
    services.response_introduction_save(
        actor=SYSTEM, consultation=consultation, version=consultation.version, text=f"Innledning {HOSTILE}"
    )
    services.section_save(
        actor=SYSTEM, consultation=consultation, heading=f"Avsnitt {SCRIPT}", text=f"Tekst {HOSTILE}", order=1
    )
    return consultation, item


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html and "<img src=http://127.0.0.1" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""href=["']?(file:|javascript:|data:)""", html)


def test_markup_and_addresses_in_every_field_are_text_on_every_page(login, client):
    consultation, item = hostile_round()
    staff = login(secretariat())
    for url in (
        "/horinger/sekretariat/",
        f"/horinger/sekretariat/{consultation.pk}/",
        f"/horinger/sekretariat/innspill/{item.pk}/bruk/",
        f"/horinger/sekretariat/{consultation.pk}/endre/",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
    page = staff.get(f"/horinger/sekretariat/{consultation.pk}/").content.decode()
    assert "&lt;img src=http://127.0.0.1:1/x&gt;.pdf" in page  # the attachment's file name, as text
    for link in re.findall(r"<a [^>]*helsedirektoratet[^>]*>", page):
        assert 'rel="noopener noreferrer"' in link

    member = body_user(BODY, "angrep.body")
    own = login(member)
    for url in ("/horinger/mine/", f"/horinger/mine/{consultation.pk}/"):
        response = own.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())

    step(consultation, "submit_response")
    step(consultation, "publish")
    for url in ("/horinger/", f"/horinger/{consultation.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def test_the_pdf_writes_markup_as_text_and_loads_nothing(caplog):
    consultation, _item = hostile_round()
    html = exports.response_html(consultation)
    assert_inert(html)
    # The only addresses in the document are the fonts' (file: URLs of Vegvis' own font folder).
    assert set(re.findall(r"""<[^>]*\b(?:src|href)=["']?([a-z]+:)""", html)) <= {"file:"}
    assert set(re.findall(r"""url\(["']?([a-z]+:)""", html)) == {"file:"}
    caplog.set_level("WARNING", logger="vegvis.core.pdf")
    # Read back without the spaces of the line breaks (a long address is broken after its "//").
    text = "".join(pdf.text(exports.response_pdf(SYSTEM, consultation)).split())
    for written in (f"Tekst {HOSTILE}", f"Avsnitt {SCRIPT}", f"Innledning {HOSTILE}"):
        assert "".join(written.split()) in text
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_the_register_holds_formulas_and_markup_as_text(login):
    consultation, _item = hostile_round()
    response = login(secretariat()).get(f"/horinger/sekretariat/{consultation.pk}/innspill.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert f"{FORMULA} {SCRIPT}" in {cell.value for cell in cells}
    assert any(str(cell.value).startswith("Veileder <script>") or HOSTILE in str(cell.value) for cell in cells)


@pytest.mark.parametrize(
    "url",
    [
        FILE_URL,
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://ftp.example.org/utkast.pdf",
    ],
)
def test_only_web_links_are_kept_by_the_form_and_the_service(login, url):
    staff = login(secretariat())
    bodies = [body(BODY)]
    response = staff.post(
        "/horinger/sekretariat/ny/",
        {
            "issuer": "Helsedirektoratet",
            "title": "Veileder",
            "issued_on": "01.12.2026",
            "issuer_deadline": "15.03.2027",
            "internal_deadline": "01.03.2027",
            "links": f"Utkast {url}",
            "invited": [b.pk for b in bodies],
        },
    )
    assert response.status_code == 200 and "links_error" in response.content.decode()
    with pytest.raises(DomainError):
        make_consultation("draft", links=(("Utkast", url),))


def test_a_local_address_is_only_a_link(login):
    """An http address of the local machine is kept as the secretariat wrote it: nothing fetches it."""
    consultation = make_consultation("open", links=(("Lokalt", LOCAL_URL),))
    page = login(secretariat()).get(f"/horinger/sekretariat/{consultation.pk}/").content.decode()
    assert f'<a class="ds-link" href="{LOCAL_URL}" rel="noopener noreferrer">Lokalt</a>' in page


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("innspill.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("innspill.pdf", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("innspill.html", PDF),
        ("innspill.png", PDF),
        ("innspill.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
    ],
)
def test_a_file_that_lies_about_its_type_is_refused(login, name, content):
    consultation = make_consultation("open")
    member = login(body_user(BODY, "angrep.fil"))
    response = member.post(
        f"/horinger/mine/{consultation.pk}/",
        {"text": "Innspill med vedlegg.", "attachments": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 200 and "id_attachments_error" in response.content.decode()
    assert not Document.objects.filter(case=consultation).exists()


def test_a_file_name_cannot_leave_the_media_folder(login, settings):
    consultation = make_consultation("open")
    member = login(body_user(BODY, "angrep.sti"))
    response = member.post(
        f"/horinger/mine/{consultation.pk}/",
        {"text": "Innspill.", "attachments": [SimpleUploadedFile("../../../../etc/passwd.pdf", PDF)]},
    )
    assert response.status_code == 302
    stored = Document.objects.get(case=consultation, kind=Document.Kind.ATTACHMENT)
    path = stored.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and ".." not in stored.file.name


def test_another_organisations_secretariat_and_another_body_get_404(login):
    consultation = make_consultation("writing")
    item = consultation.inputs.get()
    attachment = services.Attachment(content=PDF, filename="vedlegg.pdf", content_type="application/pdf")
    other_input = send_input(consultation, body(OTHER_BODY), text="Barnelegene.", attachments=[attachment])
    document = other_input.documents.get(kind=Document.Kind.ATTACHMENT)
    section = consultation.sections.get()
    foreign = login(secretariat(OTHER_ORGANISATION))
    for url in (
        f"/horinger/sekretariat/{consultation.pk}/",
        f"/horinger/sekretariat/{consultation.pk}/endre/",
        f"/horinger/sekretariat/{consultation.pk}/avsnitt/{section.pk}/",
        f"/horinger/sekretariat/{consultation.pk}/innledning/",
        f"/horinger/sekretariat/{consultation.pk}/svar.pdf",
        f"/horinger/sekretariat/{consultation.pk}/innspill.xlsx",
        f"/horinger/sekretariat/innspill/{item.pk}/bruk/",
        f"/horinger/{consultation.pk}/dokument/{document.pk}/",
        f"/horinger/{consultation.pk}/",
        f"/horinger/{consultation.pk}/vedlegg/{document.pk}/",
    ):
        assert foreign.get(url).status_code == 404, url
    assert foreign.post(f"/horinger/sekretariat/innspill/{item.pk}/bruk/", {"use": "used"}).status_code == 404
    assert foreign.post(f"/horinger/sekretariat/{consultation.pk}/steg/submit_response/").status_code == 404

    oncology = login(body_user(BODY, "angrep.onko"))
    assert oncology.get(f"/horinger/{consultation.pk}/dokument/{document.pk}/").status_code == 404
    page = oncology.get(f"/horinger/mine/{consultation.pk}/").content.decode()
    assert "Barnelegene." not in page


def test_the_api_keeps_the_draft_response_and_others_input_from_a_body(client):
    consultation = make_consultation("writing")
    send_input(consultation, body(OTHER_BODY), text="Barnelegenes innspill.")
    log_in_verified(client, body_user(OTHER_BODY, "angrep.api"))
    detail = client.get(f"/api/v1/consultations/{consultation.pk}").json()
    assert detail["sections"] == []  # the response being written is the secretariat's
    assert [i["text"] for i in detail["inputs"]] == ["Barnelegenes innspill."]
    client.logout()
    log_in_verified(client, secretariat())
    assert client.get(f"/api/v1/consultations/{consultation.pk}").json()["sections"][0]["heading"]


def test_nothing_of_an_exempt_or_unpublished_input_reaches_the_public(client):
    consultation = make_consultation("open")
    attachment = services.Attachment(content=PDF, filename="pasient.pdf", content_type="application/pdf")
    shown = send_input(consultation, text="Onkologene støtter forslaget.")
    exempt = send_input(
        consultation,
        body(OTHER_BODY),
        text="Pasienten Kari Nordmann fikk avslag.",
        contains_personal_data=True,
        attachments=[attachment],
    )
    for item in (shown, exempt):
        services.input_use_record(actor=SYSTEM, input=item, use=Use.NOT_USED, explanation=f"Vurdert {item.pk}.")
    step(consultation, "close_for_input")
    step(consultation, "start_response")
    services.section_save(actor=SYSTEM, consultation=consultation, heading="Svar", text="Vi støtter.", order=1)
    step(consultation, "submit_response")
    documents = list(exempt.documents.all())
    # Submitted, not yet published: nothing of the round is public.
    assert client.get(f"/horinger/{consultation.pk}/").status_code == 404
    assert b"Onkologene" not in client.get("/horinger/").content
    shown_document = shown.documents.get(kind=Document.Kind.INPUT)
    assert client.get(f"/horinger/{consultation.pk}/vedlegg/{shown_document.pk}/").status_code == 404

    step(consultation, "publish")
    page = client.get(f"/horinger/{consultation.pk}/").content.decode()
    assert "Onkologene støtter forslaget." in page
    for hidden in ("Kari Nordmann", OTHER_BODY, f"Vurdert {exempt.pk}.", "pasient.pdf"):
        assert hidden not in page
    for document in documents:  # the version's text and the attachment, by any address
        assert client.get(f"/horinger/{consultation.pk}/vedlegg/{document.pk}/").status_code == 404
        assert client.get(f"/horinger/{consultation.pk}/dokument/{document.pk}/").status_code == 302
    for url in (f"/api/v1/consultations/{consultation.pk}", "/api/v1/consultations/"):
        answer = client.get(url)
        assert answer.status_code == 401 and b"Kari" not in answer.content

    # A body's user of the round reads the published input that is not exempt, never the exempt one.
    log_in_verified(client, body_user(BODY, "angrep.publisert"))
    inputs = client.get(f"/api/v1/consultations/{consultation.pk}").json()["inputs"]
    assert [i["number"] for i in inputs] == [shown.number]
    for document in documents:
        assert client.get(f"/horinger/{consultation.pk}/dokument/{document.pk}/").status_code == 404


def test_an_attachment_is_served_as_the_type_its_content_is(client):
    """A PNG is served as image/png with a .png name (the records kit named every file .pdf), never sniffed."""
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    consultation = make_consultation("open")
    attachment = services.Attachment(content=png, filename="bilde.png", content_type="image/png")
    item = send_input(consultation, text="Se bildet.", attachments=[attachment])
    services.input_use_record(actor=SYSTEM, input=item, use=Use.USED, explanation="Brukt.")
    for event in ("close_for_input", "start_response"):
        step(consultation, event)
    services.section_save(actor=SYSTEM, consultation=consultation, heading="Svar", text="Tekst.", order=1)
    for event in ("submit_response", "publish"):
        step(consultation, event)
    document = item.documents.get(kind=Document.Kind.ATTACHMENT)
    response = client.get(f"/horinger/{consultation.pk}/vedlegg/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="{document.number.replace("/", "-")}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png
