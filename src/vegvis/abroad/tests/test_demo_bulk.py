"""The bulk generator behind ``vegvis demo --cases N``: its cases are what the services would have made."""

from collections import Counter

import pytest
from django.db.models import Max

from vegvis.abroad import deadlines, demo_bulk
from vegvis.abroad.models import Case, Document, Expense, Outcome, Status
from vegvis.abroad.services.base import _search_text
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.casework.models import CaseCounter
from vegvis.core import demo as core_demo
from vegvis.core.demo import DemoContext
from vegvis.core.national_id import parse

pytestmark = pytest.mark.django_db


def generate(count: int, seed: int = 5) -> None:
    context = DemoContext(principal=OPERATOR, seed=seed, cases=count, with_users=False, out=None)
    core_demo.populate(context)
    demo_bulk.populate(context)


def test_cases_in_every_state_with_the_due_date_the_services_would_compute(case_handler):
    generate(400)
    cases = list(Case.objects.select_related("patient", "hospital", "method"))
    assert len(cases) == 400
    states = Counter(c.status for c in cases)
    assert states[Status.CLOSED] > 200 and len(states) >= 6, states
    for case in cases:
        assert (case.due_on, case.due_reason) == deadlines.compute(case), case.number
        assert case.search_text == _search_text(case), case.number
    # Handlers come from the office's case handlers.
    assert Case.objects.filter(office__code="ous", handler=case_handler).exists()


def test_decisions_appeals_and_invoices_hang_together():
    generate(400)
    for case in Case.objects.exclude(final_outcome=""):
        assert case.decided_on is not None and case.decided_on >= case.received_date
    appealed = Case.objects.filter(appeals__isnull=False)
    assert appealed.exists()
    assert not appealed.exclude(outcome=Outcome.REJECTED).exists()
    granted = Case.objects.filter(final_outcome=Outcome.GRANTED, status=Status.CLOSED)
    assert not granted.filter(expenses__state=Expense.State.RECEIVED).exists()
    assert Expense.objects.exists()


def test_numbers_continue_the_counters_without_gaps_or_doubles():
    make_case()  # a case numbered by the service first
    generate(150)
    generate(150, seed=6)  # running again adds more
    for counter in CaseCounter.objects.filter(kind="abroad"):
        serials = sorted(Case.objects.filter(office=counter.office, year=counter.year).values_list("serial", flat=True))
        assert serials == list(range(1, counter.last + 1)), (counter, serials[:5])
    numbers = list(Document.objects.values_list("case__office_id", "number"))  # case numbers are per office
    assert len(numbers) == len(set(numbers))
    for case in Case.objects.annotate(last=Max("documents__sequence")):
        assert case.documents.count() == case.last


def test_patients_have_valid_synthetic_numbers_and_the_run_is_audited():
    generate(100)
    for case in Case.objects.select_related("patient")[:50]:
        assert parse(case.patient.national_id, allow_synthetic=True).kind == "synthetic"
    entry = AuditEntry.objects.filter(action="create", object_label__startswith="Synthetic demo data").get()
    assert entry.detail["cases"] == 100
    assert verify_chain().ok
