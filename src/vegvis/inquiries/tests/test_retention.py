"""The desk's nightly retention job: closed information cases and never-triaged inquiries past their retention time
are deleted, closed assistance cases anonymised so the statistics stay right; each leaves a deletion-log row with
no personal data and an audit entry, and the retention times are deadlines an administrator changes, audited."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegvis.audit.models import AuditEntry, DeletionLog
from vegvis.audit.verify import verify_chain
from vegvis.core.models import LegalDeadline, Person
from vegvis.inquiries import statistics
from vegvis.inquiries.models import Case, Document, Inquiry, Kind, PowerOfAttorney
from vegvis.inquiries.retention import retention_run
from vegvis.inquiries.tasks import retire_cases_past_retention
from vegvis.inquiries.tests.support import association, make_case, make_inquiry
from vegvis.testing.auth import log_in_verified
from vegvis.testing.privacy import identities, leaks

pytestmark = pytest.mark.django_db

TODAY = date.today()


@pytest.fixture(autouse=True)
def own_media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def closed_ago(case: Case, **ago: int) -> Case:
    """As if the case had been received, worked on and closed that long ago (the services stamp today)."""
    then = timezone.now() - relativedelta(**ago)
    Case.objects.filter(pk=case.pk).update(closed_at=then)
    Inquiry.objects.filter(pk=case.inquiry_id).update(received_at=then - timedelta(days=20), year=then.year)
    Document.objects.filter(case=case).update(registered_on=then.date())
    case.refresh_from_db()
    return case


def text_anywhere(needles: list[str]) -> list[str]:
    """Every text column of every table holding one of the needles (a name, a national id, a phone number)."""
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


@pytest.fixture
def desk_history() -> dict[str, Any]:
    assistance = closed_ago(make_case("closed", kind=Kind.ASSISTANCE), years=11)
    information = closed_ago(make_case("closed", kind=Kind.INFORMATION), years=4)
    untriaged = make_inquiry()
    Inquiry.objects.filter(pk=untriaged.pk).update(received_at=timezone.now() - relativedelta(years=2))
    return {
        "assistance": assistance,
        "assistance_person": assistance.person or assistance.inquiry.person,
        "assistance_files": [Path(d.file.path) for d in assistance.documents.all() if d.file],
        "information": information,
        "information_person": information.inquiry.person,
        "untriaged": untriaged,
        "untriaged_person": untriaged.person,
        "recent_information": closed_ago(make_case("closed", kind=Kind.INFORMATION), years=2),
        "recent_assistance": closed_ago(make_case("closed", kind=Kind.ASSISTANCE), years=9),
        "open": make_case("open"),
        "new_inquiry": make_inquiry(),
    }


def test_cases_past_retention_are_deleted_or_anonymised_with_their_files(
    desk_history, django_capture_on_commit_callbacks
):
    assistance, information = desk_history["assistance"], desk_history["information"]
    files = desk_history["assistance_files"]
    assert files and all(path.exists() for path in files)
    entries = AuditEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()

    assert run.anonymised == [assistance.number]
    assert sorted(run.deleted) == sorted([information.number, desk_history["untriaged"].reference])
    # the information case and the untriaged inquiry are gone, with their persons
    assert not Case.objects.filter(pk=information.pk).exists()
    assert not Inquiry.objects.filter(pk__in=[information.inquiry_id, desk_history["untriaged"].pk]).exists()
    assert not Person.objects.filter(
        pk__in=[desk_history["information_person"].pk, desk_history["untriaged_person"].pk]
    ).exists()
    # the assistance case stays, stripped to what the statistics count
    kept = Case.objects.select_related("inquiry").get(pk=assistance.pk)
    assert kept.anonymised_at is not None and kept.person_id is None and kept.inquiry.person_id is None
    assert (kept.kind, kept.status, kept.outcome, kept.failure_type) == (
        "assistance",
        "closed",
        "settled_by_dialogue",
        "communication",
    )
    assert (kept.inquiry.account, kept.inquiry.contact_name, kept.inquiry.contact_phone, kept.inquiry.provider) == (
        "",
        "",
        "",
        "",
    )
    assert not Document.objects.filter(case=assistance).exists()
    assert not PowerOfAttorney.objects.filter(case=assistance).exists()
    assert not any(path.exists() for path in files), "the case's files are left on disk"
    assert not Person.objects.filter(pk=desk_history["assistance_person"].pk).exists()

    log = DeletionLog.objects.get(object_type="inquiries.case", object_id=str(assistance.pk))
    assert log.reference == assistance.number and log.job == "inquiries.retention"
    assert log.rule.startswith("anonymised: ")
    assert log.counts["documents"] >= 1 and log.counts["files"] >= 1 and log.counts["powerofattorney"] == 1
    assert log.counts["persons"] == 1
    assert DeletionLog.objects.filter(object_type="inquiries.inquiry").count() == 1
    retired = AuditEntry.objects.get(action="update", object_type="inquiries.case", object_id=str(assistance.pk))
    assert retired.actor_username == "system:retention"
    assert AuditEntry.objects.filter(action="delete", object_type="inquiries.case", object_id=str(information.pk))
    assert AuditEntry.objects.count() > entries, "audit entries are never deleted"
    assert verify_chain().ok


def test_the_deletion_log_and_every_table_hold_no_name_or_national_id_of_the_retired(
    desk_history, django_capture_on_commit_callbacks
):
    persons = [desk_history[k] for k in ("assistance_person", "information_person", "untriaged_person")]
    who = identities(persons)

    with django_capture_on_commit_callbacks(execute=True):
        retention_run()

    assert not leaks(" ".join(str(v) for v in DeletionLog.objects.values_list()), who)
    assert not text_anywhere([p.name for p in persons] + [w.national_id for w in who])


def test_cases_not_yet_past_retention_stay(desk_history):
    run = retention_run()

    for key in ("recent_information", "recent_assistance", "open"):
        case = Case.objects.select_related("inquiry").get(pk=desk_history[key].pk)
        assert case.anonymised_at is None and case.inquiry.account, key
    assert Inquiry.objects.filter(pk=desk_history["new_inquiry"].pk).exists()
    assert len(run.deleted) == 2 and len(run.anonymised) == 1
    assert retention_run().deleted == [] and retention_run().anonymised == [], "a second run finds nothing more"


def test_a_document_registered_after_closing_keeps_the_case_its_full_time(desk_history):
    assistance = desk_history["assistance"]
    Document.objects.filter(case=assistance).update(registered_on=TODAY - timedelta(days=30))

    run = retention_run()

    assert assistance.number not in run.anonymised
    assert Case.objects.get(pk=assistance.pk).anonymised_at is None


def test_anonymising_leaves_the_statistics_figures_unchanged(desk_history):
    year = desk_history["assistance"].inquiry.year
    before = statistics.desk_statistics(association(), year)
    assert before.count(Kind.ASSISTANCE) == 1 and sum(before.by_failure.values()) == 1

    retention_run()

    after = statistics.desk_statistics(association(), year)
    figures = ("by_service", "by_channel", "by_outcome", "by_failure", "days")
    assert [getattr(after, f) for f in figures] == [getattr(before, f) for f in figures]
    assert after.tables()["outcome"].rows == before.tables()["outcome"].rows


def test_the_administrator_changes_a_retention_time_and_the_change_is_audited(
    desk_history, sysadmin, django_capture_on_commit_callbacks
):
    rule = LegalDeadline.objects.get(key="inquiries_retention_information")
    form = {f: getattr(rule, f) for f in ("name", "amount", "unit", "legal_reference")}
    client = log_in_verified(Client(), sysadmin)
    response = client.post(reverse("vegvis_admin:core_legaldeadline_change", args=[rule.pk]), {**form, "amount": 5})
    assert response.status_code == 302, response.content.decode()

    entry = AuditEntry.objects.get(object_type="core.legaldeadline", action=AuditEntry.Action.UPDATE)
    assert entry.actor_username == sysadmin.username
    assert entry.detail["changes"]["amount"] == [3, 5]
    run = retention_run()
    assert desk_history["information"].number not in run.deleted, "closed four years ago, kept five"
    assert Case.objects.filter(pk=desk_history["information"].pk).exists()
    assert verify_chain().ok


def test_without_a_retention_time_nothing_of_that_kind_is_touched(desk_history):
    LegalDeadline.objects.filter(key__startswith="inquiries_retention_").delete()

    run = retention_run(today=TODAY + relativedelta(years=50))

    assert run.deleted == [] and run.anonymised == [] and not DeletionLog.objects.exists()


def test_the_daily_task_runs_the_job(desk_history):
    result = retire_cases_past_retention.call()

    assert result == {"deleted": 2, "anonymised": 1, "persons": 3}


# ---------------------------------------------------------------- the deletion log page


def test_the_deletion_log_holds_no_personal_data_and_the_lead_reads_it_page_by_page(desk_history, make_user):
    from vegvis.inquiries.selectors import LIST_LIMIT
    from vegvis.testing.factories import UserFactory

    secrets = []
    for key in ("assistance", "information"):
        inquiry = desk_history[key].inquiry
        secrets += [inquiry.contact_name, inquiry.contact_phone, inquiry.provider, inquiry.account[:30]]
    person = desk_history["untriaged_person"]
    secrets += [person.name, person.national_id]
    retention_run()

    entries = list(DeletionLog.objects.filter(job="inquiries.retention"))
    assert len(entries) == 3 and {e.organisation_id for e in entries} == {association().pk}
    for entry in entries:
        text = " ".join(str(v) for v in (entry.reference, entry.rule, entry.counts, entry.object_id, entry.object_type))
        assert not [s for s in secrets if s and s in text]
        assert isinstance(entry.counted_from, date)
    information = DeletionLog.objects.get(reference=desk_history["information"].number, object_type="inquiries.case")
    closed = timezone.localdate(desk_history["information"].closed_at)
    assert information.counted_from == closed

    lead = log_in_verified(Client(), UserFactory(role="association_lead", role__organisation=association().name))
    page = lead.get(reverse("inquiries:deletion_log")).content.decode()
    for needle in (
        desk_history["assistance"].number,
        desk_history["information"].number,
        desk_history["untriaged"].reference,
        "Anonymisert",
        "Bistandssak",
        "Informasjonssak",
        "Henvendelse som aldri ble triagert",
        f"{closed:%d.%m.%Y}",
        "Oppbevaringstid for avsluttede bistandssaker",
    ):
        assert needle in page, needle
    assert not [s for s in secrets if s and s in page]
    assert "/henvendelser/slettelogg/" in page  # in the menu

    # Another association's lead sees none of it, and cannot ask for it by id.
    other = association("Den andre pasientforeningen")
    other_lead = log_in_verified(Client(), UserFactory(role="association_lead", role__organisation=other.name))
    assert desk_history["assistance"].number not in other_lead.get(reverse("inquiries:deletion_log")).content.decode()
    url = reverse("inquiries:deletion_log")
    assert other_lead.get(f"{url}?forening={association().pk}").status_code == 404
    assert other_lead.get(f"{url}?forening=99999999999999999999").status_code == 404
    # The system administrator sees every association's, and may choose one.
    admin = log_in_verified(Client(), make_user("system_administrator", username="admin2"))
    everything = admin.get(url).content.decode()
    assert desk_history["assistance"].number in everything and "Pasientforeningen" in everything
    assert admin.get(f"{url}?forening={other.pk}").status_code == 200

    # Keyset paging: the next page starts where the last ended, without repeating or skipping a row.
    DeletionLog.objects.bulk_create(
        DeletionLog(
            at=timezone.now() - timedelta(minutes=n),
            job="inquiries.retention",
            actor_username="system:retention",
            object_type="inquiries.inquiry",
            reference=f"H2014-{n:04d}",
            rule="test",
            organisation=association(),
        )
        for n in range(1, LIST_LIMIT + 5)
    )
    seen: list[str] = []
    next_url = url
    pages = 0
    while next_url:
        body = lead.get(next_url).content.decode()
        seen += re.findall(r"H2014-\d{4}", body)
        found = re.search(r'href="(\?etter=[^"]+)"', body)
        next_url = url + found.group(1).replace("&amp;", "&") if found else ""
        pages += 1
    assert pages == 2 and len(seen) == len(set(seen)) == LIST_LIMIT + 4
