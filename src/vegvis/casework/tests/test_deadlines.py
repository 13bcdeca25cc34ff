"""Deadlines whose periods are data (core.LegalDeadline): the arithmetic, the rule that a period is at least one
unit, the administration page that edits them (audited with the old and new period), and that no process keeps
serving a period after an administrator changed it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from vegvis.audit.models import AuditEntry
from vegvis.core.models import LegalDeadline

PROBE = {"key": "casework-probe", "name": "Frist for prøve", "amount": 4, "unit": "weeks", "legal_reference": "§ 1"}


def months(amount: int) -> LegalDeadline:
    return LegalDeadline(key="probe", name="probe", amount=amount, unit="months")


@pytest.mark.parametrize(
    ("start", "whole", "month_by_month"),
    [
        (date(2021, 1, 31), date(2021, 4, 30), date(2021, 4, 28)),  # February shortens every later step
        (date(2024, 1, 30), date(2024, 4, 30), date(2024, 4, 29)),  # a leap year's February
        (date(2021, 5, 31), date(2021, 8, 31), date(2021, 8, 30)),  # June has 30 days
        (date(2021, 11, 30), date(2022, 2, 28), date(2022, 2, 28)),
        (date(2021, 3, 15), date(2021, 6, 15), date(2021, 6, 15)),  # mid-month: the same either way
    ],
)
def test_months_counted_whole_or_month_by_month_differ_only_at_month_ends(start, whole, month_by_month):
    assert months(3).after(start) == whole
    assert months(3).after(start, month_by_month=True) == month_by_month
    one = months(1)
    assert one.after(one.after(one.after(start))) == month_by_month


@pytest.mark.parametrize("unit", ["days", "weeks"])
def test_days_and_weeks_are_the_same_counted_either_way(unit):
    deadline = LegalDeadline(key="probe", name="probe", amount=5, unit=unit)
    day = date(2021, 1, 31)
    assert deadline.after(day) == deadline.after(day, month_by_month=True) == day + timedelta(**{unit: 5})


@pytest.mark.django_db
def test_a_period_is_at_least_one_unit():
    with pytest.raises(ValidationError) as refused:
        LegalDeadline(**{**PROBE, "amount": 0}).full_clean()
    assert set(refused.value.message_dict) == {"amount"}
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalDeadline.objects.create(**{**PROBE, "amount": 0})


@pytest.mark.django_db
def test_a_transaction_reads_a_deadline_once(django_assert_num_queries):
    LegalDeadline.objects.create(**PROBE)
    with transaction.atomic(), django_assert_num_queries(1):
        assert LegalDeadline.get("casework-probe").amount == 4
        assert LegalDeadline.get("casework-probe").amount == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_counts_from_the_next_transaction_whoever_made_it():
    """An edit made elsewhere (another process: here an update that bypasses ``save``) is read by the next
    transaction; a rolled-back edit is not; the edit's own transaction reads its change."""
    deadline = LegalDeadline.objects.create(**PROBE)
    with transaction.atomic():
        assert LegalDeadline.get("casework-probe").amount == 4
        LegalDeadline.objects.filter(key="casework-probe").update(amount=9)
        assert LegalDeadline.get("casework-probe").amount == 4  # what this transaction read stays
    with transaction.atomic():
        assert LegalDeadline.get("casework-probe").amount == 9
    assert LegalDeadline.get("casework-probe").amount == 9  # outside a transaction: read each time

    with pytest.raises(RuntimeError), transaction.atomic():
        LegalDeadline.objects.filter(key="casework-probe").update(amount=12)
        assert LegalDeadline.get("casework-probe").amount == 12
        raise RuntimeError("rolled back")
    with transaction.atomic():
        assert LegalDeadline.get("casework-probe").amount == 9

        deadline.refresh_from_db()
        deadline.amount = 2
        deadline.save()
        assert LegalDeadline.get("casework-probe").amount == 2


# ---------------------------------------------------------------- the administration page


def change_url(deadline: LegalDeadline) -> str:
    return reverse("vegvis_admin:core_legaldeadline_change", args=[deadline.pk])


@pytest.mark.django_db
def test_an_administrator_changes_a_period_and_the_audit_trail_holds_the_old_and_new(login, sysadmin):
    deadline = LegalDeadline.objects.create(**PROBE)
    assert LegalDeadline.get("casework-probe").amount == 4
    client = login(sysadmin)
    page = client.get(change_url(deadline)).content.decode()
    assert 'name="amount"' in page and 'name="key"' not in page  # the key is shown, not edited

    response = client.post(
        change_url(deadline),
        {**PROBE, "key": "renamed", "amount": 6, "legal_reference": "§ 2"},
    )

    assert response.status_code == 302
    deadline.refresh_from_db()
    assert (deadline.key, deadline.amount, deadline.unit, deadline.legal_reference) == (
        "casework-probe",
        6,
        "weeks",
        "§ 2",
    )
    assert LegalDeadline.get("casework-probe").after(date(2026, 1, 1)) == date(2026, 2, 12)
    entry = AuditEntry.objects.filter(object_type="core.legaldeadline", object_id=str(deadline.pk)).get()
    assert (entry.action, entry.actor_username) == (AuditEntry.Action.UPDATE, sysadmin.username)
    assert entry.detail["changes"] == {
        "amount": [4, 6],
        "legal_reference": ["§ 1", "§ 2"],
        "period": ["4 weeks", "6 weeks"],
    }


@pytest.mark.django_db
def test_a_period_of_nothing_is_refused_on_the_page(login, sysadmin):
    deadline = LegalDeadline.objects.create(**PROBE)

    response = login(sysadmin).post(change_url(deadline), {**PROBE, "amount": 0})

    assert response.status_code == 200 and "errorlist" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.amount == 4
    assert not AuditEntry.objects.filter(object_type="core.legaldeadline").exists()


@pytest.mark.django_db
def test_deadlines_are_neither_added_nor_deleted_on_the_page(login, sysadmin):
    deadline = LegalDeadline.objects.create(**PROBE)
    client = login(sysadmin)

    assert client.get(reverse("vegvis_admin:core_legaldeadline_add")).status_code == 403
    assert client.post(reverse("vegvis_admin:core_legaldeadline_delete", args=[deadline.pk])).status_code == 403
    assert LegalDeadline.objects.filter(pk=deadline.pk).exists()
