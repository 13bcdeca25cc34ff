"""Object-level access: another office's case, document, letter, invoice, note or assessment does not exist.

An id of an object outside the caller's work need, in a page's URL or an API call, answers exactly as an id
that no object has (byte for byte, apart from the CSRF token), shows no name or number, changes nothing, and
the attempt is written to the audit trail. A child object is found only under its own case, so pairing a
visible case with another office's document or invoice id finds nothing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse

from vegvis.abroad.models import Assessment, Case, Document, Expense, StayNote
from vegvis.abroad.services import cases, followup
from vegvis.abroad.tests.support import OPERATOR, expert_community, make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb"[A-Za-z0-9]{64}")
MISSING = 10**9


@dataclass
class OfficeFile:
    """An OUS case in follow-up with everything a case file holds."""

    case: Case
    letter: Document
    upload: Document
    expense: Expense
    note: StayNote
    assessment_id: int


@pytest.fixture
def ous_file(medical_adviser) -> OfficeFile:
    case = make_case("follow_up", home_region="helse-sor-ost")
    upload = cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=None,
        title="Epikrise fra Karolinska",
        document_date=date.today(),
        correspondent="Karolinska",
        correspondent_is_private=False,
        content=b"%PDF-1.4 epikrise",
        filename="epikrise.pdf",
        content_type="application/pdf",
    )
    expense = followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=None,
        kind="invoice",
        category="treatment",
        amount=1000,
        currency="NOK",
        invoice_date=date.today(),
    )
    note = followup.stay_note_add(actor=OPERATOR, case=case, version=None, text="Forsinket fly", follow_up_on=None)
    assessed = make_case(home_region="helse-sor-ost")
    cases.case_request_assessment(
        actor=OPERATOR,
        case=assessed,
        version=assessed.version,
        expert_community=expert_community(),
        question="?",
        adviser=medical_adviser,
    )
    case.refresh_from_db()
    return OfficeFile(
        case=case,
        letter=case.documents.get(kind=Document.Kind.DECISION),
        upload=upload,
        expense=expense,
        note=note,
        assessment_id=assessed.assessments.get().pk,
    )


def _comparable(response) -> tuple[int, str, bytes]:
    """Status, type and body, apart from the CSRF token and the caller's own URL (the language form returns to it)."""
    body = TOKEN.sub(b"<token>", response.content).replace(response.wsgi_request.path.encode(), b"<url>")
    return response.status_code, response.get("Content-Type", ""), body


def _assert_hidden(hidden, missing, file: OfficeFile) -> None:
    assert hidden.status_code == 404
    assert _comparable(hidden) == _comparable(missing), "the answer tells that the object exists"
    body = hidden.content.decode()
    for secret in (file.case.patient.name, file.case.number, file.letter.number, file.case.patient.national_id):
        assert secret not in body


def _pages(file: OfficeFile, case_pk: int, other: int | None = None) -> dict[str, tuple[str, str]]:
    """(method, URL) of every page about one object of the case file; ``other`` replaces the child's id."""
    child = other
    invoice = child or file.expense.pk
    return {
        "case": ("get", reverse("abroad:case", args=[case_pk])),
        "step form": ("get", reverse("abroad:case_action", args=[case_pk, "close"])),
        "follow-up form": ("get", reverse("abroad:case_follow_up", args=[case_pk, "document"])),
        "letter": ("get", reverse("abroad:document_file", args=[case_pk, child or file.letter.pk])),
        "uploaded document": ("get", reverse("abroad:document_file", args=[case_pk, child or file.upload.pk])),
        "invoice settled": ("post", reverse("abroad:expense_settle", args=[case_pk, invoice])),
        "invoice payment confirmation": ("get", reverse("abroad:expense_settle", args=[case_pk, invoice])),
        "invoice attested": ("post", reverse("abroad:expense_attest", args=[case_pk, invoice])),
        "invoice correction": ("get", reverse("abroad:expense_correct", args=[case_pk, invoice])),
        "stay note resolved": ("post", reverse("abroad:stay_note_resolve", args=[case_pk, child or file.note.pk])),
    }


