"""The statistics page in a browser, on the demo's year: the association's lead chooses the year, reads ≈ 35 %
assistance cases and the charts, with no axe violation, and the page reflows at 390 px."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.core import demo as core_demo
from vegvis.core.demo import DEMO_PASSWORD, DemoContext
from vegvis.inquiries import demo
from vegvis.inquiries.models import Inquiry
from vegvis.testing.browser import axe_violations, describe_violations, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def test_the_lead_reads_the_demo_years_statistics(page):
    context = DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=None)
    core_demo.populate(context)
    demo.populate(context)
    year = timezone.localdate().year - 1
    page.set_viewport_size(DESKTOP)
    log_in(page, "fjordlys.leder", DEMO_PASSWORD)
    page.get_by_role("link", name="Statistikk for henvendelser").first.click()
    page.wait_for_load_state()
    assert f"/henvendelser/statistikk/{year}/" in page.url
    share = page.locator("#andel-bistand").inner_text()
    assert re.fullmatch(r"3[4-6]\s%", share), share
    assert page.locator("#nye-henvendelser").inner_text() == "950"
    images = page.locator("figure img.vv-chart")
    assert images.count() == 5
    for index in range(5):  # every chart loaded (an SVG with a width), none broken
        assert images.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    save_screenshot(page, "inquiry_statistics_1366")
    page.set_viewport_size(PHONE)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    save_screenshot(page, "inquiry_statistics_390")
    # Choosing the current year: the open work of today, counted the same way.
    page.set_viewport_size(DESKTOP)
    page.get_by_label("År", exact=True).select_option(str(year + 1))
    page.get_by_role("button", name="Vis").click()
    page.wait_for_load_state()
    assert f"/henvendelser/statistikk/{year + 1}/" in page.url
    this_year = Inquiry.objects.filter(organisation__name=demo.ASSOCIATION, year=year + 1).count()
    assert page.locator("#nye-henvendelser").inner_text() == ("skjult" if 0 < this_year < 5 else str(this_year))
