"""Case numbers: gap-free per office, year and kind; two transactions at once never get the same number."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from vegvis.casework import numbering
from vegvis.casework.models import CaseCounter
from vegvis.core.models import Office
from vegvis.testing.concurrency import run_together


@pytest.mark.django_db
def test_each_office_year_and_kind_counts_from_one_on_its_own():
    oslo, bergen = Office.objects.order_by("pk")[:2]

    taken = [
        numbering.next_number(oslo, 2026, "abroad"),
        numbering.next_number(oslo, 2026, "abroad"),
        numbering.next_number(oslo, 2026, "inquiry"),
        numbering.next_number(bergen, 2026, "abroad"),
        numbering.next_number(oslo, 2027, "abroad"),
        numbering.next_number(oslo.pk, 2026, "abroad"),
    ]

    assert taken == [1, 2, 1, 1, 1, 3]
    assert CaseCounter.objects.get(office=oslo, year=2026, kind="abroad").last == 3


@pytest.mark.django_db
def test_a_reservation_takes_a_block_and_the_next_number_follows_it():
    oslo, bergen = Office.objects.order_by("pk")[:2]
    CaseCounter.objects.create(office=oslo, year=2020, kind="abroad", last=41)

    blocks = numbering.reserve({(oslo.pk, 2020): 2, (bergen.pk, 2020): 3}, kind="abroad")

    assert blocks == {(oslo.pk, 2020): range(42, 44), (bergen.pk, 2020): range(1, 4)}
    assert numbering.next_number(oslo, 2020, "abroad") == 44


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    oslo = Office.objects.order_by("pk").first()
    assert numbering.next_number(oslo, 2026, "abroad") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number(oslo, 2026, "abroad") == 2
        raise RuntimeError("the case could not be saved")

    assert numbering.next_number(oslo, 2026, "abroad") == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("counter_exists", [False, True], ids=["new series", "existing series"])
def test_transactions_at_once_take_different_numbers_without_gaps(counter_exists):
    """Four transactions ask at the same moment; each holds its number a while before it commits. For a new
    series all four try to make the counter row: one makes it, the others wait on its unique key and then on
    its lock, and get the next numbers in turn."""
    assert connection.vendor == "postgresql"
    office = Office.objects.order_by("pk").first()
    base = 10 if counter_exists else 0
    if counter_exists:
        CaseCounter.objects.create(office=office, year=1999, kind="abroad", last=base)

    def take() -> int:
        with transaction.atomic():
            number = numbering.next_number(office, 1999, "abroad")
            time.sleep(0.2)  # the case is saved here, the counter still locked
            return number

    results = run_together(*[take] * 4)

    assert sorted(results) == [base + 1, base + 2, base + 3, base + 4], results
    assert CaseCounter.objects.get(office=office, year=1999, kind="abroad").last == base + 4


@pytest.mark.django_db
def test_an_organisations_series_counts_on_its_own():
    from vegvis.core.models import Organisation

    first = Organisation.objects.create(kind=Organisation.Kind.PATIENT_ORGANISATION, name="Forening A")
    second = Organisation.objects.create(kind=Organisation.Kind.PATIENT_ORGANISATION, name="Forening B")
    oslo = Office.objects.order_by("pk").first()

    taken = [
        numbering.next_organisation_number(first, 2026, "inquiries"),
        numbering.next_organisation_number(first, 2026, "inquiries"),
        numbering.next_organisation_number(second.pk, 2026, "inquiries"),
        numbering.next_organisation_number(first, 2027, "inquiries"),
        numbering.next_number(oslo, 2026, "inquiries"),
    ]

    assert taken == [1, 2, 1, 1, 1]
    assert CaseCounter.objects.get(organisation=first, year=2026, kind="inquiries").last == 2
