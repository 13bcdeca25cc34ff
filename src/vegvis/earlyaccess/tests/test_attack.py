"""The attack pass on early access (docs/modules/earlyaccess.md, "Attack pass (2026-12-03)"), through the pages as
a person would submit them: markup and local URLs in every text field come back as text; money typed as
"412 345,50" and dates as dd.mm.åååå are read as such and refused plainly otherwise; a patient's page answers a
role that may not see it exactly as a page that does not exist (same status, same body, same queries); the
national id is in no URL, title, log line or audit entry. The other roles' answers on every page and form are the
access matrix's (tests/access_expectations.py, submitted forms included).
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vegvis.audit.models import AuditEntry
from vegvis.earlyaccess.models import CostEntry, ExperimentalTreatment, PatientTreatment, Programme
from vegvis.earlyaccess.tests.support import (
    HOSPITAL,
    OTHER_HOSPITAL,
    OTHER_RHF,
    RHF,
    SUPPLIER,
    experimental,
    hospital,
    plan,
    programme,
    start,
    user,
)
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import named_organisation, region, synthetic_id

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=http://127.0.0.1:1/x>"
LOCAL = "file:///etc/passwd http://127.0.0.1:8000/admin"
HOSTILE = f"{SCRIPT} {IMAGE} {LOCAL}"
TODAY = "%d.%m.%Y"


def today() -> str:
    return timezone.localdate().strftime(TODAY)


def as_(role: str, at: str | None = HOSPITAL) -> Client:
    return log_in_verified(Client(), user(role, at))


def no_markup(html: str) -> None:
    """The hostile text is shown as text: no tag of it, no link made of its URLs."""
    assert SCRIPT not in html and IMAGE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # every page shows a field that holds it
    assert not re.search(r"<(a|img|iframe|link)[^>]+(file:///|127\.0\.0\.1)", html)


def test_markup_and_local_urls_in_every_text_field_come_back_as_text():
    from vegvis.core.models import Organisation

    keeper = as_("earlyaccess_pharmacy")
    response = keeper.post(
        reverse("earlyaccess:programme_new"),
        {
            "drug_name": f"Tidlibumab {SCRIPT}", "active_substance": HOSTILE, "atc_code": "",
            "supplier": named_organisation(SUPPLIER, Organisation.Kind.SUPPLIER).pk, "indication": HOSTILE,
            "basis": "programme", "agreement_kind": "short_duration", "cost_terms": HOSTILE, "owner": hospital().pk,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Programme.objects.get()
    assert made.indication == HOSTILE and made.cost_terms == HOSTILE  # stored as written, never fetched
    response = keeper.post(
        reverse("earlyaccess:agreement_new", args=[made.pk]),
        {"region": region().pk, "signed_on": today(), "reference": f"SA {IMAGE}"},
    )
    assert response.status_code == 302
    for url in (reverse("earlyaccess:programme", args=[made.pk]), reverse("earlyaccess:programmes")):
        no_markup(keeper.get(url).content.decode())
    no_markup(Client().get(reverse("earlyaccess:public")).content.decode())

    clinician = as_("earlyaccess_clinician")
    response = clinician.post(
        reverse("earlyaccess:treatment_start"),
        {
            "name": f"Ola {SCRIPT}", "national_id": synthetic_id(), "home_region": region().pk,
            "programme": made.pk, "hospital": hospital().pk, "consultant": HOSTILE, "started_on": today(),
        },
    )  # fmt: skip
    assert response.status_code == 302
    treatment = PatientTreatment.objects.get()
    response = clinician.post(
        reverse("earlyaccess:treatment_stop", args=[treatment.pk]),
        {"version": "1", "stopped_on": today(), "reason": "completed", "note": HOSTILE},
    )
    assert response.status_code == 302
    no_markup(clinician.get(reverse("earlyaccess:treatment", args=[treatment.pk])).content.decode())
    no_markup(clinician.get(reverse("earlyaccess:worklist") + "?alle=1").content.decode())

    fields = plan(timezone.localdate()).__dict__
    form = {k: (HOSTILE if isinstance(v, str) else v.strftime(TODAY)) for k, v in fields.items()}
    response = clinician.post(
        reverse("earlyaccess:experimental_new"),
        {**form, "name": f"Kari {IMAGE}", "national_id": synthetic_id(), "home_region": region().pk,
         "hospital": hospital().pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    made_experimental = ExperimentalTreatment.objects.get()
    assert all(getattr(made_experimental, k) == HOSTILE for k, v in fields.items() if isinstance(v, str))
    follow_ups = {
        "adverse_event_new": {"occurred_on": today(), "seriousness": "serious", "description": HOSTILE,
                              "outcome": "recovered"},
        "evaluation_new": {"evaluated_on": today(), "benefit": "some", "risk": "acceptable", "assessment": HOSTILE},
        "cost_new": {"incurred_on": today(), "description": HOSTILE[:300], "amount": "10", "payer": "hospital"},
    }  # fmt: skip
    for name, data in follow_ups.items():
        assert clinician.post(reverse(f"earlyaccess:{name}", args=[made_experimental.pk]), data).status_code == 302
    page = clinician.get(reverse("earlyaccess:experimental", args=[made_experimental.pk])).content.decode()
    no_markup(page)
    texts = [k for k, v in fields.items() if isinstance(v, str)]
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == len(texts) + 3  # every field, every follow-up
    assert '<h2 class="ds-heading" data-size="sm" id="h-costs">Kostnader</h2>' in page
    no_markup(clinician.get(reverse("earlyaccess:experimental_list")).content.decode())


def test_money_is_read_as_written_and_the_patient_is_never_charged():
    treatment = experimental()
    clinician = as_("earlyaccess_clinician")
    url = reverse("earlyaccess:cost_new", args=[treatment.pk])
    form = {"incurred_on": today(), "description": "Infusjon", "amount": "412 345,50", "payer": "region"}
    assert clinician.post(url, form).status_code == 302
    assert CostEntry.objects.get().amount == Decimal("412345.50")
    page = clinician.get(reverse("earlyaccess:experimental", args=[treatment.pk])).content.decode()
    assert "412\xa0345,50 kr" in page  # a space that does not break

    for amount in ("-5", "12,345", "tolv kroner", "1e9"):
        answer = clinician.post(url, {**form, "amount": amount}).content.decode()
        assert 'id="id_amount_error"' in answer, amount
        assert f'value="{amount}"' in answer  # what was typed stays in the box
    answer = clinician.post(url, {**form, "payer": "patient"}).content.decode()
    assert "Pasienten betaler aldri" in answer and 'id="id_payer_error"' in answer
    assert CostEntry.objects.count() == 1


def test_dates_are_read_as_dd_mm_yyyy_and_a_wrong_one_is_refused_next_to_its_field():
    treatment = experimental()
    clinician = as_("earlyaccess_clinician")
    url = reverse("earlyaccess:adverse_event_new", args=[treatment.pk])
    form = {"seriousness": "serious", "description": "Utslett", "outcome": "recovered"}
    day = timezone.localdate()
    assert clinician.post(url, {**form, "occurred_on": f"{day.day}.{day.month}.{day.year}"}).status_code == 302
    for typed, says in (
        ("31.02.2026", "Den datoen finnes ikke"),
        ("2026/02/03", "dd.mm.åååå"),
        ((day.replace(year=day.year + 1)).strftime(TODAY), "fram i tid"),
        (treatment.started_on.replace(day=1, month=1, year=2020).strftime(TODAY), "før behandlingen startet"),
    ):
        answer = clinician.post(url, {**form, "occurred_on": typed}).content.decode()
        error = re.search(r'id="id_occurred_on_error">([^<]*)<', answer)
        assert error and says in error.group(1), (typed, error and error.group(1))
        assert f'value="{typed}"' in answer
    assert treatment.adverse_events.count() == 1


def _body(response: Any) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())  # masked CSRF tokens differ every time


def _answer(client: Client, url: str, pk: int) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # The page's own address (in the language switch) may differ, and the values in the SQL (the pk, the audit
    # entry's time, label and hash): the statements themselves, and how many, may not.
    body = _body(response).replace(f"/{pk}/", "/N/")
    return response.status_code, body, [re.sub(r"'[^']*'|\d+", "V", q["sql"]) for q in queries.captured_queries]


@pytest.mark.parametrize(
    ("role", "at", "status"),
    [
        ("earlyaccess_regional", RHF, 403),
        ("earlyaccess_regional", OTHER_RHF, 403),
        ("earlyaccess_national", None, 403),
        ("earlyaccess_pharmacy", HOSPITAL, 403),
        ("earlyaccess_clinician", OTHER_HOSPITAL, 404),
    ],
)
def test_a_patient_page_answers_who_may_not_see_it_as_a_page_that_does_not_exist(role, at, status):
    treatment, made = start(), experimental()
    missing = max(treatment.pk, made.pk) + 1000
    client = as_(role, at)
    for name, pk in (
        ("treatment", treatment.pk),
        ("treatment_stop", treatment.pk),
        ("experimental", made.pk),
        ("adverse_event_new", made.pk),
        ("evaluation_new", made.pk),
        ("cost_new", made.pk),
    ):
        _answer(client, reverse(f"earlyaccess:{name}", args=[missing]), missing)  # what the first request caches
        existing = _answer(client, reverse(f"earlyaccess:{name}", args=[pk]), pk)
        absent = _answer(client, reverse(f"earlyaccess:{name}", args=[missing]), missing)
        assert existing[0] == absent[0] == status, name
        assert existing[1] == absent[1], f"{name}: the answer tells an existing patient from a missing one"
        assert existing[2] == absent[2], f"{name}: not the same queries (and so not the same time)"
        assert treatment.person.name not in existing[1] and made.person.name not in existing[1]


def test_the_national_id_is_in_no_url_title_log_or_audit_entry(caplog):
    made = programme(signed_on=timezone.localdate())
    clinician = as_("earlyaccess_clinician")
    national_id = synthetic_id()
    form = {
        "name": "Per Persen", "national_id": national_id, "home_region": region().pk, "programme": made.pk,
        "hospital": hospital().pk, "consultant": "Overlege Kari",
    }  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        refused = clinician.post(reverse("earlyaccess:treatment_start"), {**form, "started_on": "01.01.2020"})
        started = clinician.post(reverse("earlyaccess:treatment_start"), {**form, "started_on": today()})
        treatment = PatientTreatment.objects.get()
        shown = clinician.get(started["Location"])
        listed = clinician.get(reverse("earlyaccess:worklist"))
        clinician.get(reverse("earlyaccess:treatment", args=[treatment.pk + 1]))  # a 404: a log line at least
    assert refused.status_code == 200 and started.status_code == 302
    for response in (refused, shown, listed):
        html = response.content.decode()
        assert national_id not in html
        assert national_id not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert national_id not in started["Location"] and started["Location"].endswith(f"/{treatment.pk}/")
    assert caplog.records and not [r for r in caplog.records if national_id in r.getMessage()]
    assert not [e for e in AuditEntry.objects.all() if national_id in f"{e.object_label} {e.detail}"], (
        "the national id in an audit entry"
    )


@pytest.mark.parametrize(
    "query",
    ["?etter=garbage", "?etter=%00%27%22", "?sykehus=99999999999999999999999", "?sykehus=-1", "?alle=1&etter=1"],
)
def test_a_tampered_query_on_the_worklist_is_answered_not_crashed(query):
    start()
    answer = as_("earlyaccess_clinician").get(reverse("earlyaccess:worklist") + query)
    assert answer.status_code in (200, 400, 404), answer.status_code  # 400: a NUL byte, refused before the view


@pytest.mark.parametrize(
    "query", ["?region=99999999999999999999999", "?year=99999999999999999999", "?year=2018", "?region=x&year=y"]
)
def test_a_tampered_query_on_the_overview_is_answered_not_crashed(query):
    answer = as_("earlyaccess_regional", RHF).get(reverse("earlyaccess:overview") + query)
    assert answer.status_code in (200, 404), answer.status_code
    year = timezone.localdate().year
    for args in (["helse-sor-ost", 99999999999999999999, "json"], ["helse-sor-ost", year, "csv"], ["x", year, "xlsx"]):
        assert (
            as_("earlyaccess_regional", RHF).get(reverse("earlyaccess:overview_download", args=args)).status_code == 404
        )
