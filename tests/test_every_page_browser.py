"""Issue 11: every page of every role, in Chromium, passes axe-core (WCAG 2.1 AA) at 1366 and 390 pixels wide,
reflows at 390 pixels (no sideways scrolling of the page; a wide table scrolls inside its own ``.vv-table-wrap``)
and logs no console error.

The pages are found, not listed (vegvis.testing.pages): every page the access matrix says the role opens, the
administration site's pages, and the pages of a realistic data set (a case in every workflow state, a follow-up
with a payment guarantee and invoices, an appeal, an emergency access, assessments for the adviser, an import
waiting for confirmation, a report year with data), with the links under each case page followed once per shape.
Screenshots at 390 pixels of pages that fail (of every page with VEGVIS_PAGE_SCREENSHOTS=1) are saved under
var/screenshots/pages/. VEGVIS_WALK_PAGES=<app> walks only the pages of one app (by every role).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from vegvis.abroad.models import Case, Expense
from vegvis.abroad.services import followup
from vegvis.abroad.tests.support import OPERATOR, STATES, advance, expert_community, hospital, make_case, rates
from vegvis.access.policies import open_emergency_access
from vegvis.access.principal import principal_for
from vegvis.reports import dataset_2020, pending
from vegvis.testing.access_matrix import ROLES, Actors, registered_objects
from vegvis.testing.browser import AXE_SCRIPT, SCREENSHOTS, WCAG_21_AA, ConsoleLog, describe_violations, log_in
from vegvis.testing.factories import PASSWORD
from vegvis.testing.pages import CASE_PAGE, Visit, linked_pages, pages_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.whole_walk,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
AXE_URL = "/static/__axe-under-test.js"  # never a file of ours: the test's route answers it

# The page's width against the window's, and the innermost elements that stick out of the window (outside the
# regions that scroll on their own), for the failure message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const out = [...document.querySelectorAll('body *')].filter(el => {
    if (el.closest('.vv-table-wrap, .vv-code')) return false;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5) return true;
    // a box that fits, with text that does not (a long word in a heading)
    return el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' &&
      box.left + el.scrollWidth > width + 0.5;
  });
  const innermost = out.filter(el => !out.some(other => other !== el && el.contains(other)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return {scrollWidth, elements: innermost.slice(0, 6).map(el =>
    `${name(el.parentElement)} > ${name(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`)};
}"""


@dataclass
class Walk:
    """What the walk found wrong, page by page."""

    role: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    not_html: list[str] = field(default_factory=list)

    def add(self, visit: Visit, problem: str) -> None:
        self.problems.append(f"{visit.label} {visit.url}: {problem}")


def report_year_with_data(tmp_path: Path) -> None:
    """The 2020 data set's applications and referrals received in 2020, imported with ``vegvis import cases``."""
    lines = [line for line in dataset_2020.build().lines if line["received_date"].startswith("2020")]
    cases = tmp_path / "saker.jsonl"
    cases.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", "utf-8")
    call_command("import", "cases", str(cases), stdout=StringIO())
    assert Case.objects.filter(received_date__year=2020).count() == len(lines)


