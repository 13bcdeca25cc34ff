"""The treatment-abroad services take an explicit principal: the system (``access.principal.SYSTEM``) where no
person acts, never ``None``. What the system may do follows from its permissions, not from a missing actor."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from vegvis.abroad.models import Document, Status
from vegvis.abroad.services import base, followup
from vegvis.abroad.tests.support import make_case, rates
from vegvis.access.principal import ANONYMOUS, SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.casework.steps import TransitionRefused
from vegvis.core.models import Office
from vegvis.testing.factories import region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_system_registers_a_case_at_the_home_regions_office_without_a_handler_and_is_audited_as_system():
    case = make_case("rejected", home_region="helse-vest", actor=SYSTEM)
    assert case.office.code == "helse-bergen" and case.handler is None and case.status == Status.REJECTED
    entries = AuditEntry.objects.filter(object_type="abroad.case", object_id=str(case.pk))
    assert entries.exists()
    assert set(entries.values_list("actor_id", "actor_username", "actor_role")) == {(None, "system", "")}
    assert case.decisions.get().decided_by_user is None


def test_the_system_may_register_for_every_office_and_a_visitor_without_a_role_for_none():
    assert set(base.offices_registering_for(SYSTEM)) == set(Office.objects.all())
    assert base.registering_office(SYSTEM, region("helse-nord")).code == "ous"
    assert not base.offices_registering_for(ANONYMOUS).exists()
    with pytest.raises(PermissionDenied):
        base._check_office(ANONYMOUS, Office.objects.get(code="ous"))


def _invoice(case, **kwargs):
    rates(TODAY, EUR="11.5000")
    return followup.expense_add(
        actor=SYSTEM,
        case=case,
        version=case.version,
        kind="invoice",
        category="treatment",
        amount=Decimal("100"),
        currency="EUR",
        invoice_date=TODAY,
        **kwargs,
    )


def test_an_invoice_is_registered_during_follow_up_with_its_document_whoever_registers_it():
    case = make_case("follow_up", actor=SYSTEM)
    expense = _invoice(case)
    assert expense.registered_by is None
    assert case.documents.filter(kind=Document.Kind.INVOICE).count() == 1
    received = make_case(actor=SYSTEM)
    with pytest.raises(TransitionRefused):
        _invoice(received)


def test_an_imported_invoice_is_taken_in_any_state_and_without_a_document_only_when_it_says_so():
    case = make_case(actor=SYSTEM)
    expense = _invoice(case, imported=True)
    assert expense.case_id == case.pk and not case.documents.filter(kind=Document.Kind.INVOICE).exists()
