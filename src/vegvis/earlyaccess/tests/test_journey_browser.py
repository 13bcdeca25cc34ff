"""Issue 16's done-when in a real browser: a hospital user (the hospital's pharmacy and a clinician in one person)
registers a programme under the short-duration standard agreement and its region's agreement; a patient start
dated before the agreement date is refused with the Norwegian reason next to the start date, what was typed kept
(all but the national id, which is never shown back); the start dated after it is made; when the clock is moved
past six months after the start, the worklist flags the treatment. axe-core finds no WCAG 2.1 A/AA violation on
any page visited, at 1366 px, and the programme page, the refused start form and the flagged worklist neither
fail axe nor scroll sideways at 390 px."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.access.principal import SYSTEM
from vegvis.accounts.services import role_assign
from vegvis.core.models import LegalDeadline, Organisation
from vegvis.earlyaccess.models import SHORT_DURATION_DEADLINE, PatientTreatment, Programme
from vegvis.earlyaccess.tests.support import HOSPITAL, SUPPLIER, hospital, on_day, organisations
from vegvis.testing.browser import AXE_SCRIPT, WCAG_21_AA, describe_violations, log_in, save_screenshot
from vegvis.testing.factories import PASSWORD, UserFactory, named_organisation, region, synthetic_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
DRUG = "Tidlibumab"


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


def axe_here(page: Any) -> None:
    """axe on the page as it is now (a form answered with its errors cannot be reloaded by URL): the script is
    served as if it were one of ours, so the page keeps its Content-Security-Policy."""
    page.route("**/static/__axe-under-test.js", lambda route: route.fulfill(path=str(AXE_SCRIPT)))
    page.add_script_tag(url="/static/__axe-under-test.js")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    violations = result["violations"]
    assert not violations, f"axe on {page.url} (as answered):\n{describe_violations(violations)}"


def narrow(page: Any, name: str, *, reload: bool = True) -> None:
    """The page at a phone's width: no sideways scrolling, and (when it can be reloaded) no axe violation."""
    page.set_viewport_size(NARROW)
    if reload:
        axe(page, NARROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} is {width} px wide at 390 px"
    save_screenshot(page, f"earlyaccess_{name}_390")
    page.set_viewport_size(WIDE)
    save_screenshot(page, f"earlyaccess_{name}_1366")


