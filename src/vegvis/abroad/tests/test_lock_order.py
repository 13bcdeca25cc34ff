"""Applications for new and known patients at one office at the same moment: no deadlock, no 500, no gap.

Registering an application for a new patient audits the person's creation and then takes the office's case
counter; one for a known patient takes the counter and then audits the case. Before one lock order was kept,
the two took the audit chain's head and the counter in opposite orders and PostgreSQL killed one of them
("deadlock detected"). Real threads, each with its own connection, through the real service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F

from vegvis.abroad.models import Case
from vegvis.abroad.services import cases
from vegvis.abroad.tests.support import OPERATOR
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import retry_on_conflict
from vegvis.audit.verify import verify_chain
from vegvis.casework.models import CaseCounter
from vegvis.core.models import Office
from vegvis.core.services import person_get_or_create
from vegvis.testing.concurrency import run_together
from vegvis.testing.factories import region, synthetic_id

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROUNDS = 6
PER_ROUND = 8  # half new patients, half known ones


def _values(national_id: str, name: str) -> dict[str, Any]:
    return {
        "national_id": national_id,
        "patient_name": name,
        "home_region": region("helse-sor-ost"),
        "route": "treatment_abroad",
        "received_date": date.today() - timedelta(days=3),
        "diagnosis_icd10": "G40.2",
        "applicant": "patient",
        "requested_treatment": "Epilepsikirurgi",
    }


def test_new_and_known_patients_registered_together_never_deadlock(caplog):
    assert connection.vendor == "postgresql"
    caplog.set_level(logging.WARNING, logger="vegvis.audit.services")
    known = []
    for i in range(ROUNDS * PER_ROUND // 2):
        number = synthetic_id(date(1970, 1, 1) + timedelta(days=i))
        person_get_or_create(
            actor=OPERATOR, national_id=number, name=f"Kjent Pasient {i}", home_region=region("helse-sor-ost")
        )
        known.append(number)
    fresh = [synthetic_id(date(1990, 1, 1) + timedelta(days=i)) for i in range(ROUNDS * PER_ROUND // 2)]

    def register(national_id: str, name: str) -> Callable[[], Any]:
        return lambda: cases.application_register(actor=OPERATOR, values=_values(national_id, name))

    failures: list[Any] = []
    for round_ in range(ROUNDS):
        jobs = []
        for j in range(PER_ROUND // 2):
            index = round_ * PER_ROUND // 2 + j
            jobs.append(register(known[index], f"Kjent Pasient {index}"))
            jobs.append(register(fresh[index], f"Ny Pasient {index}"))
        results = run_together(*jobs)
        failures += [r for r in results if not isinstance(r, Case)]

    assert failures == []
    # Not one deadlock: the lock order prevents them; the retry (for locks outside that order) was never needed.
    assert [r.getMessage() for r in caplog.records if r.name == "vegvis.audit.services"] == []
    serials = sorted(Case.objects.filter(year=date.today().year).values_list("serial", flat=True))
    assert serials == list(range(1, ROUNDS * PER_ROUND + 1))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="abroad.case").count() == len(serials)
    result = verify_chain()
    assert result.ok, result


def test_a_transaction_chosen_as_deadlock_victim_is_run_again_whole(caplog):
    """Defence in depth for locks outside the audit order: PostgreSQL rolls the victim back, the service runs again."""
    caplog.set_level(logging.WARNING, logger="vegvis.audit.services")
    offices = list(Office.objects.order_by("pk")[:2])
    for office in offices:
        CaseCounter.objects.create(office=office, year=1999, kind="abroad")
    both_hold_their_first = threading.Barrier(2)
    tries: list[str] = []

    def lock_in_order(name: str, first: Office, second: Office) -> Callable[[], Any]:
        @retry_on_conflict
        def job() -> str:
            tries.append(name)
            with transaction.atomic():
                CaseCounter.objects.select_for_update().get(office=first, year=1999)
                if tries.count(name) == 1:
                    both_hold_their_first.wait(timeout=30)
                CaseCounter.objects.select_for_update().get(office=second, year=1999)
                CaseCounter.objects.filter(office__in=offices, year=1999).update(last=F("last") + 1)
            return name

        return job

    results = run_together(lock_in_order("a", *offices), lock_in_order("b", *reversed(offices)))

    assert results == ["a", "b"]
    assert len(tries) == 3  # the victim ran twice, the other once
    retried = [r.getMessage() for r in caplog.records if r.name == "vegvis.audit.services"]
    assert len(retried) == 1 and retried[0].endswith("job: DeadlockDetected, try 2 of 3")
    assert set(CaseCounter.objects.filter(year=1999).values_list("last", flat=True)) == {2}