def test_another_offices_case_file_answers_as_nothing_and_changes_nothing(client, case_handler_bergen, ous_file):
    log_in_verified(client, case_handler_bergen)
    version = ous_file.case.version
    real = _pages(ous_file, ous_file.case.pk)
    missing = _pages(ous_file, MISSING, other=MISSING + 1)

    for what, (method, url) in real.items():
        data = {"settled_on": "2026-11-20", "confirm": "on"} if method == "post" else {}
        hidden = getattr(client, method)(url, data)
        _assert_hidden(hidden, getattr(client, method)(missing[what][1], data), ous_file)

    ous_file.case.refresh_from_db()
    assert ous_file.case.version == version
    assert Expense.objects.get(pk=ous_file.expense.pk).state == Expense.State.RECEIVED
    assert StayNote.objects.get(pk=ous_file.note.pk).resolved_on is None
    denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor_id=case_handler_bergen.pk)
    assert denied.count() >= len(real)
    assert set(denied.values_list("object_type", flat=True)) >= {"abroad.case", "abroad.document", "abroad.expense"}


def test_a_visible_case_does_not_open_another_offices_documents_or_invoices(client, case_handler_bergen, ous_file):
    """The child's id is looked up under the case in the URL: pairing one's own case with it finds nothing."""
    own = make_case(home_region="helse-vest")
    log_in_verified(client, case_handler_bergen)
    assert client.get(reverse("abroad:case", args=[own.pk])).status_code == 200

    invoice_pages = ("invoice settled", "invoice payment confirmation", "invoice attested", "invoice correction")
    for what in ("letter", "uploaded document", *invoice_pages, "stay note resolved"):
        child = {
            "letter": ous_file.letter.pk,
            "uploaded document": ous_file.upload.pk,
            **dict.fromkeys(invoice_pages, ous_file.expense.pk),
            "stay note resolved": ous_file.note.pk,
        }[what]
        method, url = _pages(ous_file, own.pk, other=child)[what]
        _m, missing_url = _pages(ous_file, own.pk, other=MISSING)[what]
        data = {"settled_on": "2026-11-20"} if method == "post" else {}
        hidden = getattr(client, method)(url, data)
        missing = getattr(client, method)(missing_url, data)
        if method == "post":  # a form post lands back on the case either way, having done nothing
            assert hidden.status_code == missing.status_code
        else:
            _assert_hidden(hidden, missing, ous_file)
    assert Expense.objects.get(pk=ous_file.expense.pk).state == Expense.State.RECEIVED
    assert StayNote.objects.get(pk=ous_file.note.pk).resolved_on is None


def test_another_advisers_assessment_does_not_exist(client, make_user, ous_file):
    other_adviser = make_user("medical_adviser", username="adviser.two")
    log_in_verified(client, other_adviser)
    hidden = client.get(reverse("abroad:assessment_answer", args=[ous_file.assessment_id]))
    missing = client.get(reverse("abroad:assessment_answer", args=[MISSING]))
    posted = client.post(
        reverse("abroad:assessment_answer", args=[ous_file.assessment_id]),
        {"recommendation": "supports", "conclusion": "Støttes."},
    )

    assert hidden.status_code == missing.status_code == posted.status_code == 404
    assert _comparable(hidden) == _comparable(missing)
    assert Assessment.objects.get(pk=ous_file.assessment_id).answered_on is None
    assert AuditEntry.objects.filter(action="denied", actor_id=other_adviser.pk, object_type="abroad.assessment")


def test_another_offices_case_does_not_exist_for_the_api_either(client, case_handler_bergen, ous_file):
    _token, key = api_token_issue(
        actor=principal_for(case_handler_bergen), user=case_handler_bergen, name="enumeration", scope="read_write"
    )
    auth = {"authorization": f"Bearer {key}"}
    step = {"event": "close", "version": ous_file.case.version, "data": {"closed_on": "2026-11-20"}}

    for url, missing_url, body in (
        (f"/api/v1/abroad/cases/{ous_file.case.pk}", f"/api/v1/abroad/cases/{MISSING}", None),
        (
            f"/api/v1/abroad/cases/{ous_file.case.pk}/transitions",
            f"/api/v1/abroad/cases/{MISSING}/transitions",
            step,
        ),
    ):
        if body is None:
            hidden, missing = client.get(url, headers=auth), client.get(missing_url, headers=auth)
        else:
            hidden = client.post(url, body, content_type="application/json", headers=auth)
            missing = client.post(missing_url, body, content_type="application/json", headers=auth)
        _assert_hidden(hidden, missing, ous_file)

    listed = client.get("/api/v1/abroad/cases", headers=auth).json()
    assert ous_file.case.pk not in {row["id"] for row in listed["items"]}
    ous_file.case.refresh_from_db()
    assert ous_file.case.status == "follow_up"
