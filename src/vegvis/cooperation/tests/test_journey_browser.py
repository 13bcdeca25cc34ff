"""Issue 14's done-when in a real browser: a register administrator enters an agreement that breaks three rules and
sees each named with its paragraph, and a compliant one that shows none; the organisation's user disputes the
first (with a reason) and confirms the second; the administrator publishes both; an anonymous visitor finds this
year's agreements of the organisation on the public page, with its totals and the disputed mark, and downloads the
year's agreements as CSV, whose rows are read back. axe-core finds no WCAG 2.1 A/AA violation on any page visited,
at 1366 px, and the agreement page with its findings neither fails axe nor scrolls sideways at 390 px."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.cooperation.models import Agreement, Status
from vegvis.cooperation.tests.support import OTHER_ORGANISATION, SUPPLIER, make_agreement, organisation, supplier
from vegvis.core.models import LegalDeadline
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
ORGANISATION = "Foreningen for hjertesyke"
REASON = "Avtalen ble aldri signert av foreningen, og vi har ikke inngått noen eksklusivitet."


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


def d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def enter(page: Any, *, organisation_pk: int, supplier_pk: int, **answers: str) -> Agreement:
    """The administrator's entry form, from the register's button: filled in as a person would, then saved."""
    page.goto("/samarbeid/")
    axe(page)
    page.locator("main").get_by_role("link", name="Ny avtale").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny avtale")
    axe(page)
    page.select_option("#id_supplier", value=str(supplier_pk))
    page.select_option("#id_organisation", value=str(organisation_pk))
    page.select_option("#id_kind", value="financial_support")
    for name in ("written", "exclusive", "transparency_clause", "market_value_stated"):
        page.check(f"input[name={name}][value={answers[name]}]")
    page.fill("#id_signed_on", answers["signed_on"])
    page.fill("#id_starts_on", answers["starts_on"])
    page.fill("#id_ends_on", answers["ends_on"])
    page.fill("#id_amount_nok", answers["amount_nok"])
    page.fill("#id_purpose", answers["purpose"])
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/samarbeid/\d+/$"))
    return Agreement.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def publish(page: Any, agreement: Agreement) -> None:
    page.goto(f"/samarbeid/{agreement.pk}/")
    axe(page)
    page.get_by_role("button", name="Publiser").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Avtalen er publisert.")
    axe(page)


def test_agreements_are_checked_reviewed_published_and_found_by_the_public(page, console_log, live_server):
    company = supplier(SUPPLIER, ("medtek", "lmi"))
    today = timezone.localdate()
    year = today.year
    heart = organisation(ORGANISATION, budget=Decimal("1000000"), year=year)
    lungs = organisation(OTHER_ORGANISATION, budget=Decimal("2000000"), year=year)
    make_agreement("published", organisation=lungs)  # another organisation's agreement of the year: filtered away
    UserFactory(username="silje", first_name="Silje", last_name="Brekke", role="cooperation_administrator")
    UserFactory(
        username="kari",
        first_name="Kari",
        last_name="Nilsen",
        email="kari@example.org",
        role="patient_organisation_user",
        role__organisation=ORGANISATION,
    )
    starts_on = date(year, 1, 2)
    page.set_viewport_size(WIDE)

    # The administrator enters an agreement that breaks three rules: exclusive (§ 4), not written (§ 6), and
    # signed after the cooperation started (LMI, which the supplier is bound by).
    log_in(page, "silje", PASSWORD)
    breaking = enter(
        page,
        supplier_pk=company.pk,
        organisation_pk=heart.pk,
        written="nei",
        exclusive="ja",
        transparency_clause="ja",
        market_value_stated="ja",
        signed_on=d(starts_on + timedelta(days=8)),
        starts_on=d(starts_on),
        ends_on=d(date(year, 12, 31)),
        amount_nok="60 000",
        purpose="Landsmøte med faglig program",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(breaking.number)
    findings = page.locator("#h-findings + ul > li")
    expect(findings).to_have_count(3)
    expect(findings.nth(0)).to_contain_text("LMI")
    expect(findings.nth(0)).to_contain_text("Avtalen ble ikke signert før samarbeidet startet.")
    expect(findings.nth(1)).to_contain_text("§ 4")
    expect(findings.nth(1)).to_contain_text("Avtalen er en eksklusivitetsavtale")
    expect(findings.nth(2)).to_contain_text("§ 6")
    expect(findings.nth(2)).to_contain_text("Det finnes ingen skriftlig avtale")
    axe(page)
    save_screenshot(page, "cooperation_agreement_findings_1366")

    # The agreement page with its findings at a phone's width: no violations, and no sideways scrolling.
    page.set_viewport_size(NARROW)
    axe(page, NARROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the agreement page is {width} px wide at 390 px"
    save_screenshot(page, "cooperation_agreement_findings_390")
    page.set_viewport_size(WIDE)

    # A compliant agreement shows none.
    compliant = enter(
        page,
        supplier_pk=company.pk,
        organisation_pk=heart.pk,
        written="ja",
        exclusive="nei",
        transparency_clause="ja",
        market_value_stated="ja",
        signed_on=d(starts_on - timedelta(days=14)),
        starts_on=d(starts_on),
        ends_on=d(date(year, 12, 31)),
        amount_nok="40 000,50",
        purpose="Likepersonskurs for nydiagnostiserte",
    )
    expect(page.locator("#h-findings + p")).to_have_text("Avtalen bryter ingen av reglene leverandøren er bundet av.")
    expect(page.locator("#h-findings + ul")).to_have_count(0)
    axe(page)

    # The organisation's user, at her own browser, disputes the first with a reason and confirms the second.
    kari = log_in_elsewhere(page, "kari", PASSWORD)
    kari.goto(f"/samarbeid/{breaking.pk}/")
    axe(kari)
    kari.get_by_role("link", name="Bestrid").click()
    kari.wait_for_load_state()
    axe(kari)
    kari.get_by_label("Hvorfor organisasjonen bestrider avtalen").fill(REASON)
    kari.locator("main form button[type=submit]").click()
    kari.wait_for_load_state()
    expect(kari).to_have_url(re.compile(rf"/samarbeid/{breaking.pk}/$"))
    expect(kari.locator("#h-review + dl")).to_contain_text(REASON)
    axe(kari)
    kari.goto(f"/samarbeid/{compliant.pk}/")
    kari.get_by_role("button", name="Bekreft").click()
    kari.wait_for_load_state()
    axe(kari)
    kari.context.close()
    breaking.refresh_from_db()
    compliant.refresh_from_db()
    assert (breaking.status, breaking.dispute_reason, compliant.status) == (Status.DISPUTED, REASON, Status.CONFIRMED)

    # A disputed agreement is published once its correction period is over. As vegvis.cooperation.demo does, and
    # only here in the test data: its review and correction due dates are moved back to what they would have been
    # had it been entered on its start date (at the latest yesterday); the services stamped them from today.
    review = LegalDeadline.get("cooperation_review").after(starts_on)
    correction = LegalDeadline.get("cooperation_correction").after(review)
    yesterday = today - timedelta(days=1)
    Agreement.objects.filter(pk=breaking.pk).update(
        review_due_on=min(review, yesterday), correction_due_on=min(correction, yesterday)
    )
    publish(page, breaking)
    expect(page.locator("#h-versions + ol")).to_contain_text("Bestridt")
    save_screenshot(page, "cooperation_agreement_published_disputed_1366")
    publish(page, compliant)

    # An anonymous visitor finds this year's agreements of the organisation, with its totals and the mark.
    visitor = page.context.browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=WIDE)
    visitor.set_default_timeout(10_000)
    public = visitor.new_page()
    console_log.listen(public)
    public.goto("/samarbeidsavtaler/")
    expect(public.get_by_role("heading", level=1)).to_contain_text(str(year))
    axe(public)
    public.get_by_label("Pasientorganisasjon", exact=True).select_option(label=ORGANISATION)
    public.get_by_role("button", name="Vis").click()
    public.wait_for_load_state()
    axe(public)
    agreements = public.locator("table").first
    expect(agreements.locator("caption")).to_have_text("Avtaler (2)")
    rows = agreements.locator("tbody tr")
    expect(rows).to_have_count(2)
    disputed = rows.filter(has_text="Landsmøte med faglig program")
    expect(disputed).to_contain_text("Bestridt")
    expect(disputed).to_contain_text(REASON)
    expect(rows.filter(has_text="Likepersonskurs for nydiagnostiserte")).not_to_contain_text("Bestridt")
    expect(agreements).not_to_contain_text(OTHER_ORGANISATION)
    totals = public.locator("#tabell-organisasjoner tbody tr")
    expect(totals).to_have_count(1)
    save_screenshot(public, "cooperation_public_organisation_1366")
    expect(totals.first.locator("th")).to_have_text(ORGANISATION)
    # 60 000 + 40 000,50 kroner (whole kroner on the page) of a budget of 1 000 000: 10 %.
    expect(totals.first.locator("td").nth(0)).to_have_text(re.compile(r"^100\s000$"))
    expect(totals.first.locator("td").nth(1)).to_have_text(re.compile(r"^1\s000\s000$"))
    expect(totals.first.locator("td").nth(2)).to_have_text(re.compile(r"^10([,.]0)?\s?%$"))

    # The year's agreements as CSV, read back: the organisation's two, the disputed one marked with its reason.
    with public.expect_download() as download_info:
        public.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"samarbeidsavtaler-{year}.csv"
    content = Path(download.path()).read_bytes().decode("utf-8-sig")
    downloaded = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    ours = sorted(
        (r["agreement"], r["total_nok"], r["disputed"], r["dispute_reason"], r["findings"])
        for r in downloaded
        if r["organisation"] == ORGANISATION
    )
    assert ours == sorted(
        [
            (
                breaking.number,
                "60000.00",
                "ja",
                REASON,
                "lmi-signed-before-start, medtek-4-exclusivity, medtek-6-written",
            ),
            (compliant.number, "40000.50", "nei", "", ""),
        ]
    )
    assert {r["organisation"] for r in downloaded} == {ORGANISATION, OTHER_ORGANISATION}  # the whole year
    visitor.close()
    assert not console_log.errors, "\n".join(console_log.errors)
