"""Issue 11 with two people at once, on real PostgreSQL row locks: the guarantee's remainder is checked under the
case's lock, so two invoices sent at the same moment cannot both fit into what remains of it; and an invoice
attested by two people at once is attested once, the other told."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from vegvis.abroad.models import Case, Expense
from vegvis.abroad.services import followup
from vegvis.abroad.tests.support import OPERATOR, make_case, rates
from vegvis.access.principal import principal_for
from vegvis.audit.models import AuditEntry
from vegvis.casework.steps import TransitionRefused
from vegvis.testing.concurrency import run_together
from vegvis.testing.factories import UserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TODAY = timezone.localdate()


def guaranteed_case() -> Case:
    case = make_case("follow_up")
    rates(TODAY, SEK="1.0385")
    followup.guarantee_issue(
        actor=OPERATOR,
        case=case,
        version=case.version,
        hospital=case.hospital,
        amount=Decimal("850000"),
        currency="SEK",
        issued_on=TODAY,
    )
    return case


def test_two_invoices_sent_at_once_cannot_both_use_what_remains_of_the_guarantee():
    assert connection.vendor == "postgresql"
    case = guaranteed_case()
    handlers = [UserFactory(role="case_handler", role__office="ous") for _ in range(2)]

    def register(user) -> object:
        return followup.expense_add(
            actor=principal_for(user),
            case=Case.objects.get(pk=case.pk),
            version=None,
            kind="invoice",
            category="treatment",
            amount=Decimal("500000"),
            currency="SEK",
            invoice_date=TODAY,
        )

    results = run_together(*(lambda user=user: register(user) for user in handlers))
    saved = [r for r in results if isinstance(r, Expense)]
    warned = [r for r in results if isinstance(r, followup.ImplausibleAmount)]
    assert len(saved) == 1 and len(warned) == 1, results
    assert "350\u00a0000,00 SEK" in warned[0].warnings[0]  # what remained after the other one
    assert Expense.objects.filter(case=case).count() == 1


def test_an_invoice_attested_by_two_people_at_once_is_attested_once():
    case = guaranteed_case()
    registrar, *attesters = [UserFactory(role="case_handler", role__office="ous") for _ in range(3)]
    expense = followup.expense_add(
        actor=principal_for(registrar),
        case=case,
        version=None,
        kind="invoice",
        category="treatment",
        amount=Decimal("412345.50"),
        currency="SEK",
        invoice_date=TODAY,
    )

    def attest(user) -> object:
        return followup.expense_attest(actor=principal_for(user), expense=Expense.objects.get(pk=expense.pk))

    results = run_together(*(lambda user=user: attest(user) for user in attesters))
    done = [r for r in results if isinstance(r, Expense)]
    told = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(done) == 1 and len(told) == 1, results
    expense.refresh_from_db()
    assert expense.state == Expense.State.APPROVED and expense.attested_by_id == done[0].attested_by_id
    attested = [e for e in AuditEntry.objects.filter(object_id=str(case.pk)) if "expense_attested" in e.detail]
    assert len(attested) == 1
