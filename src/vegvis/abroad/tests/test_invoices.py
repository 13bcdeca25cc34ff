"""Issue 11 through real requests: an invoice typed the Norwegian way, a warning before an implausible amount is
saved, correction until paid, and attestation by a second person of the office before "mark as paid".

The people are the case page's users: a case handler who registers, the office lead who attests, each logged in
through the ``login`` fixture; every change is looked up in the audit trail.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Expense
from vegvis.abroad.services import followup
from vegvis.abroad.tests.support import OPERATOR, make_case, rates
from vegvis.access.principal import principal_for
from vegvis.audit.models import AuditEntry
from vegvis.casework.steps import TransitionRefused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def case():
    """A granted case in follow-up with an 850 000 SEK payment guarantee, as in the issue."""
    case = make_case("follow_up")
    rates(TODAY, SEK="1.0385", EUR="11.6400")
    followup.guarantee_issue(
        actor=OPERATOR,
        case=case,
        version=case.version,
        hospital=case.hospital,
        amount=Decimal("850000"),
        currency="SEK",
        issued_on=TODAY,
    )
    case.refresh_from_db()
    return case


def invoice_form(case, amount: str, **extra: str) -> dict[str, str]:
    return {
        "version": str(case.version),
        "kind": "invoice",
        "category": "treatment",
        "creditor": "Karolinska",
        "reference": "F-1001",
        "invoice_date": TODAY.isoformat(),
        "amount": amount,
        "currency": "SEK",
        **extra,
    }


def register(client, case, amount: str, **extra: str):
    case.refresh_from_db()
    return client.post(reverse("abroad:case_follow_up", args=[case.pk, "expense"]), invoice_form(case, amount, **extra))


def entries(case, key: str) -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(object_id=str(case.pk)).order_by("seq") if key in (e.detail or {})]


@pytest.mark.parametrize("typed", ["412 345,50", "412345,50", "412345.50", "412\u00a0345,50", "412\u202f345,50"])
def test_an_amount_typed_the_norwegian_way_is_stored_as_meant_and_shown_the_norwegian_way(
    client, login, case_handler, case, typed
):
    login(case_handler)
    response = register(client, case, typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    expense = Expense.objects.get(case=case)
    assert expense.amount == Decimal("412345.50") and expense.registered_by == case_handler
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    assert "412\u00a0345,50 SEK" in page
    assert "41\u00a0234\u00a0550" not in page


def test_an_ambiguous_amount_is_refused_next_to_the_field_with_what_was_typed_kept(client, login, case_handler, case):
    login(case_handler)
    response = register(client, case, "412.345")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_amount_error"' in page and "to ulike beløp" in page
    assert 'value="412.345"' in page and 'aria-invalid="true"' in page
    assert not Expense.objects.filter(case=case).exists()


def test_an_amount_far_over_the_guarantee_is_not_saved_until_the_person_confirms_it(client, login, case_handler, case):
    login(case_handler)
    response = register(client, case, "41234550")  # what the number box made of "412345,50"
    page = response.content.decode()
    assert response.status_code == 200
    assert not Expense.objects.filter(case=case).exists()
    assert "mer enn ti ganger betalingsgarantien på 850\u00a0000,00 SEK" in page
    assert 'type="checkbox" name="amount_confirmed"' in page and 'value="41234550"' in page

    response = register(client, case, "41234550", amount_confirmed="on")
    assert response.status_code == 302
    expense = Expense.objects.get(case=case)
    assert expense.amount == Decimal("41234550")
    (created,) = entries(case, "amount_warnings_confirmed")
    assert (
        created.actor_id == case_handler.pk and "betalingsgarantien" in created.detail["amount_warnings_confirmed"][0]
    )


def test_an_amount_over_what_remains_of_the_guarantee_is_flagged(client, login, case_handler, case):
    login(case_handler)
    assert register(client, case, "600 000").status_code == 302
    response = register(client, case, "300 000")
    page = response.content.decode()
    assert response.status_code == 200
    assert "mer enn det som gjenstår av betalingsgarantien (250\u00a0000,00 SEK av 850\u00a0000,00 SEK)" in page
    assert Expense.objects.filter(case=case).count() == 1


def test_a_guarantee_amount_is_typed_the_norwegian_way_too(client, login, case_handler, case):
    login(case_handler)
    case.refresh_from_db()
    response = client.post(
        reverse("abroad:case_follow_up", args=[case.pk, "guarantee"]),
        {
            "version": str(case.version),
            "hospital": str(case.hospital_id),
            "amount": "1 250 000,50",
            "currency": "SEK",
            "issued_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert case.guarantees.order_by("-id").first().amount == Decimal("1250000.50")


def test_an_invoice_is_corrected_with_old_and_new_values_in_the_audit_trail(client, login, case_handler, case):
    login(case_handler)
    register(client, case, "41 234,50")
    expense = Expense.objects.get(case=case)
    url = reverse("abroad:expense_correct", args=[case.pk, expense.pk])
    form = client.get(url).content.decode()
    assert 'value="41\u00a0234,50"' in form  # shown the Norwegian way, ready to correct

    case.refresh_from_db()
    response = client.post(url, invoice_form(case, "412 345,50", reference="F-1001-K"))
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.amount == Decimal("412345.50") and expense.reference == "F-1001-K"
    assert expense.amount_nok == Decimal("428220.80")  # 412 345,50 × 1,0385, rounded to øre
    assert expense.registered_by == case_handler and expense.corrected_by == case_handler
    (corrected,) = entries(case, "expense_corrected")
    assert corrected.actor_id == case_handler.pk
    assert corrected.detail["changes"]["amount"] == ["41234.50", "412345.50"]
    assert corrected.detail["changes"]["reference"] == ["F-1001", "F-1001-K"]


def test_a_corrected_amount_is_checked_for_plausibility_too(client, login, case_handler, case):
    login(case_handler)
    register(client, case, "41 234,50")
    expense = Expense.objects.get(case=case)
    case.refresh_from_db()
    response = client.post(
        reverse("abroad:expense_correct", args=[case.pk, expense.pk]), invoice_form(case, "9 000 000")
    )
    assert response.status_code == 200 and "betalingsgarantien" in response.content.decode()
    expense.refresh_from_db()
    assert expense.amount == Decimal("41234.50") and not entries(case, "expense_corrected")


def test_the_person_who_registered_an_invoice_cannot_attest_it(client, login, case_handler, case):
    login(case_handler)
    register(client, case, "412 345,50")
    expense = Expense.objects.get(case=case)
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    assert reverse("abroad:expense_attest", args=[case.pk, expense.pk]) not in page  # not offered

    response = client.post(reverse("abroad:expense_attest", args=[case.pk, expense.pk]), follow=True)
    assert "kan derfor ikke attestere den" in response.content.decode()
    expense.refresh_from_db()
    assert expense.state == Expense.State.RECEIVED and expense.attested_by is None
    assert not entries(case, "expense_attested")


def test_a_second_person_of_the_office_attests_and_only_then_the_invoice_can_be_marked_as_paid(
    client, login, case_handler, office_lead, case
):
    login(case_handler)
    register(client, case, "412 345,50")
    expense = Expense.objects.get(case=case)
    settle = reverse("abroad:expense_settle", args=[case.pk, expense.pk])

    # Not yet attested: marking it as paid is refused, even confirmed.
    response = client.post(settle, {"settled_on": TODAY.isoformat(), "confirm": "on"}, follow=True)
    assert "må attesteres av en annen person" in response.content.decode()
    assert Expense.objects.get(pk=expense.pk).state == Expense.State.RECEIVED

    login(office_lead)
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    assert reverse("abroad:expense_attest", args=[case.pk, expense.pk]) in page
    assert client.post(reverse("abroad:expense_attest", args=[case.pk, expense.pk])).status_code == 302
    expense.refresh_from_db()
    assert expense.state == Expense.State.APPROVED and expense.attested_by == office_lead
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    assert f"Registrert av {case_handler.display_name}" in page
    assert f"attestert av {office_lead.display_name}" in page

    # Marking as paid asks for a confirmation first; without the box ticked nothing is paid.
    login(case_handler)
    confirmation = client.get(settle).content.decode()
    assert "412\u00a0345,50 SEK" in confirmation and office_lead.display_name in confirmation
    response = client.post(settle, {"settled_on": TODAY.isoformat()})
    assert response.status_code == 200 and "Kryss av for å bekrefte" in response.content.decode()
    assert Expense.objects.get(pk=expense.pk).state == Expense.State.APPROVED
    response = client.post(settle, {"settled_on": TODAY.isoformat(), "confirm": "on"})
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.state == Expense.State.SETTLED and expense.settled_by == case_handler

    (attested,) = entries(case, "expense_attested")
    (settled,) = entries(case, "expense_settled")
    assert attested.actor_id == office_lead.pk and attested.detail["registered_by"] == case_handler.pk
    assert settled.actor_id == case_handler.pk and settled.detail["attested_by"] == office_lead.pk


def test_a_correction_withdraws_the_attestation_and_the_corrector_cannot_attest(
    client, login, case_handler, office_lead, case
):
    login(case_handler)
    register(client, case, "412 345,50")
    expense = Expense.objects.get(case=case)
    followup.expense_attest(actor=OPERATOR, expense=expense)

    login(office_lead)
    case.refresh_from_db()
    url = reverse("abroad:expense_correct", args=[case.pk, expense.pk])
    assert client.post(url, invoice_form(case, "412 345,00")).status_code == 302
    expense.refresh_from_db()
    assert expense.state == Expense.State.RECEIVED and expense.attested_by is None
    (corrected,) = entries(case, "expense_corrected")
    assert "attestation_withdrawn" in corrected.detail

    client.post(reverse("abroad:expense_attest", args=[case.pk, expense.pk]))
    assert Expense.objects.get(pk=expense.pk).state == Expense.State.RECEIVED  # the lead corrected it
    login(case_handler)  # registered it: no more allowed than before
    client.post(reverse("abroad:expense_attest", args=[case.pk, expense.pk]))
    assert Expense.objects.get(pk=expense.pk).state == Expense.State.RECEIVED


def test_a_paid_invoice_can_no_longer_be_corrected(client, login, case_handler, office_lead, case):
    login(case_handler)
    register(client, case, "412 345,50")
    expense = Expense.objects.get(case=case)
    login(office_lead)
    client.post(reverse("abroad:expense_attest", args=[case.pk, expense.pk]))
    client.post(
        reverse("abroad:expense_settle", args=[case.pk, expense.pk]), {"settled_on": TODAY.isoformat(), "confirm": "on"}
    )
    assert Expense.objects.get(pk=expense.pk).state == Expense.State.SETTLED
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    assert reverse("abroad:expense_correct", args=[case.pk, expense.pk]) not in page

    url = reverse("abroad:expense_correct", args=[case.pk, expense.pk])
    assert client.get(url, follow=True).redirect_chain[-1][0] == reverse("abroad:case", args=[case.pk])
    case.refresh_from_db()
    client.post(url, invoice_form(case, "1"))
    expense.refresh_from_db()
    assert expense.amount == Decimal("412345.50") and not entries(case, "expense_corrected")
    with pytest.raises(TransitionRefused, match="betalt"):
        followup.expense_correct(
            actor=OPERATOR,
            expense=expense,
            version=None,
            kind="invoice",
            category="treatment",
            amount=Decimal(1),
            currency="SEK",
            invoice_date=TODAY,
        )


def test_a_case_handler_of_another_office_cannot_attest(case_handler, case_handler_bergen, case):
    """Attesting is for staff of the case's own office; the refusal is audited."""
    expense = followup.expense_add(
        actor=principal_for(case_handler),
        case=case,
        version=None,
        kind="invoice",
        category="treatment",
        amount=Decimal("1000"),
        currency="SEK",
        invoice_date=TODAY,
    )
    bergen = principal_for(case_handler_bergen)
    with pytest.raises(PermissionDenied):
        followup.expense_attest(actor=bergen, expense=expense)
    assert Expense.objects.get(pk=expense.pk).state == Expense.State.RECEIVED
    assert AuditEntry.objects.filter(action="denied", actor_id=case_handler_bergen.pk).exists()
