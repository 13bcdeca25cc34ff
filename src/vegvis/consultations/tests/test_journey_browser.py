"""Issue 15's done-when in a real browser: the medical association's secretariat opens the consultation on the
national guideline for experimental treatment with internal deadline 30 May; two member bodies send their input
(one on time with an attachment, one late, marked late, with personal data and so exempt); the secretariat records
how each was used, writes the response, registers it as submitted, downloads it as PDF (read back with pdftotext)
and the register of inputs as XLSX (read back with openpyxl), and publishes; an anonymous visitor finds the
response and the input that is not exempt, and nothing of the exempt input's text, body or attachment (not on the
page, not by the attachment's address, not through the API). axe-core finds no WCAG 2.1 A/AA violation on any page
visited, at 1366 px and at 390 px, and no page scrolls sideways at 390 px."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.consultations.models import Consultation, Input, InputVersion, Status
from vegvis.consultations.tests.support import BODY, ORGANISATION, OTHER_BODY, PDF, body
from vegvis.testing import pdf
from vegvis.testing.browser import (
    AXE_SCRIPT,
    WCAG_21_AA,
    describe_violations,
    log_in,
    log_in_elsewhere,
    save_screenshot,
)
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
TITLE = "Nasjonal veileder for utprøvende behandling"
ISSUER = "Helsedirektoratet"
INTRODUCTION = "Legeforeningen takker for muligheten til å gi innspill til veilederen."
SECTION = "Utprøvende behandling utenfor kliniske studier"
SECTION_TEXT = "Legeforeningen støtter at pasienter skal kunne få utprøvende behandling utenfor studier."
ONCOLOGY_TEXT = "Norsk onkologisk forening mener veilederen bør si mer om hvem som dekker reiseutgifter."
# The late input names a patient: its body marks it as containing personal data, so it is never published.
PAEDIATRIC_TEXT = "Vi viser til saken med pasienten Ola Nordmann, 7 år, som fikk avslag på behandling i utlandet."
USE_ONCOLOGY = "Tatt inn i avsnitt 1 om reiseutgifter."
USE_PAEDIATRIC = "Ikke brukt: gjelder en enkeltsak."


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def axe(page: Any, viewport: dict[str, int] = WIDE) -> None:
    """axe-core on the page's URL at the given width (in a second context that may inject the script, as
    testing.browser.axe_violations does: the page itself keeps its Content-Security-Policy)."""
    checker = page.context.browser.new_context(
        storage_state=page.context.storage_state(), bypass_csp=True, viewport=viewport, locale="nb-NO"
    )
    try:
        tab = checker.new_page()
        tab.goto(page.url)
        tab.add_script_tag(path=str(AXE_SCRIPT))
        result = tab.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
        )
    finally:
        checker.close()
    violations = result["violations"]
    assert not violations, f"axe on {page.url} at {viewport['width']} px:\n{describe_violations(violations)}"


def layouts(page: Any, name: str) -> None:
    """The page at 1366 and at 390 px: axe at both, no sideways scrolling at 390 px, a screenshot of each."""
    axe(page)
    save_screenshot(page, f"consultations_{name}_1366")
    page.set_viewport_size(NARROW)
    try:
        axe(page, NARROW)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{page.url} is {width} px wide at 390 px"
        save_screenshot(page, f"consultations_{name}_390")
    finally:
        page.set_viewport_size(WIDE)


def d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def submit(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def step(page: Any, event: str) -> None:
    page.locator(f'form[action$="/steg/{event}/"] button').click()
    page.wait_for_load_state()
    expect(page.locator(".ds-alert[data-color=danger]")).to_have_count(0)


def send_input(tab: Any, consultation: Consultation, text: str, attachment: str, *, exempt: bool = False) -> None:
    """A body's user finds the invitation among the body's consultations and sends the input with an attachment."""
    tab.goto("/horinger/mine/")
    layouts(tab, "body_list")
    tab.get_by_role("link", name=consultation.title).click()
    tab.wait_for_load_state()
    expect(tab.get_by_role("heading", level=1)).to_have_text(TITLE)
    layouts(tab, "body_consultation_form")
    tab.fill("#id_text", text)
    tab.set_input_files("#id_attachments", {"name": attachment, "mimeType": "application/pdf", "buffer": PDF})
    if exempt:
        tab.check("#id_contains_personal_data")
    submit(tab)
    expect(tab).to_have_url(re.compile(rf"/horinger/mine/{consultation.pk}/$"))


def record_use(page: Any, item: Input, use: str, explanation: str) -> None:
    page.get_by_role("link", name=f"Registrer bruken av {item.number}").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.number)
    layouts(page, f"input_use_{item.pk}")
    page.get_by_label(use, exact=True).check()
    page.fill("#id_explanation", explanation)
    submit(page)
    expect(page).to_have_url(re.compile(rf"/horinger/sekretariat/{item.consultation_id}/$"))


def test_a_consultation_round_from_invitation_to_published_response(page, console_log, live_server):
    oncology, paediatrics = body(BODY), body(OTHER_BODY)
    UserFactory(
        username="hanne",
        first_name="Hanne",
        last_name="Lie",
        role="consultation_secretariat",
        role__organisation=ORGANISATION,
        role__organisation_kind="association",
    )
    for username, first_name, at in (("ingrid", "Ingrid", BODY), ("petter", "Petter", OTHER_BODY)):
        UserFactory(
            username=username,
            first_name=first_name,
            last_name="Haug",
            role="member_body_user",
            role__organisation=at,
            role__organisation_kind="member_body",
        )
    today = timezone.localdate()
    # The round of next spring: the issuer's period and the days left for compiling raise no warning.
    year = today.year + 1
    internal_deadline, issuer_deadline = date(year, 5, 30), date(year, 6, 15)
    page.set_viewport_size(WIDE)

    # The secretariat registers the consultation from its worklist, with the issuer's link, and invites two bodies.
    log_in(page, "hanne", PASSWORD)
    page.goto("/horinger/sekretariat/")
    layouts(page, "worklist_empty")
    page.locator("main").get_by_role("link", name="Ny høring").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny høring")
    layouts(page, "consultation_new")
    page.fill("#id_issuer", ISSUER)
    page.fill("#id_issuer_reference", "24/8812")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Forslag til nasjonal veileder for utprøvende behandling i spesialisthelsetjenesten.")
    page.fill("#id_issued_on", d(today - timedelta(days=2)))
    page.fill("#id_issuer_deadline", d(issuer_deadline))
    page.fill("#id_internal_deadline", d(internal_deadline))
    page.fill("#id_links", "Høringsutkastet https://www.helsedirektoratet.no/horinger/utprovende-behandling")
    page.get_by_label(BODY, exact=True).check()
    page.get_by_label(OTHER_BODY, exact=True).check()
    submit(page)
    expect(page).to_have_url(re.compile(r"/horinger/sekretariat/\d+/$"))
    consultation = Consultation.objects.get(title=TITLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(consultation.number)
    expect(page.locator("main")).to_contain_text(f"Intern frist: {d(internal_deadline)}")
    expect(page.locator(".ds-alert[data-color=warning]")).to_have_count(0)  # no warning on these deadlines
    link = page.get_by_role("link", name="Høringsutkastet")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    layouts(page, "consultation_draft")
    step(page, "open_for_input")
    consultation.refresh_from_db()
    assert consultation.status == Status.OPEN
    expect(page.locator("#h-inputs")).to_contain_text("(0)")
    layouts(page, "consultation_open")

    # The oncologists send their input on time, with an attachment.
    ingrid = log_in_elsewhere(page, "ingrid", PASSWORD)
    send_input(ingrid, consultation, ONCOLOGY_TEXT, "onkologene-innspill.pdf")
    on_time = Input.objects.get(consultation=consultation, body=oncology)
    expect(ingrid.locator("main")).to_contain_text(f"Innspill {on_time.number} er registrert.")
    expect(ingrid.locator("#h-own")).to_contain_text(on_time.number)
    expect(ingrid.locator("#h-own + .vv-badge-row")).not_to_contain_text("For sent")
    layouts(ingrid, "body_consultation_sent")
    ingrid.context.close()
    assert not on_time.late

    # The clock moves past the internal deadline. As the demo does, and only here in the test data: the round and
    # the oncologists' input are moved back one year, to what they would be had the round run last spring (the
    # input sent two days after the consultation opened, in time); the server keeps its own clock.
    back = {"issued_on": date(year - 1, 3, 1), "issuer_deadline": date(year - 1, 6, 15)}
    Consultation.objects.filter(pk=consultation.pk).update(internal_deadline=date(year - 1, 5, 30), **back)
    sent = timezone.make_aware(datetime(year - 1, 3, 3, 10, 15))
    Input.objects.filter(pk=on_time.pk).update(registered_at=sent)
    InputVersion.objects.filter(input=on_time).update(submitted_at=sent)
    consultation.refresh_from_db()
    assert consultation.internal_deadline < today

    # The paediatricians send theirs after the deadline: accepted, marked late; it names a patient, so they mark it
    # as containing personal data.
    petter = log_in_elsewhere(page, "petter", PASSWORD)
    send_input(petter, consultation, PAEDIATRIC_TEXT, "barnelegene-vedlegg.pdf", exempt=True)
    late = Input.objects.get(consultation=consultation, body=paediatrics)
    assert (late.late, late.contains_personal_data) == (True, True)
    expect(petter.locator("main")).to_contain_text(f"Innspill {late.number} er registrert, etter den interne fristen.")
    badges = petter.locator("#h-own + .vv-badge-row")
    expect(badges).to_contain_text("For sent")
    expect(badges).to_contain_text("Unntatt fra publisering")
    layouts(petter, "body_consultation_late")
    petter.context.close()

    # The secretariat sees both beside the response, the late one marked late and exempt, and closes the round.
    page.reload()
    page.wait_for_load_state()
    expect(page.locator("#h-inputs")).to_contain_text("(2)")
    late_card = page.locator(f"article[aria-labelledby=input-{late.pk}]")
    expect(late_card).to_contain_text("For sent")
    expect(late_card).to_contain_text("Unntatt fra publisering")
    expect(page.locator(f"article[aria-labelledby=input-{on_time.pk}]")).not_to_contain_text("For sent")
    layouts(page, "consultation_two_inputs")
    step(page, "close_for_input")
    step(page, "start_response")

    # How each input was used, the introduction and a section with the input bearing on it.
    record_use(page, on_time, "Brukt", USE_ONCOLOGY)
    record_use(page, late, "Ikke brukt", USE_PAEDIATRIC)
    page.get_by_role("link", name="Skriv innledningen").click()
    page.wait_for_load_state()
    layouts(page, "introduction")
    page.fill("#id_text", INTRODUCTION)
    submit(page)
    page.get_by_role("link", name="Nytt avsnitt i svaret").click()
    page.wait_for_load_state()
    layouts(page, "section_new")
    page.fill("#id_heading", SECTION)
    page.fill("#id_text", SECTION_TEXT)
    page.get_by_label(f"{on_time.number} {BODY}", exact=True).check()
    submit(page)
    expect(page).to_have_url(re.compile(rf"/horinger/sekretariat/{consultation.pk}/$"))
    expect(page.locator("#h-response ~ article")).to_contain_text(SECTION_TEXT)
    layouts(page, "consultation_writing")
    step(page, "submit_response")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.submitted_on) == (Status.SUBMITTED, today)
    layouts(page, "consultation_submitted")

    # The response as PDF, read back as its reader gets it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Svaret som PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"horingssvar-{consultation.number.replace('/', '-')}.pdf"
    text = pdf.words(pdf.text(Path(download.path()).read_bytes()))
    assert f"Høringssvar: {TITLE}" in text
    assert f"{ORGANISATION} · Til: {ISSUER} · Deres ref. 24/8812 · Vår ref. {consultation.number}" in text
    assert INTRODUCTION in text
    assert f"1. {SECTION}" in text and SECTION_TEXT in text
    assert PAEDIATRIC_TEXT not in text

    # The response as Word, read back with python-docx: the same title, introduction and section as the PDF,
    # and nothing of the exempt input.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Svaret som Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename == f"horingssvar-{consultation.number.replace('/', '-')}.docx"
    word = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    paragraphs = [paragraph.text for paragraph in word.paragraphs]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert paragraphs[0] == f"Høringssvar: {TITLE}"
    assert INTRODUCTION in "\n".join(paragraphs)
    assert f"1. {SECTION}" in paragraphs and SECTION_TEXT in paragraphs
    assert not any(PAEDIATRIC_TEXT in text for text in paragraphs + cells)

    # The register of inputs as XLSX: both inputs, the late one late and exempt, with the use of each.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Innspillsregister (XLSX)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).worksheets[1]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    register = {row[0]: row for row in rows}
    assert sheet.title == "Innspill" and len(rows) == 2
    assert register[on_time.number][2:] == (BODY, "Nei", "Nei", 1, "Brukt", USE_ONCOLOGY)
    assert register[late.number][2:] == (OTHER_BODY, "Ja", "Ja", 1, "Ikke brukt", USE_PAEDIATRIC)

    step(page, "publish")
    consultation.refresh_from_db()
    assert consultation.status == Status.PUBLISHED
    layouts(page, "consultation_published")

    # An anonymous visitor finds the response and the input that is not exempt, and nothing of the exempt one.
    visitor = page.context.browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=WIDE)
    visitor.set_default_timeout(10_000)
    public = visitor.new_page()
    console_log.listen(public)
    public.goto("/horinger/")
    layouts(public, "public_list")
    public.get_by_role("link", name=TITLE).click()
    public.wait_for_load_state()
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = public.locator("main")
    for shown in (INTRODUCTION, SECTION, SECTION_TEXT, ONCOLOGY_TEXT, USE_ONCOLOGY, on_time.number, late.number):
        expect(main).to_contain_text(shown)
    expect(main).to_contain_text("Dette innspillet inneholder personopplysninger og er unntatt fra publisering.")
    html = public.content()
    for hidden in (PAEDIATRIC_TEXT, "Ola Nordmann", OTHER_BODY, USE_PAEDIATRIC, "barnelegene-vedlegg", "Petter"):
        assert hidden not in html, f"the public page shows {hidden!r}"
    expect(public.get_by_role("link", name="Høringsutkastet")).to_have_attribute("rel", "noopener noreferrer")
    layouts(public, "public_detail")

    # The attachment of the published input opens; the exempt input's attachment and texts do not, whatever the
    # address (the public attachment, the case file's document, the API).
    shown_attachment = on_time.documents.get(kind="attachment")
    hidden_attachment = late.documents.get(kind="attachment")
    request = visitor.request
    href = public.get_by_role("link", name=f"Vedlegg {shown_attachment.number}").get_attribute("href")
    opened = request.get(href)
    assert (opened.status, opened.headers["content-type"], opened.body()) == (200, "application/pdf", PDF)
    assert request.get(f"/horinger/{consultation.pk}/vedlegg/{hidden_attachment.pk}/").status == 404
    for document in late.documents.all():
        answer = request.get(f"/horinger/{consultation.pk}/dokument/{document.pk}/", max_redirects=0)
        assert answer.status == 302 and "/konto/logg-inn/" in answer.headers["location"]
    api = request.get(f"/api/v1/consultations/{consultation.pk}")
    assert api.status == 401 and "Ola" not in api.text()
    visitor.close()
    assert not console_log.errors, "\n".join(console_log.errors)
