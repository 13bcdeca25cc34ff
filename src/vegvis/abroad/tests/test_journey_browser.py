"""Issue 3's journey in a real browser: an application from receipt through expert assessment, rejection with a
PDF letter, appeal, forwarding, the board's reversal, travel booking, two invoices in SEK and EUR
(attested by the office lead, paid after a confirmation), to closed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from vegvis.abroad.models import Appeal, Case, Document, Expense, Status
from vegvis.abroad.tests.support import expert_community, hospital, rates
from vegvis.testing.browser import axe_violations, describe_violations, log_in, log_in_elsewhere
from vegvis.testing.factories import PASSWORD, UserFactory, synthetic_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def step(page, event: str) -> None:
    """Open a workflow step from the case page's list of next steps."""
    page.locator(f'a[href$="/steg/{event}/"]').click()
    page.wait_for_load_state()


def save(page) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def confirm_letter(page) -> None:
    """A step that sends a letter shows the letter first; the case handler confirms it."""
    expect(page.locator("#letter-preview")).to_be_visible()
    page.locator("main form button[name=confirm]").click()
    page.wait_for_load_state()


def test_case_handler_takes_an_application_from_receipt_to_closed(page, console_log):
    UserFactory(username="ingrid", first_name="Ingrid", last_name="Haugen", role="case_handler", role__office="ous")
    UserFactory(username="kari", first_name="Kari", last_name="Lie", role="office_lead", role__office="ous")
    community = expert_community()
    hospital(name="Karolinska Universitetssjukhuset", city="Stockholm", country="SE")
    today = timezone.localdate()
    rates(today, SEK="1.0385", EUR="11.6400")
    national_id = synthetic_id()

    log_in(page, "ingrid", PASSWORD)

    # Receipt: the application is registered through the form.
    page.goto("/utland/saker/ny/")
    page.fill("#id_national_id", national_id)
    page.fill("#id_patient_name", "Sigrid Dahl")
    page.select_option("#id_home_region", label="Helse Nord RHF")
    page.select_option("#id_route", value="treatment_abroad")
    page.select_option("#id_applicant", value="hospital_doctor")
    page.fill("#id_applicant_name", "Overlege Per Lunde")
    page.fill("#id_diagnosis_icd10", "G40.2")
    page.fill("#id_requested_treatment", "MEG-undersøkelse før epilepsikirurgi")
    page.select_option("#id_hospital", label="Karolinska Universitetssjukhuset, Stockholm")
    save(page)
    expect(page).to_have_url(re.compile(r"/utland/saker/\d+/$"))
    case = Case.objects.get(patient__name="Sigrid Dahl")
    assert case.office.code == "ous"  # Helse Nord's patients are handled by OUS
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)

    # Expert assessment, requested and answered by letter.
    step(page, "request_assessment")
    page.select_option("#id_expert_community", value=str(community.pk))
    page.fill("#id_question", "Finnes det et adekvat tilbud i Norge?")
    save(page)
    step(page, "register_assessment")
    page.select_option("#id_assessment", index=1)
    page.select_option("#id_recommendation", value="does_not_support")
    page.fill("#id_conclusion", "MEG kan utføres ved Rikshospitalet.")
    save(page)

    # Rejection with a PDF letter in the case file.
    step(page, "reject")
    page.fill("#id_grounds", "Det finnes et adekvat tilbud i Norge, jf. fagmiljøets vurdering.")
    save(page)
    confirm_letter(page)
    letter = Document.objects.get(case=case, kind=Document.Kind.DECISION)
    with page.expect_response(re.compile(rf"/dokumenter/{letter.pk}/$")) as pdf:
        page.evaluate("url => fetch(url)", f"/utland/saker/{case.pk}/dokumenter/{letter.pk}/")
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"

    # Appeal, forwarded, and reversed by the board.
    step(page, "register_appeal")
    page.fill("#id_grounds", "Pasienten mener ventetiden i Norge gjør tilbudet uforsvarlig.")
    save(page)
    step(page, "forward_appeal")
    save(page)
    confirm_letter(page)
    step(page, "record_appeal_reversed")
    save(page)
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP and case.final_outcome == "granted"
    assert case.appeals.get().board_outcome == Appeal.BoardOutcome.REVERSED

    # Travel booking and two invoices, in SEK and EUR.
    page.locator('a[href$="/oppfolging/booking/"]').click()
    page.select_option("#id_kind", value="flight")
    page.fill("#id_travellers", "Sigrid Dahl og mor")
    page.fill("#id_companions", "1")
    page.fill("#id_starts_on", today.strftime("%d.%m.%Y"))
    page.fill("#id_description", "SAS Tromsø–Stockholm")
    save(page)
    for amount, currency in (("84500.00", "SEK"), ("1250.00", "EUR")):
        page.locator('a[href$="/oppfolging/expense/"]').click()
        page.select_option("#id_category", value="treatment")
        page.fill("#id_amount", amount)
        page.select_option("#id_currency", value=currency)
        save(page)
    expenses = {e.currency: e for e in Expense.objects.filter(case=case)}
    assert expenses["SEK"].amount_nok == Decimal("87753.25") and expenses["EUR"].amount_nok == Decimal("14550.00")

    # The office lead attests both invoices (never the one who registered them), then each is marked as paid
    # after a confirmation, and the case is closed.
    lead = log_in_elsewhere(page, "kari", PASSWORD)
    try:
        lead.goto(page.url)
        for _ in range(2):
            lead.locator("main form[action*='/attester/'] button").first.click()
            lead.wait_for_load_state()
    finally:
        lead.context.close()
    for _ in range(2):
        page.reload()
        page.locator("main a[href*='/oppgjort/']").first.click()
        page.wait_for_load_state()
        page.check("#id_confirm")
        save(page)
    step(page, "close")
    save(page)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    with translation.override("nb"):
        expect(page.locator("main .ds-tag").first).to_have_text(str(Status.CLOSED.label))

    violations = axe_violations(page)
    assert not violations, f"WCAG 2.1 A/AA violations on the case page:\n{describe_violations(violations)}"
    assert not console_log.errors, "\n".join(console_log.errors)
