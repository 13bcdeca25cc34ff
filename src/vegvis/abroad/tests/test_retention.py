"""The nightly retention job: closed cases past their retention time are deleted with their patient's data,
conservatively, and every deletion leaves a deletion-log row and an audit entry, never personal data."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Case, Document, StayNote
from vegvis.abroad.retention import retention_run, sweep_orphan_files
from vegvis.abroad.services import cases, followup
from vegvis.abroad.tasks import delete_cases_past_retention
from vegvis.abroad.tests.support import OPERATOR, advance, make_case
from vegvis.access.policies import open_emergency_access
from vegvis.access.principal import principal_for
from vegvis.audit.models import AuditEntry, DeletionLog
from vegvis.audit.verify import verify_chain
from vegvis.core.models import LegalDeadline, Person
from vegvis.core.services import person_get_or_create
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import region, synthetic_id
from vegvis.testing.privacy import identities, leaks

pytestmark = pytest.mark.django_db

TODAY = date.today()


@pytest.fixture(autouse=True)
def own_media_root(settings: Any, tmp_path: Path) -> None:
    """This test's files only: the sweep must not meet files other tests left in the shared folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


ELEVEN_YEARS_AGO = TODAY - relativedelta(years=11)


def closed_long_ago(case: Case) -> Case:
    """As if the case had been worked on and closed eleven years ago (the services stamp today's date)."""
    Case.objects.filter(pk=case.pk).update(closed_on=ELEVEN_YEARS_AGO)
    Document.objects.filter(case=case).update(registered_on=ELEVEN_YEARS_AGO)
    case.refresh_from_db()
    return case


def with_a_file_a_note_and_an_emergency_grant(case: Case, bergen_handler: Any) -> Case:
    cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=None,
        title="Epikrise",
        document_date=TODAY,
        correspondent="Karolinska",
        correspondent_is_private=False,
        content=b"%PDF-1.4 epikrise",
        filename="epikrise.pdf",
        content_type="application/pdf",
    )
    followup.stay_note_add(actor=OPERATOR, case=case, version=None, text="Forsinket fly", follow_up_on=None)
    open_emergency_access(principal=principal_for(bergen_handler), obj=case, reason="Akutt innleggelse i Bergen.")
    return case


def text_anywhere(needles: list[str]) -> list[str]:
    """Every text column of every table holding one of the needles (a name, a national id)."""
    found = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            text = " ".join(str(value) for value in row)
            found += [f"{model._meta.label}: {needle}" for needle in needles if needle in text]
    return found


def a_registered_patients_case(client: Any, sysadmin: Any, office_lead_bergen: Any) -> Case:
    """A case whose patient came in through the application service and whose access log has been read (and
    refused to another office's lead), so the audit trail holds every kind of entry about the person."""
    person, _created = person_get_or_create(
        actor=OPERATOR, national_id=synthetic_id(), name="Ragnhild Slettesen", home_region=region("helse-sor-ost")
    )
    case = cases.case_create(
        actor=OPERATOR,
        data=cases.ApplicationData(
            patient=person, route="treatment_abroad", received_date=TODAY - timedelta(days=60), diagnosis_icd10="G40.2"
        ),
    )
    advance(case, "closed")
    for reader in (sysadmin, office_lead_bergen):
        log_in_verified(client, reader)
        client.get(reverse("audit:person_log", args=[person.pk]))
    return case


@pytest.fixture
def office_history(client: Any, case_handler_bergen: Any, sysadmin: Any, make_user: Any) -> dict[str, Any]:
    lead_bergen = make_user("office_lead", office="helse-bergen", username="lead.bergen")
    old = with_a_file_a_note_and_an_emergency_grant(
        a_registered_patients_case(client, sysadmin, lead_bergen), case_handler_bergen
    )
    old_files = [Path(d.file.path) for d in old.documents.all() if d.file]
    old = closed_long_ago(old)
    recent = make_case("closed")
    returning = closed_long_ago(make_case("closed"))
    still_open = cases.case_create(
        actor=OPERATOR,
        data=cases.ApplicationData(
            patient=returning.patient, route="treatment_abroad", received_date=TODAY, diagnosis_icd10="C71.9"
        ),
    )
    never_closed = make_case("rejected")
    Case.objects.filter(pk=never_closed.pk).update(received_date=ELEVEN_YEARS_AGO)
    return {
        "old": old,
        "old_patient": old.patient,
        "old_files": old_files,
        "recent": recent,
        "returning": returning,
        "still_open": still_open,
        "never_closed": never_closed,
    }


