"""Stored cross-site scripting: every free-text field of a case holds a script, and Chromium shows it as text.

The case is registered through the services with the payload in the patient's name and address, the applicant,
the requested treatment, the hospital, the assessment's question and answer, the decision's grounds, the
booking, the note from the stay, the invoice's creditor and an incoming document's title and sender; an
emergency grant gives it as its reason. The case page, the worklist, the public journal and the person's access
log are opened in a real browser, once with the Content-Security-Policy and once with it switched off, so the
escaping is proved on its own and not only by the policy: no dialog opens, no script runs, no element is
injected, and the payload reads as the text it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from vegvis.abroad import letters
from vegvis.abroad.models import Case, Outcome
from vegvis.abroad.services import cases, decisions, followup
from vegvis.abroad.tests.support import OPERATOR, expert_community, hospital
from vegvis.access.policies import open_emergency_access
from vegvis.access.principal import principal_for
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory, region, synthetic_id

PAYLOAD = '<img src=x onerror="window.__xss=1;alert(1)">"><script>window.__xss=2;alert(2)</script>'
# A sender that is not the patient, so the public journal shows it (the patient's name there is screened). The
# journal screens any word of the patient's name (here PAYLOAD: "window", "xss", "alert", ...), so the sender shares
# none of them; it still sets window.__xss and opens a dialog if it runs.
SENDER = "<svg onload=\"self['__x'+'ss']=3;prompt(3)\"></svg>Sykehus"
INJECTED = "img[src='x'], script:not([src]), svg[onload]"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def case_full_of_payloads() -> Case:
    today = date.today()
    case = cases.application_register(
        actor=OPERATOR,
        values={
            "national_id": synthetic_id(),
            "patient_name": PAYLOAD,
            "address_line": PAYLOAD,
            "home_region": region("helse-sor-ost"),
            "route": "treatment_abroad",
            "received_date": today - timedelta(days=20),
            "diagnosis_icd10": "G40.2",
            "applicant": "gp",
            "applicant_name": PAYLOAD,
            "requested_treatment": PAYLOAD,
            "hospital": hospital(name=PAYLOAD),
        },
    )
    cases.case_request_assessment(
        actor=OPERATOR, case=case, version=case.version, expert_community=expert_community(), question=PAYLOAD
    )
    cases.assessment_answer(
        actor=OPERATOR,
        assessment=case.assessments.get(),
        recommendation="supports",
        conclusion=PAYLOAD,
        by_letter=True,
        version=case.version,
    )
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(outcome=Outcome.GRANTED, decided_on=today, grounds=PAYLOAD),
    )
    followup.booking_add(
        actor=OPERATOR,
        case=case,
        version=None,
        kind="flight",
        travellers=PAYLOAD,
        companions=1,
        starts_on=today,
        ends_on=None,
        description=PAYLOAD,
        booking_reference="ABC123",
    )
    followup.stay_note_add(actor=OPERATOR, case=case, version=None, text=PAYLOAD, follow_up_on=today)
    followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=None,
        kind="invoice",
        category="treatment",
        amount=Decimal("100"),
        currency="NOK",
        invoice_date=today,
        creditor=PAYLOAD,
    )
    cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=None,
        title=PAYLOAD,
        document_date=today,
        correspondent=SENDER,
        correspondent_is_private=False,
        content=None,
        filename="",
        content_type="",
    )
    return case


def _session_of(user: Any) -> str:
    client = Client()
    log_in_verified(client, user)
    return client.cookies["vegvis_session"].value


def _assert_payload_is_text(tab: Any, path: str, shown: str, dialogs: list[str]) -> None:
    tab.goto(path)
    tab.wait_for_load_state("load")
    assert tab.evaluate("() => window.__xss") is None, f"{path}: the payload's script ran"
    assert not dialogs, f"{path}: a dialog opened: {dialogs}"
    assert tab.locator(INJECTED).count() == 0, f"{path}: the payload became an element"
    assert shown in tab.locator("main").inner_text(), f"{path}: the payload is not shown as text"


def test_every_free_text_field_shows_a_script_as_text_and_never_runs_it(chromium, live_server, page):
    case = case_full_of_payloads()
    handler = UserFactory(username="xss.handler", role="case_handler", role__office="ous")
    lead = UserFactory(username="xss.lead", role="office_lead", role__office="ous")
    bergen = UserFactory(username="xss.bergen", role="case_handler", role__office="helse-bergen")
    open_emergency_access(principal=principal_for(bergen), obj=case, reason=PAYLOAD)
    visits = [
        (handler, f"/utland/saker/{case.pk}/", PAYLOAD),
        (handler, f"/utland/saker/{case.pk}/", SENDER),
        (handler, "/utland/", PAYLOAD),
        (lead, f"/revisjon/personer/{case.patient_id}/", PAYLOAD),
        (lead, "/revisjon/nodtilgang/", PAYLOAD),  # the emergency grant's reason, for review
        (None, "/offentlig-journal/", SENDER),
    ]

    for bypass_csp in (False, True):
        context = chromium.browser.new_context(base_url=live_server.url, locale="nb-NO", bypass_csp=bypass_csp)
        try:
            for user, path, shown in visits:
                context.clear_cookies()
                if user is not None:
                    context.add_cookies(
                        [{"name": "vegvis_session", "value": _session_of(user), "url": live_server.url}]
                    )
                tab = context.new_page()
                dialogs: list[str] = []
                tab.on("dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss()))
                _assert_payload_is_text(tab, path, shown, dialogs)
                tab.close()
        finally:
            context.close()


def test_letter_templates_refuse_markup_before_it_reaches_a_letter():
    with pytest.raises(ValidationError):
        letters.validate_template(f"Kjære {{{{ patient_name }}}} {PAYLOAD}")
