"""Issue 12 in a real browser: the system administrator opens the legal deadlines in the administration, changes
the appeal deadline from four to six weeks, and the next case rejected is due for an appeal six weeks after its
letter; the change is in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from vegvis.abroad.deadlines import decision_letter_date
from vegvis.abroad.tests.support import make_case
from vegvis.audit.models import AuditEntry
from vegvis.core.models import LegalDeadline
from vegvis.testing.browser import axe_violations, describe_violations, log_in
from vegvis.testing.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_administrator_changes_the_appeal_deadline_in_the_administration(page):
    UserFactory(username="drift", role="system_administrator")
    log_in(page, "drift", PASSWORD)

    page.goto("/forvaltning/")
    page.get_by_role("link", name="Lovbestemte frister").click()
    page.get_by_role("link", name="Klagefrist på vedtak om behandling i utlandet").click()
    expect(page.get_by_text("appeal", exact=True)).to_be_visible()  # the key, shown and not editable
    expect(page.get_by_role("link", name="Slett")).to_have_count(0)
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    page.get_by_label("Lengde").fill("6")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("6 uker").first).to_be_visible()

    assert LegalDeadline.objects.get(key="appeal").amount == 6
    case = make_case("rejected")
    assert (case.due_on, case.due_reason) == (decision_letter_date(case) + timedelta(weeks=6), "appeal_deadline")
    entry = AuditEntry.objects.get(object_type="core.legaldeadline", action=AuditEntry.Action.UPDATE)
    assert entry.detail["changes"] == {"amount": [4, 6], "period": ["4 weeks", "6 weeks"]}
