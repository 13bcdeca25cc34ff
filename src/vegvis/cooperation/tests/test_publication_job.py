"""The daily publication job: when the organisation's review period and the supplier's correction period have
passed, the agreement is published (a disputed one marked, with the reason), each published version kept. The
clock is moved by giving the job its day, never by waiting."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.cooperation import services
from vegvis.cooperation.models import Agreement, PublishedVersion, Status
from vegvis.cooperation.tasks import publish_agreements_due
from vegvis.cooperation.tests.support import make_agreement, terms
from vegvis.core.models import LegalDeadline

pytestmark = pytest.mark.django_db


def test_the_job_publishes_on_the_day_after_the_correction_period_and_not_before():
    today = timezone.localdate()
    waiting = make_agreement()
    disputed = make_agreement("disputed")
    confirmed = make_agreement("confirmed")
    assert waiting.correction_due_on == today + timedelta(days=60)  # 45 days' review + 15 days' corrections

    assert services.publish_due(today=today) == []
    assert services.publish_due(today=today + timedelta(days=60)) == []  # the last day for corrections
    published = services.publish_due(today=today + timedelta(days=61))

    assert sorted(published) == sorted(a.number for a in (waiting, disputed, confirmed))
    assert set(Agreement.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    marked = PublishedVersion.objects.get(agreement=disputed)
    assert (marked.disputed, marked.dispute_reason) == (True, "Beløpet er feil.")
    assert marked.published_on == today + timedelta(days=61)
    assert not PublishedVersion.objects.get(agreement=waiting).disputed
    assert AuditEntry.objects.filter(action="transition", actor_username="system", detail__to="published").count() == 3

    # Idempotent: run again, the same day or later, nothing more.
    assert services.publish_due(today=today + timedelta(days=61)) == []
    assert services.publish_due(today=today + timedelta(days=400)) == []
    assert PublishedVersion.objects.count() == 3


def test_a_correction_after_publication_is_published_again_by_the_job_and_both_versions_are_kept():
    today = timezone.localdate()
    agreement = make_agreement()
    services.publish_due(today=today + timedelta(days=61))
    agreement.refresh_from_db()
    services.agreement_correct(
        actor=SYSTEM, agreement=agreement, version=agreement.version, data=terms(amount_nok=Decimal("60000.00"))
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_REVIEW  # a new review from today

    assert services.publish_due(today=today + timedelta(days=61)) == [agreement.number]

    first, second = PublishedVersion.objects.filter(agreement=agreement).order_by("sequence")
    assert (first.current, second.current) == (False, True)
    assert second.changes == [{"field": "amount_nok", "before": "50000.00", "after": "60000.00"}]


def test_the_administrators_periods_decide_when_it_is_due():
    LegalDeadline.objects.filter(key="cooperation_review").update(amount=10)
    LegalDeadline.objects.filter(key="cooperation_correction").update(amount=5)
    today = timezone.localdate()
    agreement = make_agreement()
    assert services.publish_due(today=today + timedelta(days=15)) == []
    assert services.publish_due(today=today + timedelta(days=16)) == [agreement.number]


def test_the_daily_task_publishes_what_is_due_and_queues_tomorrows_run():
    due = make_agreement("disputed")
    Agreement.objects.filter(pk=due.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=16),
        correction_due_on=timezone.localdate() - timedelta(days=1),
    )
    not_yet = make_agreement()

    result = publish_agreements_due.call()

    assert result == {"published": [due.number]}
    assert Agreement.objects.get(pk=not_yet.pk).status == Status.IN_REVIEW
    assert DBTaskResult.objects.filter(task_path=publish_agreements_due.module_path, status="READY").count() == 1
    assert publish_agreements_due.call() == {"published": []}
    assert DBTaskResult.objects.filter(task_path=publish_agreements_due.module_path).count() == 1
