"""Issue 11 on real PostgreSQL row locks: two colleagues change the same case at the same moment from the same
version of it (one hands it over, the other hands it elsewhere or corrects it): one wins, the other is told."""

from typing import Any

import pytest
from django.db import connection

from vegvis.abroad.models import Case
from vegvis.abroad.services import base, cases
from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import principal_for
from vegvis.audit.models import AuditEntry
from vegvis.testing.concurrency import run_together
from vegvis.testing.factories import UserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_reassignments_and_a_correction_from_the_same_version_have_exactly_one_winner():
    assert connection.vendor == "postgresql"
    anne, bjorn, cecilie = (
        UserFactory(username=name, first_name=name.title(), last_name="Test", role="case_handler", role__office="ous")
        for name in ("anne", "bjorn", "cecilie")
    )
    lead = UserFactory(username="leder", role="office_lead", role__office="ous")
    case = make_case()
    version = case.version

    def reassign(actor: Any, to: Any) -> Any:
        return lambda: cases.case_reassign(
            actor=principal_for(actor), case=Case.objects.get(pk=case.pk), version=version, handler=to
        )

    def correct() -> Any:
        return cases.case_correct(
            actor=principal_for(anne), case=Case.objects.get(pk=case.pk), version=version, diagnosis_icd10="G40.3"
        )

    results = run_together(reassign(anne, bjorn), reassign(lead, cecilie), correct)
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, base.CaseChanged)]
    assert len(winners) == 1 and len(losers) == 2, results
    case.refresh_from_db()
    assert case.version == version + 1
    entries = [
        e
        for e in AuditEntry.objects.filter(action="update", object_id=str(case.pk))
        if e.detail and (e.detail.get("reassigned") or e.detail.get("corrected"))
    ]
    assert len(entries) == 1  # the losers left no trace of a change
    if entries[0].detail.get("reassigned"):
        assert case.handler_id in {bjorn.pk, cecilie.pk} and case.diagnosis_icd10 == "G40.2"
    else:
        assert case.handler_id is None and case.diagnosis_icd10 == "G40.3"