def test_a_case_past_retention_is_deleted_with_its_patient_and_leaves_only_a_deletion_log(
    office_history, django_capture_on_commit_callbacks
):
    old, patient = office_history["old"], office_history["old_patient"]
    who = identities([patient])[0]
    entries = AuditEntry.objects.count()
    assert all(path.exists() for path in office_history["old_files"])

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()

    assert f"ous {old.number}" in run.deleted
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not Document.objects.filter(case_id=old.pk).exists() and not StayNote.objects.filter(case_id=old.pk)
    assert not Person.objects.filter(pk=patient.pk).exists()
    assert not any(path.exists() for path in office_history["old_files"]), "the letters' files are left on disk"
    log = DeletionLog.objects.get(object_type="abroad.case", object_id=str(old.pk))
    assert log.reference == f"ous {old.number}" and log.job == "abroad.retention"
    assert log.counts["persons"] == 1 and log.counts["documents"] >= 5 and log.counts["files"] >= 2
    assert log.counts["staynote"] == 1 and log.counts["emergency_grants"] == 1
    assert not leaks(" ".join(str(v) for v in DeletionLog.objects.values_list()), [who])
    deleted = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_type="abroad.case", object_id=str(old.pk))
    assert deleted.actor_username == "system:retention" and deleted.person_id == patient.pk
    assert AuditEntry.objects.count() > entries, "audit entries are never deleted"
    assert verify_chain().ok
    assert not text_anywhere([patient.name, who.national_id]), "the deleted patient's data is still stored"


def test_newer_cases_open_cases_and_a_patient_with_another_case_are_kept(
    office_history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()

    returning = office_history["returning"]
    assert f"ous {returning.number}" in run.deleted
    assert Person.objects.filter(pk=returning.patient_id).exists(), "the patient has another case open"
    assert Case.objects.filter(pk=office_history["still_open"].pk).exists()
    assert Case.objects.filter(pk=office_history["recent"].pk).exists()
    assert Case.objects.filter(pk=office_history["never_closed"].pk).exists()
    assert DeletionLog.objects.get(object_id=str(returning.pk)).counts["persons"] == 0
    assert len(run.deleted) == 2


def test_a_document_registered_after_closing_keeps_the_case_its_full_time(office_history):
    old = office_history["old"]
    Document.objects.filter(case=old).order_by("-sequence").update(registered_on=TODAY - timedelta(days=30))

    run = retention_run()

    assert f"ous {old.number}" not in run.deleted and Case.objects.filter(pk=old.pk).exists()


def test_without_a_retention_time_nothing_is_deleted(office_history):
    LegalDeadline.objects.filter(key="retention_abroad").delete()

    run = retention_run(today=TODAY + relativedelta(years=50))

    assert run.deleted == [] and not DeletionLog.objects.exists()


def test_the_retention_time_is_data_an_administrator_changes():
    deadline = LegalDeadline.objects.get(key="retention_abroad")
    assert (deadline.amount, deadline.unit) == (10, "years")
    case = make_case("closed")
    deadline.amount, deadline.unit = 1, "days"
    deadline.save()

    assert case.number in " ".join(retention_run(today=TODAY + timedelta(days=2)).deleted)


def test_stored_files_no_document_refers_to_are_swept_after_a_day(django_capture_on_commit_callbacks):
    kept = make_case("rejected").documents.get(kind=Document.Kind.DECISION)
    folder = Path(settings.MEDIA_ROOT) / "abroad" / "orphans"
    folder.mkdir(parents=True, exist_ok=True)
    stray, fresh = folder / "stray.pdf", folder / "fresh.pdf"
    stray.write_bytes(b"%PDF- a letter whose change never committed")
    fresh.write_bytes(b"%PDF- a letter being stored right now")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stray, (two_days_ago, two_days_ago))
    os.utime(kept.file.path, (two_days_ago, two_days_ago))

    with django_capture_on_commit_callbacks(execute=True):
        swept = sweep_orphan_files(now=timezone.now())

    assert swept == 1 and not stray.exists()
    assert fresh.exists() and Path(kept.file.path).exists()
    assert DeletionLog.objects.get(object_type="file").counts == {"files": 1}
    fresh.unlink()


def test_the_job_runs_nightly_as_a_registered_daily_task():
    from vegvis.core.tasks import _daily

    assert delete_cases_past_retention.module_path in {daily.task.module_path for daily in _daily}
