"""Acting on a duplicate suggestion: the inquiry is added to the person's open case instead of making a new one —
registered in that case's file and history, no case number used — and never to another association's case, nor to
a closed one or another person's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from vegvis.access.principal import principal_for
from vegvis.audit.models import AuditEntry
from vegvis.casework.models import CaseCounter
from vegvis.inquiries import statistics
from vegvis.inquiries.models import Case, Document, Inquiry
from vegvis.inquiries.services import inquiries
from vegvis.inquiries.tests.support import ASSOCIATION, OTHER_ASSOCIATION, make_case, make_inquiry
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def counters() -> list[tuple[int, str, int]]:
    return sorted(CaseCounter.objects.values_list("organisation_id", "kind", "last"))


def test_the_inquiry_is_added_to_the_suggested_case_with_no_new_number(client, login):
    worker = UserFactory(role="association_case_worker", role__organisation=ASSOCIATION)
    earlier = make_case()
    person = earlier.person
    inquiry = make_inquiry(with_person=False, contact_name=person.name, account="Nytt brev fra sykehuset.")
    login(worker)
    url = reverse("inquiries:inquiry", args=[inquiry.pk])
    found = client.post(
        url,
        {"action": "check", "kind": "assistance", "name": person.name, "birth_date": f"{person.birth_date:%d.%m.%Y}"},
    ).content.decode()
    assert earlier.number in found and f'name="case" value="{earlier.pk}"' in found
    before_cases, before_counters, version = Case.objects.count(), counters(), earlier.version

    added = client.post(url, {"action": "attach", "case": earlier.pk})
    assert added.status_code == 302 and added["Location"] == reverse("inquiries:case", args=[earlier.pk])
    inquiry.refresh_from_db()
    earlier.refresh_from_db()
    assert inquiry.triaged_at is not None and inquiry.attached_to_id == earlier.pk and inquiry.person_id == person.pk
    assert Case.objects.count() == before_cases and counters() == before_counters  # no case number used
    assert earlier.version == version + 1
    document = earlier.documents.filter(kind=Document.Kind.INQUIRY).order_by("-sequence").first()
    assert inquiry.reference in document.title and document.body == "Nytt brev fra sykehuset."
    entry = AuditEntry.objects.filter(object_id=str(earlier.pk)).order_by("-id").first()
    assert entry.detail.get("attached_inquiry") == inquiry.reference
    # The inquiry's page says which case it is part of; it no longer waits in the worklist.
    page = client.get(url).content.decode()
    assert earlier.number in page and 'value="attach"' not in page
    assert inquiry.reference not in client.get(reverse("inquiries:worklist") + "?vis=desk").content.decode()
    # The statistics count it as triaged into an assistance case, not as waiting.
    stats = statistics.desk_statistics(earlier.organisation, inquiry.year)
    assert stats.by_service[("assistance", inquiry.service)] == 2
    assert not [k for k in stats.by_service if k[0] == statistics.UNTRIAGED]
    # Done once: a second attempt changes nothing.
    again = client.post(url, {"action": "attach", "case": earlier.pk})
    assert again.status_code == 302 and Inquiry.objects.filter(attached_to=earlier).count() == 1


def test_another_associations_case_a_closed_case_or_another_persons_is_never_chosen(client, login):
    worker = UserFactory(role="association_case_worker", role__organisation=ASSOCIATION)
    inquiry = make_inquiry()
    url = reverse("inquiries:inquiry", args=[inquiry.pk])
    theirs = make_case(association_name=OTHER_ASSOCIATION)
    Case.objects.filter(pk=theirs.pk).update(person=inquiry.person)
    closed = make_case("closed")
    Case.objects.filter(pk=closed.pk).update(person=inquiry.person)
    someone_else = make_case()
    login(worker)
    before = Case.objects.get(pk=theirs.pk).version
    their_documents = Document.objects.filter(case=theirs).count()

    for target, status in ((theirs, 404), (closed, 404)):
        assert client.post(url, {"action": "attach", "case": target.pk}).status_code == status
    for bad in ("", "x", "-1", "99999999999999999999"):
        assert client.post(url, {"action": "attach", "case": bad}).status_code == 404
    refused = client.post(url, {"action": "attach", "case": someone_else.pk}, follow=True)
    assert "en annen person" in refused.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.triaged_at is None and inquiry.attached_to_id is None
    assert Case.objects.get(pk=theirs.pk).version == before
    assert Document.objects.filter(case=theirs).count() == their_documents

    # The service refuses it too, whoever calls it (the other association's staff included), audited.
    with pytest.raises(PermissionDenied):
        inquiries.inquiry_attach(actor=principal_for(worker), inquiry=inquiry, case=theirs)
    other_worker = UserFactory(role="association_case_worker", role__organisation=OTHER_ASSOCIATION)
    with pytest.raises(PermissionDenied):
        inquiries.inquiry_attach(actor=principal_for(other_worker), inquiry=inquiry, case=theirs)
    # Another association's worker posting to this inquiry gets 404 (they do not see it).
    login(other_worker)
    assert client.post(url, {"action": "attach", "case": theirs.pk}).status_code == 404
    # The medical adviser, who sees cases but not inquiries, neither.
    login(UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION))
    assert client.post(url, {"action": "attach", "case": closed.pk}).status_code in (403, 404)
    inquiry.refresh_from_db()
    assert inquiry.attached_to_id is None