def follow_up_with_money() -> Case:
    """A granted case in follow-up: a payment guarantee, a booking, a note from the stay, and invoices in SEK
    and EUR (one registered, one attested, one paid)."""
    today = timezone.localdate()
    rates(today, SEK="1.0385", EUR="11.6400")
    clinic = hospital(name="Universitätsklinikum Hamburg-Eppendorf, Klinik für Neurochirurgie", city="Hamburg")
    case = make_case(
        "follow_up", applicant_name="Overlege Per Lunde (per.lunde.nevrokirurgisk-avdeling@oslo-universitetssykehus.no)"
    )
    followup.guarantee_issue(
        actor=OPERATOR,
        case=case,
        version=None,
        hospital=clinic,
        amount=Decimal("250000"),
        currency="EUR",
        issued_on=today,
        valid_until=today + timedelta(days=180),
        note="Gjelder operasjon og inntil ti liggedøgn.",
    )
    followup.booking_add(
        actor=OPERATOR,
        case=case,
        version=None,
        kind="flight",
        travellers="Pasienten og mor",
        companions=1,
        starts_on=today,
        ends_on=today + timedelta(days=12),
        description="SAS Oslo–Hamburg",
        booking_reference="SK-4711-ABCDEFGHIJKLMNOP",
    )
    followup.stay_note_add(
        actor=OPERATOR, case=case, version=None, text="Flyet ble forsinket; hotell én natt.", follow_up_on=today
    )
    expenses = [
        followup.expense_add(
            actor=OPERATOR,
            case=case,
            version=None,
            kind="invoice",
            category="treatment",
            amount=amount,
            currency=currency,
            invoice_date=today,
            creditor="Universitätsklinikum Hamburg-Eppendorf Abrechnungsstelle",
            reference=f"RE-2026-000{number}-UKE-NEUROCHIRURGIE",
            amount_confirmed=True,
        )
        for number, (amount, currency) in enumerate(
            ((Decimal("84500"), "SEK"), (Decimal("1250"), "EUR"), (Decimal("300"), "EUR"))
        )
    ]
    followup.expense_attest(actor=OPERATOR, expense=expenses[1])
    followup.expense_attest(actor=OPERATOR, expense=expenses[2])
    followup.expense_settle(actor=OPERATOR, expense=expenses[2], settled_on=today)
    assert Expense.objects.filter(case=case, state=Expense.State.SETTLED).count() == 1
    return case


def realistic_data(actors: Actors, tmp_path: Path) -> list[tuple[str | tuple[str, ...], Visit]]:
    """The data set the pages are walked with, and the pages it adds (see vegvis.testing.pages.pages_for)."""
    for builder in registered_objects():
        builder(actors)
    report_year_with_data(tmp_path)
    expert_community()
    extra: list[tuple[str | tuple[str, ...], Visit]] = []
    for state in STATES:
        case = make_case(state)
        extra.append(("abroad:case", Visit(f"case page ({state})", f"/utland/saker/{case.pk}/")))
    for route in ("pgd", "particle_therapy"):
        case = make_case("received", route=route)
        advance(case, "at_appeals_body" if route == "pgd" else "follow_up")
        extra.append(("abroad:case", Visit(f"case page ({route})", f"/utland/saker/{case.pk}/")))
    money = follow_up_with_money()
    extra.append(("abroad:case", Visit("case page (follow-up with invoices)", f"/utland/saker/{money.pk}/")))

    # The other office's case handler opens an Oslo case with emergency access, and reads it.
    emergency = make_case("info_requested")
    open_emergency_access(
        principal=principal_for(actors["case_handler_other_office"]),
        obj=emergency,
        reason="Pasienten er innlagt akutt i Bergen.",
    )
    extra.append(
        (("case_handler_other_office",), Visit("case page (emergency access)", f"/utland/saker/{emergency.pk}/"))
    )

    # An import the office lead has uploaded, waiting for confirmation.
    lines = [line for line in dataset_2020.build().lines if line["home_region"] == "helse-sor-ost"][60:70]
    content = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    lead = actors["office_lead"]
    if lead is not None:
        token = pending.save(user_id=lead.pk, name="saker-fra-fagsystemet-desember.jsonl", content=content)
        extra.append(
            (("office_lead",), Visit("import preview", reverse("reports:case_import_preview", kwargs={"token": token})))
        )
    return extra


