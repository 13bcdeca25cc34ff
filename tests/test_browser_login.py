"""A case handler logs in through the login form in a real browser and lands on an accessible home page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from vegvis.audit.models import AuditEntry
from vegvis.testing.browser import axe_violations, describe_violations, log_in
from vegvis.testing.factories import PASSWORD, UserFactory

# The live server needs committed data; serialized rollback puts the seeded offices and roles back afterwards.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("norwegian_catalogue"),  # the journey finds the fields by their Norwegian labels
]


def test_case_handler_logs_in_through_the_form_and_home_meets_wcag_21_aa(page, console_log):
    kari = UserFactory(
        username="kari.nordmann", first_name="Kari", last_name="Nordmann", role="case_handler", role__office="ous"
    )

    log_in(page, "kari.nordmann", PASSWORD)

    expect(page).to_have_url(re.compile(r"/hjem/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kari Nordmann")
    violations = axe_violations(page)
    assert not violations, f"WCAG 2.1 A/AA violations on {page.url}:\n{describe_violations(violations)}"
    assert not console_log.errors, "console errors (a refused script or style is a CSP violation):\n" + "\n".join(
        console_log.errors
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor_id=kari.pk).exists()


def test_wrong_password_keeps_the_user_on_the_login_page_with_a_norwegian_message(page):
    UserFactory(username="ola.nordmann", role="case_handler", role__office="ous")

    log_in(page, "ola.nordmann", "not-the-password")

    expect(page).to_have_url(re.compile(r"/konto/logg-inn/$"))
    expect(page.get_by_role("alert")).to_contain_text("Brukernavnet eller passordet er feil")
