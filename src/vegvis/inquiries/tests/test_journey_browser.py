"""Issue 13's done-when in a real browser: a person submits the public form; a case worker triages it into an
assistance case, records a power of attorney with its scan, requests records (the letter previewed, then
confirmed), registers an NPE claim whose limitation dates are computed and shown and sends it (previewed and
confirmed), registers NPE's decision and an appeal (and the board's decision), and
closes the case with an outcome. axe-core finds no WCAG 2.1 A/AA violation on any page visited, at 1366 px, and
on the case page at 390 px."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.inquiries.models import Case, Inquiry, Status
from vegvis.inquiries.tests.support import ASSOCIATION, PDF, association
from vegvis.testing.browser import AXE_SCRIPT, WCAG_21_AA, describe_violations, log_in, save_screenshot
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}


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


def save(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def confirm_letter(page: Any, *expected: str) -> None:
    """The letter step's preview: the letter as it will be sent, checked by axe, then confirmed."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kontroller brevet")
    for text in expected:
        expect(page.locator("#letter-preview")).to_contain_text(text)
    axe(page)
    page.locator("main form button[name=confirm]").click()
    page.wait_for_load_state()


def step(page: Any, event: str) -> None:
    page.locator(f'a[href$="/steg/{event}/"]').click()
    page.wait_for_load_state()
    axe(page)


def d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def test_a_public_inquiry_becomes_an_assistance_case_through_npe_to_closed(page, console_log):
    desk = association()
    UserFactory(
        username="solveig",
        first_name="Solveig",
        last_name="Berg",
        role="association_case_worker",
        role__organisation=ASSOCIATION,
    )
    today = timezone.localdate()
    page.set_viewport_size(WIDE)

    # The person writes to the association through its public form.
    page.goto(f"/pasientforening/{desk.pk}/henvendelse/")
    axe(page)
    page.select_option("#id_contacted_by", value="patient")
    page.fill("#id_contact_name", "Astrid Solberg")
    page.fill("#id_contact_email", "astrid@example.org")
    page.select_option("#id_service", value="specialist")
    page.fill("#id_provider", "Sykehuset Innlandet")
    page.fill("#id_account", "Bruddet i hånden ble ikke sett på røntgen, og jeg ble operert for sent.")
    page.check("#id_consent")
    save(page)
    expect(page).to_have_url(re.compile(r"/henvendelse/kvittering/$"))
    inquiry = Inquiry.objects.get(contact_name="Astrid Solberg")
    expect(page.locator("main")).to_contain_text(inquiry.reference)
    axe(page)

    # The case worker triages it into an assistance case.
    log_in(page, "solveig", PASSWORD)
    page.goto("/henvendelser/?vis=desk")
    axe(page)
    page.locator(f'a[href$="/henvendelser/{inquiry.pk}/"]').first.click()
    page.wait_for_load_state()
    axe(page)
    page.select_option("#id_kind", value="assistance")
    page.locator("main form button[value=triage]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/henvendelser/saker/\d+/$"))
    case = Case.objects.get(inquiry=inquiry)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    axe(page)

    # The signed power of attorney with its scan.
    step(page, "register_power_of_attorney")
    page.fill("#id_granted_by", "Astrid Solberg")
    page.check("#id_scope_records")
    page.check("#id_scope_compensation")
    page.fill("#id_signed_on", d(today))
    page.set_input_files("#id_scan", {"name": "fullmakt.pdf", "mimeType": "application/pdf", "buffer": PDF})
    save(page)
    expect(page.locator("#h-poa + dl")).to_contain_text("Astrid Solberg")

    # Records requested from the hospital.
    step(page, "request_records")
    page.fill("#id_provider", "Sykehuset Innlandet")
    page.fill("#id_sent_on", d(today))
    save(page)
    confirm_letter(page, "Sykehuset Innlandet", case.number)
    expect(page.locator("#h-records + ul")).to_contain_text("Sykehuset Innlandet")

    # The NPE claim: both limitation dates computed and shown.
    act_on, knew_on = date(today.year - 1, 3, 14), date(today.year - 1, 6, 2)
    step(page, "prepare_npe_claim")
    page.fill("#id_act_on", d(act_on))
    page.fill("#id_knew_on", d(knew_on))
    page.fill("#id_claimed_loss", "85000")
    save(page)
    expect(page.locator("#relative-limit")).to_have_text(d(knew_on.replace(year=knew_on.year + 3)))
    expect(page.locator("#absolute-limit")).to_have_text(d(act_on.replace(year=act_on.year + 20)))
    axe(page)

    step(page, "send_npe_claim")
    page.fill("#id_sent_on", d(today))
    page.fill("#id_npe_reference", "NPE-2024-118")
    save(page)
    confirm_letter(page, "Norsk pasientskadeerstatning", case.number)

    step(page, "register_npe_decision")
    page.select_option("#id_decision", value="rejected")
    page.fill("#id_decision_received_on", d(today))
    save(page)
    expect(page.locator("#h-claims + dl")).to_contain_text(d(today + timedelta(weeks=3)))

    step(page, "appeal_npe_decision")
    page.fill("#id_appealed_on", d(today))
    save(page)
    case.refresh_from_db()
    assert case.status == Status.AT_BOARD

    step(page, "register_board_decision")
    page.select_option("#id_board_decision", value="granted")
    page.fill("#id_board_decided_on", d(today))
    page.fill("#id_amount_granted", "120000")
    save(page)

    # Closed with its outcome and the failure type found.
    step(page, "close")
    page.select_option("#id_outcome", value="claim_granted")
    page.select_option("#id_failure_type", value="diagnosis")
    page.fill("#id_amount_granted", "120000")
    page.fill("#id_outcome_note", "Pasientskadenemnda ga medhold etter klage.")
    save(page)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.failure_type) == (Status.CLOSED, "claim_granted", "diagnosis")
    expect(page.locator("main .ds-tag").first).to_have_text("Avsluttet")
    axe(page)
    save_screenshot(page, "inquiries_case_closed_1366")

    # The closed case at a phone's width: no violations, and the page does not scroll sideways.
    page.set_viewport_size(NARROW)
    axe(page, NARROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the case page is {width} px wide at 390 px"
    save_screenshot(page, "inquiries_case_closed_390")
    assert not console_log.errors, "\n".join(console_log.errors)
