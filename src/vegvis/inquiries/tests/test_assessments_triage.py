"""Assessments with a deadline (the adviser sees only the cases assigned to them), meetings and their notes, and
triage: the same person's open cases suggested, the person linked or registered by national id, which appears in
no page, URL or audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.audit.models import AuditEntry
from vegvis.core.models import Person
from vegvis.inquiries import selectors
from vegvis.inquiries.models import Case
from vegvis.inquiries.services import assessments
from vegvis.inquiries.tests.support import ASSOCIATION, make_case, make_inquiry
from vegvis.testing.factories import UserFactory, synthetic_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_adviser_assessment_assigns_the_case_sets_its_due_date_and_only_they_answer(client, login):
    adviser = UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION)
    other_adviser = UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION)
    case, unrelated = make_case(), make_case()
    due = TODAY + timedelta(days=10)
    assessments.assessment_request(
        actor=SYSTEM, case=case, version=case.version, assessor="adviser", adviser=adviser, question="Q?", due_on=due
    )
    case.refresh_from_db()
    assert (case.medical_adviser_id, case.due_on, case.due_reason) == (adviser.pk, due, "assessment")
    assert set(selectors.worklist(principal_for(adviser), "mine").cases) == {case}
    assert not selectors.worklist(principal_for(other_adviser), "mine").cases

    login(adviser)
    assert client.get(reverse("inquiries:case", args=[unrelated.pk])).status_code == 404
    page = client.get(reverse("inquiries:case_action", args=[case.pk, "give_assessment"]))
    assert page.status_code == 200
    done = client.post(
        reverse("inquiries:case_action", args=[case.pk, "give_assessment"]),
        {"version": case.version, "conclusion": "Bruddet burde vært sett på første bilde."},
    )
    assert done.status_code == 302
    shown = client.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert "Bruddet burde vært sett på første bilde." in shown
    case.refresh_from_db()
    assert case.due_on is None and case.documents.filter(title__contains=adviser.display_name).exists()
    login(other_adviser)
    assert client.get(reverse("inquiries:case", args=[case.pk])).status_code == 404


def test_an_expert_assessment_and_a_meeting_with_its_notes(client, login):
    worker = UserFactory(role="association_case_worker", role__organisation=ASSOCIATION)
    case = make_case()
    login(worker)
    url = lambda event: reverse("inquiries:case_action", args=[case.pk, event])  # noqa: E731
    asked = client.post(
        url("request_assessment"),
        {
            "version": case.version,
            "assessor": "expert",
            "expert_name": "Professor Dahl",
            "question": "Var behandlingen forsvarlig?",
            "due_on": TODAY.strftime("%d.%m.%Y"),
        },
    )
    assert "due_on_error" in asked.content.decode()  # due today: refused, next to the field
    case.refresh_from_db()
    client.post(
        url("request_assessment"),
        {
            "version": case.version,
            "assessor": "expert",
            "expert_name": "Professor Dahl",
            "question": "Var behandlingen forsvarlig?",
            "due_on": (TODAY + timedelta(days=21)).strftime("%d.%m.%Y"),
        },
    )
    case.refresh_from_db()
    assessment = case.assessments.get()
    client.post(
        url("register_assessment"),
        {
            "version": case.version,
            "assessment": assessment.pk,
            "answered_on": TODAY.strftime("%d.%m.%Y"),
            "conclusion": "Ikke forsvarlig.",
        },
    )
    case.refresh_from_db()
    client.post(
        url("register_meeting"),
        {"version": case.version, "provider": "Legesenteret", "held_on": TODAY.strftime("%d.%m.%Y")},
    )
    case.refresh_from_db()
    meeting = case.meetings.get()
    client.post(url("write_meeting_notes"), {"version": case.version, "meeting": meeting.pk, "notes": "Beklaget."})
    page = client.get(reverse("inquiries:case", args=[case.pk])).content.decode()
    assert "Professor Dahl" in page and "Ikke forsvarlig." in page and "Beklaget." in page
    assessment.refresh_from_db()
    meeting.refresh_from_db()
    assert assessment.answered_on == TODAY and meeting.notes == "Beklaget."


def test_triage_suggests_the_same_persons_open_cases_and_links_by_national_id(client, login):
    worker = UserFactory(role="association_case_worker", role__organisation=ASSOCIATION)
    national_id = synthetic_id()
    earlier = make_case()
    person = earlier.person
    assert person is not None
    # The same person is registered with this number (the earlier case's person gets it here).
    person.set_national_id(national_id)
    person.save()
    closed = make_case("closed")
    Case.objects.filter(pk=closed.pk).update(person=person)
    inquiry = make_inquiry(with_person=False, contact_name=person.name)
    login(worker)
    url = reverse("inquiries:inquiry", args=[inquiry.pk])

    # By name and date of birth.
    found = client.post(
        url,
        {
            "action": "check",
            "kind": "assistance",
            "name": person.name,
            "birth_date": person.birth_date.strftime("%d.%m.%Y"),
        },
    ).content.decode()
    assert earlier.number in found and closed.number not in found

    # By national id: suggested, never shown back; then triaged with the person linked.
    found = client.post(url, {"action": "check", "kind": "assistance", "national_id": national_id}).content.decode()
    assert earlier.number in found and national_id not in found
    client.post(url, {"action": "triage", "kind": "assistance", "national_id": national_id, "name": "X"})
    inquiry.refresh_from_db()
    assert inquiry.triaged_at is None  # the home region is needed with the number
    region = person.home_region
    made = client.post(
        url,
        {"action": "triage", "kind": "assistance", "national_id": national_id, "name": "X", "home_region": region.pk},
    )
    assert made.status_code == 302 and national_id not in made["Location"]
    inquiry.refresh_from_db()
    assert inquiry.person_id == person.pk and Case.objects.get(inquiry=inquiry).person_id == person.pk
    assert Person.objects.filter(national_id_hash=person.national_id_hash).count() == 1
    assert not [e for e in AuditEntry.objects.all() if national_id in str(e.__dict__)]

    # A new person is registered from the number.
    new_id = synthetic_id()
    other = make_inquiry(with_person=False, contact_name="Nils Ny")
    client.post(
        reverse("inquiries:inquiry", args=[other.pk]),
        {"action": "triage", "kind": "information", "national_id": new_id, "name": "Nils Ny", "home_region": region.pk},
    )
    other.refresh_from_db()
    assert other.person is not None and other.person.national_id == new_id and other.person.name == "Nils Ny"
