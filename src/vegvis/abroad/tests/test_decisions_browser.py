"""Issue 11 in a real browser: the decision and appeal steps a case handler tripped on, done as they did them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from vegvis.abroad.models import Appeal, Document, Outcome, Status
from vegvis.abroad.tests.support import make_case
from vegvis.testing.browser import SCREENSHOTS, axe_violations, describe_violations, log_in
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def handler() -> None:
    UserFactory(username="ingrid", first_name="Ingrid", last_name="Haugen", role="case_handler", role__office="ous")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"issue11_{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_coverage_checkboxes_are_real_checkboxes_with_check_marks(page, console_log, width):
    handler()
    case = make_case("assessment_received")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "ingrid", PASSWORD)
    page.goto(f"/utland/saker/{case.pk}/steg/grant/")
    treatment = page.get_by_label("Behandling ved sykehuset i utlandet")
    expect(treatment).to_be_checked()
    shoot(page, f"grant_form_{width}")
    box = treatment.bounding_box()
    assert box is not None and 16 <= box["width"] <= 40 and abs(box["width"] - box["height"]) < 2, box
    # A checked box draws its check mark; an unchecked one does not.
    mark = "el => getComputedStyle(el).backgroundImage"
    assert "linear-gradient" in treatment.evaluate(mark)
    companion = page.get_by_label("Reise og opphold for ledsager")
    assert "linear-gradient" not in companion.evaluate(mark)
    companion.click()
    expect(companion).to_be_checked()
    assert "linear-gradient" in companion.evaluate(mark)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not console_log.errors, "\n".join(console_log.errors)


def pdf_text(document) -> str:
    """The letter as the patient reads it: the text pdftotext extracts from the stored PDF."""
    with document.file.open("rb") as handle:
        content = handle.read()
    extracted = subprocess.run(  # noqa: S603 - our own file, Debian's pdftotext
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", "-", "-"], input=content, capture_output=True, check=True
    )
    return extracted.stdout.decode()


def words(text: str) -> str:
    return " ".join(text.split())


def look(page, name: str) -> None:
    """Screenshots at both widths, and axe on the page as it stands."""
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, f"{name}_{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})
    violations = axe_violations(page)
    assert not violations, f"WCAG 2.1 A/AA violations on {name}:\n{describe_violations(violations)}"


def step(page, case, event: str) -> None:
    page.goto(f"/utland/saker/{case.pk}/")
    page.locator(f'main a[href$="/steg/{event}/"]').click()
    page.wait_for_load_state()


def test_a_rejection_shows_its_letter_as_the_pdf_reads_and_is_saved_only_when_confirmed(page, console_log):
    handler()
    case = make_case("assessment_received")
    log_in(page, "ingrid", PASSWORD)
    step(page, case, "reject")
    expect(page.locator("#id_outcome")).to_have_count(0)  # a rejection form has no outcome to choose
    grounds = "Det finnes et adekvat tilbud i Norge.\nFagmiljøet ved OUS «støtter ikke» behandling i utlandet."
    page.fill("#id_grounds", grounds)
    page.get_by_role("button", name="Vis brevet").click()
    page.wait_for_load_state()

    preview = page.locator("#letter-preview")
    expect(preview).to_contain_text("Fagmiljøet ved OUS «støtter ikke» behandling i utlandet.")
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED and not case.decisions.exists()
    assert not case.documents.filter(kind=Document.Kind.DECISION).exists()  # nothing saved before confirming
    look(page, "reject_preview")
    shown = preview.inner_text()

    page.get_by_role("button", name="Fatt vedtak og send brev").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Status.REJECTED
    letter = case.documents.get(kind=Document.Kind.DECISION)
    printed = words(pdf_text(letter))
    # Every line of the preview stands in the PDF, in the same words: the letter previewed is the letter sent.
    # (A table row of the letter's head is one line on the page and read column by column in the PDF: each cell.)
    lines = [words(cell) for line in shown.splitlines() for cell in line.split("\t") if cell.strip()]
    missing = [line for line in lines if line not in printed]
    assert not missing, f"in the preview but not in the PDF: {missing}\nPDF: {printed}"
    assert len(lines) > 10
    assert not console_log.errors, "\n".join(console_log.errors)


def test_an_appeal_received_in_the_future_is_refused_next_to_the_field_and_kept(page, console_log):
    handler()
    case = make_case("rejected")
    log_in(page, "ingrid", PASSWORD)
    step(page, case, "register_appeal")
    field = page.locator("#id_received_date")
    # The case handler typed 01.03.2027 in the date field, the Norwegian way.
    field.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("01.03.2027")
    page.fill("#id_grounds", "Pasienten er uenig.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    error = page.locator("#id_received_date_error")
    expect(error).to_contain_text("Datoen kan ikke være fram i tid")
    expect(page.locator("#id_received_date")).to_have_value("01.03.2027")  # what was typed is kept
    expect(page.locator("#id_grounds")).to_have_value("Pasienten er uenig.")
    assert not case.appeals.exists()
    look(page, "appeal_future_date")
    assert not console_log.errors, "\n".join(console_log.errors)


def test_a_partly_granted_decision_is_appealed_and_reversed_with_its_history_kept(page, console_log):
    handler()
    case = make_case("assessment_received")
    log_in(page, "ingrid", PASSWORD)

    step(page, case, "grant")
    page.select_option("#id_outcome", value="partly_granted")
    page.get_by_label("Reise og opphold for ledsager").uncheck()
    page.fill("#id_grounds", "Behandlingen og reisen dekkes. Ledsager dekkes ikke: pasienten er voksen og selvhjulpen.")
    page.get_by_role("button", name="Vis brevet").click()
    page.wait_for_load_state()
    expect(page.locator("#letter-preview")).to_contain_text("delvis innvilget")
    page.get_by_role("button", name="Fatt vedtak og send brev").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.final_outcome == Outcome.PARTLY_GRANTED

    # The letter says the patient may appeal; the case page offers it, and the appeal is registered.
    step(page, case, "register_appeal")
    page.fill("#id_grounds", "Pasienten trenger ledsager under reisen.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.appeals.get().office_outcome == Appeal.OfficeOutcome.PENDING
    # Follow-up of the granted part goes on while the appeal runs.
    expect(page.locator('main a[href$="/oppfolging/booking/"]')).to_be_visible()
    expect(page.locator('main a[href$="/steg/reverse_on_appeal/"]')).to_be_visible()
    expect(page.locator('main a[href$="/steg/forward_appeal/"]')).to_be_visible()
    expect(page.locator('main a[href$="/steg/close/"]')).to_have_count(0)

    step(page, case, "reverse_on_appeal")
    page.fill("#id_grounds", "Ny legeerklæring viser at pasienten trenger ledsager.")
    page.get_by_role("button", name="Vis brevet").click()
    page.wait_for_load_state()
    expect(page.locator("#letter-preview")).to_contain_text("Ny legeerklæring viser at pasienten trenger ledsager.")
    look(page, "reversal_preview")
    page.get_by_role("button", name="Fatt vedtak og send brev").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.final_outcome == Outcome.GRANTED

    # The case page shows both decisions, each with its own grounds and letter: nothing overwritten.
    history = page.locator("#h-decision + * , section[aria-labelledby=h-decision]").last
    expect(history).to_contain_text("Ledsager dekkes ikke: pasienten er voksen og selvhjulpen.")
    expect(history).to_contain_text("Ny legeerklæring viser at pasienten trenger ledsager.")
    expect(history).to_contain_text("Omgjort av kontoret etter klage")
    expect(history.locator("a.ds-link")).to_have_count(2)
    look(page, "case_after_reversal")
    assert not console_log.errors, "\n".join(console_log.errors)


def test_a_rejected_case_months_old_reads_its_expired_deadline_and_red_not_supporting_tag(page, console_log):
    from datetime import timedelta

    from django.utils import timezone

    from vegvis.abroad.services import cases, decisions
    from vegvis.abroad.tests.support import OPERATOR

    handler()
    today = timezone.localdate()
    case = make_case("assessment_requested", received=today - timedelta(days=200))
    cases.assessment_answer(
        actor=OPERATOR,
        assessment=case.assessments.get(),
        recommendation="does_not_support",
        conclusion="Adekvat tilbud i Norge.",
        by_letter=True,
        version=case.version,
    )
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(
            outcome=Outcome.REJECTED, decided_on=today - timedelta(days=130), grounds="Nei."
        ),
    )
    log_in(page, "ingrid", PASSWORD)
    page.goto(f"/utland/saker/{case.pk}/")
    deadline = (today - timedelta(days=130) + timedelta(weeks=4)).strftime("%d.%m.%Y")
    expect(page.locator("main")).to_contain_text(f"Klagefristen gikk ut {deadline}")
    expect(page.locator("main")).not_to_contain_text("Klagefristen løper")
    expect(page.locator(".vv-badge-row .ds-tag", has_text="Avslått")).to_have_count(1)
    tag = page.locator(".ds-tag", has_text="Støtter ikke behandling i utlandet")
    expect(tag).to_have_attribute("data-color", "danger")
    look(page, "case_rejected_expired")
    step(page, case, "register_appeal")
    look(page, "appeal_form")
    assert not console_log.errors, "\n".join(console_log.errors)
