"""Issue 11 as the case handler met it, in a real browser at 1366 px: typing an invoice amount the Norwegian way.

"412345,50" typed into the old number box was saved as 41 234 550 SEK against an 850 000 SEK guarantee. Here the
same keystrokes go into the case page's invoice form; the stored amount and the amount the page shows are read
back. A far too large amount shows a warning and is saved only once the box is ticked. Then a second person
attests the invoice and it is marked as paid after a confirmation. Screenshots at 1366 and 390 px are saved in
var/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.abroad.models import Case, Expense
from vegvis.abroad.services import followup
from vegvis.abroad.tests.support import OPERATOR, make_case, rates
from vegvis.testing.browser import SCREENSHOTS, axe_violations, describe_violations, log_in, log_in_elsewhere
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def granted_case_with_guarantee() -> Case:
    UserFactory(username="ingrid", first_name="Ingrid", last_name="Haugen", role="case_handler", role__office="ous")
    UserFactory(username="kari", first_name="Kari", last_name="Lie", role="office_lead", role__office="ous")
    case = make_case("follow_up", home_region="helse-sor-ost")
    rates(timezone.localdate(), SEK="1.0385")
    followup.guarantee_issue(
        actor=OPERATOR,
        case=case,
        version=case.version,
        hospital=case.hospital,
        amount=Decimal("850000"),
        currency="SEK",
        issued_on=timezone.localdate(),
    )
    return case


def open_invoice_form(page, case: Case) -> None:
    page.goto(f"/utland/saker/{case.pk}/")
    page.locator('a[href$="/oppfolging/expense/"]').click()
    page.wait_for_load_state()
    page.select_option("#id_category", value="treatment")
    page.fill("#id_reference", "F-2026-118")
    page.select_option("#id_currency", value="SEK")


def type_amount(page, typed: str) -> None:
    """Key by key, as a person types (no value set by script)."""
    page.locator("#id_amount").click()
    page.keyboard.type(typed)


def save(page) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"issue11_{name}.png"), full_page=True)


@pytest.mark.parametrize("typed", ["412 345,50", "412345,50"])
def test_an_invoice_amount_typed_the_norwegian_way_is_stored_and_shown_as_meant(page, console_log, typed):
    case = granted_case_with_guarantee()
    page.set_viewport_size(DESKTOP)
    log_in(page, "ingrid", PASSWORD)

    open_invoice_form(page, case)
    amount = page.locator("#id_amount")
    assert amount.get_attribute("type") == "text" and amount.get_attribute("inputmode") == "decimal"
    type_amount(page, typed)
    save(page)

    expect(page).to_have_url(re.compile(rf"/utland/saker/{case.pk}/$"))
    assert Expense.objects.get(case=case).amount == Decimal("412345.50")
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text("412\u00a0345,50 SEK")
    expect(row).not_to_contain_text("41\u00a0234\u00a0550")
    assert console_log.errors == []


def test_a_far_too_large_amount_is_warned_about_and_saved_only_when_confirmed(page, console_log):
    case = granted_case_with_guarantee()
    page.set_viewport_size(DESKTOP)
    log_in(page, "ingrid", PASSWORD)

    open_invoice_form(page, case)
    type_amount(page, "41 234 550")  # what the number box once made of "412345,50"
    save(page)

    warning = page.locator("#id_amount_confirmed_error")
    expect(warning).to_contain_text("mer enn ti ganger betalingsgarantien på 850\u00a0000,00 SEK")
    expect(page.locator("#id_amount")).to_have_value("41 234 550")  # what was typed, kept
    assert not Expense.objects.filter(case=case).exists()
    shot(page, "invoice_warning_1366")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    page.set_viewport_size(PHONE)
    shot(page, "invoice_warning_390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the form scrolls sideways on a phone: {width}px"

    page.set_viewport_size(DESKTOP)
    save(page)  # sent again without the box: still nothing saved
    expect(page.locator("#id_amount_confirmed_error")).to_be_visible()
    assert not Expense.objects.filter(case=case).exists()

    page.get_by_label("Jeg har kontrollert beløpet mot fakturaen, og det er riktig").check()
    save(page)
    expect(page).to_have_url(re.compile(rf"/utland/saker/{case.pk}/$"))
    assert Expense.objects.get(case=case).amount == Decimal("41234550")
    assert console_log.errors == []


def test_a_second_person_attests_the_invoice_and_it_is_paid_after_a_confirmation(page, console_log):
    case = granted_case_with_guarantee()
    page.set_viewport_size(DESKTOP)
    log_in(page, "ingrid", PASSWORD)
    open_invoice_form(page, case)
    type_amount(page, "412 345,50")
    save(page)
    invoice = Expense.objects.get(case=case)
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text("Venter på attestasjon")
    expect(row).to_contain_text("Registrert av Ingrid Haugen")
    expect(row.get_by_role("button", name="Attester")).to_have_count(0)  # not for the one who registered it

    lead = log_in_elsewhere(page, "kari", PASSWORD)
    try:
        lead.set_viewport_size(DESKTOP)
        lead.goto(f"/utland/saker/{case.pk}/")
        lead.locator("main table tbody tr").first.get_by_role("button", name="Attester").click()
        lead.wait_for_load_state()
        expect(lead.locator("main table tbody tr").first).to_contain_text("attestert av Kari Lie")
    finally:
        lead.context.close()
    invoice.refresh_from_db()
    assert invoice.state == Expense.State.APPROVED

    page.reload()
    shot(page, "invoice_table_1366")
    page.set_viewport_size(PHONE)
    shot(page, "invoice_table_390")
    page.set_viewport_size(DESKTOP)
    page.locator("main table tbody tr").first.get_by_role("link", name="Marker som betalt").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Kari Lie")
    save(page)  # without the confirmation: refused, nothing paid
    expect(page.locator("#id_confirm_error")).to_be_visible()
    assert Expense.objects.get(pk=invoice.pk).state == Expense.State.APPROVED
    page.get_by_label("Jeg bekrefter at denne fakturaen er betalt").check()
    save(page)
    expect(page.locator("main table tbody tr").first).to_contain_text("Betalt")
    assert Expense.objects.get(pk=invoice.pk).state == Expense.State.SETTLED
    assert console_log.errors == []