def save(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def d(day: Any) -> str:
    return day.strftime("%d.%m.%Y")


def test_a_short_duration_programme_refuses_an_early_start_and_flags_the_treatment_after_six_months(
    page, console_log, monkeypatch
):
    organisations()
    own = hospital()
    supplier = named_organisation(SUPPLIER, Organisation.Kind.SUPPLIER)
    user = UserFactory(
        username="ingrid",
        first_name="Ingrid",
        last_name="Haugen",
        role="earlyaccess_pharmacy",
        role__organisation=HOSPITAL,
        role__organisation_kind="hospital",
    )
    role_assign(actor=SYSTEM, user=user, role_code="earlyaccess_clinician", organisation=own)
    today = timezone.localdate()
    signed_on = today - timedelta(days=20)
    page.set_viewport_size(WIDE)
    log_in(page, "ingrid", PASSWORD)

    # The programme, from the programme list's button.
    page.goto("/tidlig-tilgang/programmer/")
    axe(page)
    page.locator("main").get_by_role("link", name="Nytt program").click()
    page.wait_for_load_state()
    axe(page)
    page.fill("#id_drug_name", DRUG)
    page.fill("#id_active_substance", "tidlibumab")
    page.fill("#id_atc_code", "L01FX")
    page.select_option("#id_supplier", value=str(supplier.pk))
    page.fill("#id_indication", "Residiverende multippelt myelom etter minst tre behandlingslinjer")
    page.check("input[name=basis][value=programme]")
    page.check("input[name=agreement_kind][value=short_duration]")
    page.fill("#id_cost_terms", "Legemiddelet er vederlagsfritt til Beslutningsforum har besluttet.")
    page.select_option("#id_owner", value=str(own.pk))
    save(page)
    expect(page).to_have_url(re.compile(r"/tidlig-tilgang/programmer/\d+/$"))
    made = Programme.objects.get(drug_name=DRUG)
    assert made.agreement_kind == "short_duration"
    expect(page.get_by_role("heading", level=1)).to_have_text(DRUG)
    expect(page.locator("#h-agreements + p")).to_contain_text("Ingen region har en signert avtale")
    axe(page)

    # The region's signed agreement.
    page.locator("main").get_by_role("link", name="Registrer avtale").click()
    page.wait_for_load_state()
    axe(page)
    page.select_option("#id_region", value=str(region("helse-sor-ost").pk))
    page.fill("#id_signed_on", d(signed_on))
    page.fill("#id_reference", "SA-KORT-2026-014")
    save(page)
    expect(page).to_have_url(re.compile(rf"/tidlig-tilgang/programmer/{made.pk}/$"))
    expect(page.locator("#h-agreements + ul")).to_contain_text(d(signed_on))
    axe(page)
    narrow(page, "programme")

    # A start dated the day before the agreement date: refused, the reason next to the start date.
    page.goto("/tidlig-tilgang/pasienter/")
    axe(page)
    page.locator("main").get_by_role("link", name="Start en pasient").click()
    page.wait_for_load_state()
    axe(page)
    national_id = synthetic_id(today.replace(year=1961))
    page.fill("#id_name", "Ola Nordmann")
    page.fill("#id_national_id", national_id)
    page.select_option("#id_home_region", value=str(region("helse-sor-ost").pk))
    page.select_option("#id_programme", value=str(made.pk))
    page.select_option("#id_hospital", value=str(own.pk))
    page.fill("#id_consultant", "Overlege Kari Nordmann")
    page.fill("#id_started_on", d(signed_on - timedelta(days=1)))
    save(page)
    assert not PatientTreatment.objects.exists()
    reason = page.locator("#id_started_on_error")
    expect(reason).to_contain_text("Pasienten kan ikke starte før avtaledatoen")
    expect(reason).to_contain_text(f"signert {d(signed_on)}")
    expect(page.locator("#id_started_on")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_started_on")).to_have_value(d(signed_on - timedelta(days=1)))
    expect(page.locator("#id_name")).to_have_value("Ola Nordmann")
    expect(page.locator("#id_consultant")).to_have_value("Overlege Kari Nordmann")
    expect(page.locator("#id_programme")).to_have_value(str(made.pk))
    expect(page.locator("#id_national_id")).to_have_value("")  # never shown back, and the form says so
    expect(page.locator("#id_national_id_helptext")).to_contain_text("Skriv det inn på nytt")
    assert national_id not in page.content()
    axe_here(page)
    narrow(page, "start_refused", reload=False)

    # The start dated after the agreement date.
    started_on = signed_on + timedelta(days=2)
    page.fill("#id_national_id", national_id)
    page.fill("#id_started_on", d(started_on))
    save(page)
    expect(page).to_have_url(re.compile(r"/tidlig-tilgang/pasienter/\d+/$"))
    treatment = PatientTreatment.objects.get()
    expected_end = LegalDeadline.get(SHORT_DURATION_DEADLINE).after(started_on)
    assert treatment.expected_end_on == expected_end
    expect(page.get_by_role("heading", level=1)).to_contain_text(treatment.number)
    expect(page.locator("main")).to_contain_text(d(expected_end))
    assert national_id not in page.content() and national_id not in page.url
    axe(page)

    # On the expected end (six months after the start) there is no flag yet.
    on_day(monkeypatch, expected_end)
    page.goto("/tidlig-tilgang/pasienter/")
    row = page.locator("main tbody tr", has_text=treatment.number)
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("Over forventet varighet")

    # The day after, the treatment has run past six months: flagged in the worklist and on its page.
    on_day(monkeypatch, expected_end + timedelta(days=1))
    page.goto("/tidlig-tilgang/pasienter/")
    expect(row.locator(".ds-tag")).to_have_text("Over forventet varighet")
    # The flag stands next to the patient, so that it is seen at 390 px without scrolling the table.
    expect(page.locator("main thead th")).to_have_text(
        ["Nummer", "Pasient", "Flagg", "Legemiddel", "Startdato", "Forventet slutt"]
    )
    axe(page)
    narrow(page, "worklist_flagged")
    row.get_by_role("link", name=treatment.number).click()
    page.wait_for_load_state()
    expect(page.locator("main .ds-tag", has_text="Over forventet varighet")).to_be_visible()
    axe(page)
    narrow(page, "treatment_flagged")
    assert not console_log.errors, "\n".join(console_log.errors)
