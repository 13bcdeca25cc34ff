"""Issue 11 in a real browser, as the case handler, the office lead and the medical adviser met it (1366 px wide,
the office's screens), then checked at a phone's width (390 px): handing a case over, correcting it with a form
someone else made stale, the home panel's "over fristen" tile, and the adviser's answer form and documents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.abroad.models import Assessment, Case
from vegvis.abroad.services import cases
from vegvis.abroad.tests.support import OPERATOR, expert_community, make_case
from vegvis.testing.browser import axe_violations, describe_violations, log_in, save_screenshot
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TODAY = timezone.localdate()
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _accessible_at_both_widths(page, name: str) -> None:
    """No axe violation (WCAG 2.1 AA), and at 390 px the page reflows without sideways scrolling."""
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    save_screenshot(page, f"{name}_1366")
    page.set_viewport_size(PHONE)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    save_screenshot(page, f"{name}_390")
    page.set_viewport_size(DESKTOP)


def _handlers():
    anne = UserFactory(username="anne", first_name="Anne", last_name="Berg", role="case_handler", role__office="ous")
    bjorn = UserFactory(username="bjorn", first_name="Bjørn", last_name="Lie", role="case_handler", role__office="ous")
    return anne, bjorn


def _rows(page) -> list[str]:
    return page.locator("main table tbody tr td:first-child a").all_inner_texts()


def test_a_case_handler_hands_a_case_to_a_colleague_and_it_moves_to_their_my_cases(page, chromium, live_server):
    anne, _bjorn = _handlers()
    case = make_case(received=TODAY - timedelta(days=3))
    cases.case_update(actor=OPERATOR, case=case, version=case.version, handler=anne)
    page.set_viewport_size(DESKTOP)
    log_in(page, "anne", PASSWORD)

    page.goto("/utland/?vis=mine")
    assert _rows(page) == [case.number]
    page.get_by_role("link", name=case.number).click()
    page.get_by_label("Gi saken til").select_option(label="Bjørn Lie")
    _accessible_at_both_widths(page, "case_page_reassign")
    page.get_by_role("button", name="Omfordel").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Sak {case.number} behandles nå av Bjørn Lie.")).to_be_visible()
    expect(page.locator("dd", has_text="Bjørn Lie")).to_be_visible()

    page.goto("/utland/?vis=mine")
    assert _rows(page) == []

    other = chromium.browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=DESKTOP)
    try:
        tab = other.new_page()
        log_in(tab, "bjorn", PASSWORD)
        tab.goto("/utland/?vis=mine")
        assert _rows(tab) == [case.number]
    finally:
        other.close()


def test_a_correction_made_stale_by_a_colleague_is_refused_in_norwegian_and_kept_on_screen(page):
    anne, bjorn = _handlers()
    case = make_case(received=TODAY - timedelta(days=3))
    cases.case_update(actor=OPERATOR, case=case, version=case.version, handler=anne)
    page.set_viewport_size(DESKTOP)
    log_in(page, "anne", PASSWORD)
    page.goto(f"/utland/saker/{case.pk}/")
    page.get_by_role("link", name="Rett saksopplysninger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rett saksopplysninger")
    _accessible_at_both_widths(page, "case_correct_form")

    # Meanwhile Bjørn takes the case over.
    cases.case_reassign(actor=OPERATOR, case=case, version=case.version, handler=bjorn)

    page.get_by_label("Hoveddiagnose (ICD-10)").fill("G40.3")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saken ble endret av noen andre", exact=False)).to_be_visible()
    expect(page.get_by_label("Hoveddiagnose (ICD-10)")).to_have_value("G40.3")
    assert Case.objects.get(pk=case.pk).diagnosis_icd10 == "G40.2"

    # With the case read again, the correction goes through.
    page.goto(f"/utland/saker/{case.pk}/rett-opp/")
    page.get_by_label("Hoveddiagnose (ICD-10)").fill("G40.3")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saksopplysningene er rettet.")).to_be_visible()
    assert Case.objects.get(pk=case.pk).diagnosis_icd10 == "G40.3"


def test_the_office_leads_overdue_tile_opens_exactly_the_overdue_cases_marked_in_words(page):
    UserFactory(username="leder", first_name="Lise", last_name="Leder", role="office_lead", role__office="ous")
    late = [make_case(received=TODAY - timedelta(days=60)) for _ in range(2)]
    make_case(received=TODAY - timedelta(days=3))  # due in a month: not overdue
    make_case(home_region="helse-vest", received=TODAY - timedelta(days=60))  # another office's
    page.set_viewport_size(DESKTOP)
    log_in(page, "leder", PASSWORD)

    tile = page.locator("a.vv-card", has_text="over fristen")
    shown = int(tile.locator(".vv-stat").inner_text())
    assert shown == 2
    tile.click()
    page.wait_for_load_state()
    assert sorted(_rows(page)) == sorted(c.number for c in late)
    for case in late:
        row = page.locator("main table tbody tr", has_text=case.number)
        expect(row).to_contain_text(f"Over fristen {case.due_on:%d.%m.%Y}")
    expect(page.get_by_label("Neste oppgave")).to_have_value("overdue")
    _accessible_at_both_widths(page, "worklist_overdue")

    page.get_by_role("link", name=late[0].number).click()
    expect(page.locator(".ds-tag", has_text="Over fristen")).to_be_visible()
    _accessible_at_both_widths(page, "case_page_overdue")

    # Who has seen the patient's data: people by full name, never by login name.
    page.get_by_role("link", name="Hvem som har sett opplysningene om pasienten").click()
    expect(page.locator("main table tbody")).to_contain_text("Lise Leder")
    users = set(page.locator("main table tbody tr td:nth-child(2)").all_inner_texts())
    assert "Lise Leder" in users and "leder" not in users
    _accessible_at_both_widths(page, "person_log")


def test_the_adviser_must_choose_a_recommendation_and_can_open_the_case_documents(page):
    adviser = UserFactory(username="kari", first_name="Kari", last_name="Solberg", role="medical_adviser")
    case = make_case(received=TODAY - timedelta(days=3))
    cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=case.version,
        title="Epikrise fra Rikshospitalet",
        document_date=TODAY,
        correspondent="Rikshospitalet",
        correspondent_is_private=False,
        content=b"%PDF-1.4 epikrise",
        filename="epikrise.pdf",
        content_type="application/pdf",
    )
    cases.case_request_assessment(
        actor=OPERATOR,
        case=case,
        version=case.version,
        expert_community=expert_community(),
        question="Finnes det et adekvat tilbud i Norge?",
        adviser=adviser,
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, "kari", PASSWORD)
    page.goto("/utland/vurderinger/")
    _accessible_at_both_widths(page, "adviser_assessments")
    page.get_by_role("link", name=case.number).click()

    recommendation = page.get_by_label("Anbefaling")
    expect(recommendation).to_have_value("")
    page.get_by_label("Vurdering").fill("Tilbudet finnes ikke i Norge.")
    page.get_by_role("button", name="Gi vurdering").click()
    page.wait_for_load_state()
    expect(page.locator("#id_recommendation_error")).to_have_text("Velg om du støtter behandling i utlandet.")
    expect(page.get_by_role("link", name="Anbefaling: Velg om du støtter behandling i utlandet.")).to_be_visible()
    expect(page.get_by_label("Vurdering")).to_have_value("Tilbudet finnes ikke i Norge.")
    assert Assessment.objects.get(case=case).answered_on is None
    _accessible_at_both_widths(page, "assessment_answer_required")

    link = page.get_by_role("link", name="Epikrise fra Rikshospitalet")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body() == b"%PDF-1.4 epikrise"

    recommendation.select_option(label="Støtter ikke behandling i utlandet")
    page.get_by_role("button", name="Gi vurdering").click()
    page.wait_for_load_state()
    assert Assessment.objects.get(case=case).recommendation == "does_not_support"
    assert re.search(r"/utland/vurderinger/$", page.url)