def visit_page(tab: Any, visit: Visit, walk: Walk, console_log: Any) -> list[str]:
    """Visit one page at both widths; returns the page's links (for the walk under case pages)."""
    errors_before = len(console_log.errors)
    tab.set_viewport_size(WIDE)
    try:
        response = tab.goto(visit.url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):  # a file to save (an export), not a page
            walk.not_html.append(visit.url)
            return []
        raise
    if response is None or response.status != 200:
        walk.add(visit, f"answered {response.status if response else 'nothing'}, expected 200")
        return []
    if not response.headers.get("content-type", "").startswith("text/html"):
        walk.not_html.append(visit.url)
        return []
    walk.visited.append(visit.url)
    links = tab.eval_on_selector_all(
        "main a[href], #content a[href]", "links => links.map(a => a.getAttribute('href'))"
    )

    tab.set_viewport_size(NARROW)
    overflow = tab.evaluate(OVERFLOW)
    if overflow:
        walk.add(
            visit,
            f"at 390 px the page is {overflow['scrollWidth']} px wide: " + "; ".join(overflow["elements"]),
        )
    if overflow or os.environ.get("VEGVIS_PAGE_SCREENSHOTS"):
        target = SCREENSHOTS / "pages" / walk.role / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', visit.url).strip('_')}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(target), full_page=True)

    tab.set_viewport_size(WIDE)
    tab.add_script_tag(url=AXE_URL)
    result = tab.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    if result["violations"]:
        walk.add(visit, "axe:\n" + describe_violations(result["violations"]))
    # axe itself sets inline styles while it measures, which the policy refuses: that is the tool, not the page.
    errors = [error for error in console_log.errors[errors_before:] if AXE_URL not in error]
    if errors:
        walk.add(visit, "console errors: " + "; ".join(errors))
    return [link for link in links if link.startswith("/")]


def walk_role(role: str, user: Any, visits: list[Visit], browser: Any, base_url: str) -> Walk:
    """Log in once in the role's own browser context and visit its pages, and the pages under each case page."""
    context = browser.new_context(base_url=base_url, locale="nb-NO")
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        console_log = ConsoleLog()
        console_log.listen(tab)
        if user is not None:
            log_in(tab, user.username, PASSWORD)
            assert "/konto/" not in tab.url, f"{role}: the login did not succeed ({tab.url})"
        # axe is served as if it were one of our own scripts (the Content-Security-Policy allows only those), so
        # it runs in the page under test with the policy on, and each page is loaded once.
        tab.route(f"{base_url}{AXE_URL}", lambda route: route.fulfill(path=str(AXE_SCRIPT)))
        walk = Walk(role)
        seen_shapes = {v.shape for v in visits if not CASE_PAGE.match(v.url)}
        queue = list(visits)
        while queue:
            visit = queue.pop(0)
            queue.extend(linked_pages(visit, visit_page(tab, visit, walk, console_log), seen_shapes))
        return walk
    finally:
        context.close()


# The roles in four walks (every fourth role each), so the two test workers share them evenly.
WALKS = 4
# The matrix's second user of a role in another organisation (``supplier_user_other``, ``earlyaccess_regional_other``,
# …) sees the same pages as the first, drawn by the same templates: the access matrix asks with both (that is what
# they are for), the walk of what the pages look like takes the role once.
WALKED_ROLES = [role for role in ROLES if not role.endswith("_other")]
# VEGVIS_WALK_PAGES=consultations: walk only the pages whose URL name starts with it (one app's pages by every
# role, for the engineer working on it; the whole walk is the default).
ONLY = os.environ.get("VEGVIS_WALK_PAGES", "")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("walk", range(WALKS), ids=lambda walk: f"roles {walk + 1} of {WALKS}")
def test_every_page_of_every_role_passes_axe_and_reflows_at_390_px(page, live_server, tmp_path, settings, walk):
    settings.MEDIA_ROOT = tmp_path / "media"
    actors = Actors()
    extra = realistic_data(actors, tmp_path)
    walks = []
    for role in WALKED_ROLES[walk::WALKS]:
        visits = [visit for visit in pages_for(role, actors, extra) if visit.label.startswith(ONLY)]
        assert visits, f"{role}: the walk found no pages"
        walks.append(walk_role(role, actors[role], visits, page.context.browser, live_server.url))

    for walk in walks:
        assert walk.visited, f"{walk.role}: no page answered with HTML"
    problems = [f"{walk.role} ({len(walk.visited)} pages): {problem}" for walk in walks for problem in walk.problems]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
