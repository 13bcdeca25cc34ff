"""Issue 4's journeys in a real browser: the analyst reads the annual report with its charts and writes the
network's text; an office lead imports cases by upload, preview and confirm. Checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from vegvis.abroad.models import Case
from vegvis.reports import dataset_2020
from vegvis.reports.models import ReportNarrative
from vegvis.testing.browser import axe_violations, describe_violations, log_in
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_analyst_reads_the_report_with_its_charts_and_writes_the_text(page, console_log, tmp_path):
    cases_file, history_file = dataset_2020.build().write(tmp_path)
    call_command("import", "history", str(history_file), stdout=StringIO())
    call_command("import", "cases", str(cases_file), stdout=StringIO())
    UserFactory(username="analytiker", first_name="Siv", last_name="Dahl", role="network_analyst")

    log_in(page, "analytiker", PASSWORD)
    page.get_by_role("link", name="Årsrapport", exact=True).first.click()
    page.goto("/rapporter/aarsrapport/2020/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Årsrapport 2020")
    expect(page.get_by_role("heading", name="3.5 Økonomi")).to_be_visible()
    expect(page.locator("#tabell-3\\.5a")).to_contain_text("22\u00a0623\u00a0000")

    charts = page.locator("img.vv-pub-chart")
    expect(charts).to_have_count(9)
    for index in range(9):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        assert chart.get_attribute("alt")
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), chart.get_attribute("src")

    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    # The network writes chapter 2; it appears, numbered, in the publication and its contents.
    page.locator('a[href="/rapporter/aarsrapport/2020/tekst/network/"]').click()
    page.get_by_label("Tekst").fill("## Nettverkets sammensetning\n\nHelse Vest RHF leder nettverket.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="2.1 Nettverkets sammensetning")).to_be_visible()
    expect(page.locator(".vv-pub-toc")).to_contain_text("2.1 Nettverkets sammensetning")
    assert ReportNarrative.objects.get(year=2020, section="network").updated_by.username == "analytiker"
    assert not console_log.errors, "\n".join(console_log.errors)


def test_an_office_lead_imports_cases_by_upload_preview_and_confirm(page, console_log, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="kontorleder", role="office_lead", role__office="ous")
    lines = [line for line in dataset_2020.build().lines if line["home_region"] in {"helse-sor-ost", "helse-nord"}]
    good = tmp_path / "saker.jsonl"
    good.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines[:40]), "utf-8")
    bad = tmp_path / "feil.jsonl"
    bad.write_text(
        "\n".join(
            json.dumps(line, ensure_ascii=False) for line in [*lines[:2], {**lines[2], "home_region": "helse-vest"}]
        ),
        "utf-8",
    )

    log_in(page, "kontorleder", PASSWORD)
    page.get_by_role("link", name="Importer saker").click()
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Kontroller filen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Filen har 1 feil")
    expect(page.locator("table")).to_contain_text("home_region")
    expect(page.get_by_role("button", name="Importer")).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.goto("/import/saker/")
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Kontroller filen").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("40")
    page.get_by_role("button", name="Importer").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Importert: 40 nye saker")
    assert Case.objects.count() == 40

    # The office's statistics: its regions only, small cells suppressed.
    page.get_by_role("link", name="Statistikk").click()
    page.goto("/rapporter/statistikk/?year=2020")
    expect(page.locator("main table").first).to_contain_text("Helse Sør-Øst")
    expect(page.locator("main table").first).not_to_contain_text("Helse Vest")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not console_log.errors, "\n".join(console_log.errors)
