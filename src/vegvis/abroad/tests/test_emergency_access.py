"""Issue 10, item 6: emergency access ("nødtilgang") is read-only, reachable from search, shows one banner, and
is reviewed by the office lead of the case's office or the privacy officer, who are told of it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from vegvis.abroad.models import Case, Status, StayNote
from vegvis.abroad.tests.support import make_case
from vegvis.access.models import EmergencyAccess
from vegvis.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
REASON = "Pasienten er innlagt akutt i Bergen og trenger oppfølging av innvilget behandling i dag."
BANNER = "nødtilgang, bare for lesing"


@pytest.fixture
def oslo_case():
    return make_case("follow_up", home_region="helse-sor-ost")


def open_with_emergency_access(client, case):
    return client.post(
        reverse("abroad:emergency_access"),
        {"office": case.office_id, "case_number": case.number, "reason": REASON},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="nb",
    )


def test_emergency_access_shows_the_case_read_only_under_one_banner(
    login, case_handler_bergen, oslo_case, norwegian_catalogue
):
    client = login(case_handler_bergen)
    page = open_with_emergency_access(client, oslo_case)
    html = page.content.decode()
    assert page.status_code == 200 and page.redirect_chain[-1][0] == reverse("abroad:case", args=[oslo_case.pk])
    assert html.count(BANNER) == 1 and html.count('data-color="danger" role="alert"') == 1
    assert html.count("ds-alert") == 1, "one banner, no second message"
    for write in ("/steg/", "/oppfolging/", "/oppgjort/", "/lost/"):
        assert write not in html, write  # no step (not "close the case"), no follow-up, no settle, no resolve


def test_writes_under_emergency_access_are_refused(login, case_handler_bergen, oslo_case):
    client = login(case_handler_bergen)
    open_with_emergency_access(client, oslo_case)
    version = oslo_case.version
    close = client.post(
        reverse("abroad:case_action", args=[oslo_case.pk, "close"]),
        {"version": version, "closed_on": oslo_case.received_date.isoformat()},
    )
    note = client.post(
        reverse("abroad:case_follow_up", args=[oslo_case.pk, "stay_note"]),
        {"version": version, "written_on": oslo_case.received_date.isoformat(), "text": "Skrevet under nødtilgang"},
    )
    assert close.status_code == 403 and note.status_code == 403
    oslo_case.refresh_from_db()
    assert oslo_case.status == Status.FOLLOW_UP and oslo_case.version == version
    assert not StayNote.objects.filter(case=oslo_case).exists()
    assert AuditEntry.objects.filter(action="denied", object_id=str(oslo_case.pk)).exists()


def test_search_offers_the_emergency_route_whether_or_not_another_office_has_the_case(
    login, case_handler_bergen, oslo_case
):
    client = login(case_handler_bergen)
    found = client.post(reverse("abroad:search"), {"q": oslo_case.number}).content.decode()
    missing = client.post(reverse("abroad:search"), {"q": "1999/0777"}).content.decode()
    route = reverse("abroad:emergency_access")
    assert f"{route}?sak={oslo_case.number.replace('/', '%2F')}" in found and f"{route}?sak=1999%2F0777" in missing

    # The same page either way, apart from the number searched (and the CSRF token, masked anew on each page): the
    # search does not tell that Oslo has the case.
    def same(page: str, number: str) -> str:
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page.replace(number.replace("/", "%2F"), "N"))

    assert same(found, oslo_case.number) == same(missing, "1999/0777")
    form = client.get(f"{route}?sak={oslo_case.number}").content.decode()
    assert f'value="{oslo_case.number}"' in form


def test_the_office_lead_is_told_and_reviews_the_access(
    login,
    make_user,
    case_handler_bergen,
    office_lead,
    privacy_officer,
    oslo_case,
    django_capture_on_commit_callbacks,
):
    office_lead.email = "lead@ous.example"
    office_lead.save()
    bergen_lead = make_user("office_lead", office="helse-bergen", username="lead.bergen", email="lead@bergen.example")
    with django_capture_on_commit_callbacks(execute=True):
        open_with_emergency_access(login(case_handler_bergen), oslo_case)
    grant = EmergencyAccess.objects.get()
    assert grant.office_id == oslo_case.office_id and grant.label == oslo_case.number

    # An e-mail to the Oslo lead only, without health or personal data.
    assert [m.to for m in mail.outbox] == [["lead@ous.example"]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    for secret in (oslo_case.number, oslo_case.patient.name, REASON, "G40"):
        assert secret not in text
    assert reverse("audit:emergency_reviews") in text

    # On the lead's home page, and in the review list with who, when, which case and why.
    client = login(office_lead)
    assert reverse("audit:emergency_reviews") in client.get(reverse("core:home")).content.decode()
    listed = client.get(reverse("audit:emergency_reviews")).content.decode()
    assert oslo_case.number in listed and REASON in listed and case_handler_bergen.display_name in listed
    assert REASON not in login(bergen_lead).get(reverse("audit:emergency_reviews")).content.decode()

    # Reporting needs a comment; then the grant is reported, audited, and no longer waits.
    login(office_lead).post(reverse("audit:emergency_review", args=[grant.pk]), {"outcome": "reported"})
    grant.refresh_from_db()
    assert grant.review == ""
    response = login(office_lead).post(
        reverse("audit:emergency_review", args=[grant.pk]),
        {"outcome": "reported", "comment": "Ingen pasient i Bergen hadde behov."},
    )
    grant.refresh_from_db()
    assert response.status_code == 302 and grant.review == "reported" and grant.reviewed_by == office_lead
    entry = AuditEntry.objects.filter(object_type="access.emergencyaccess", object_id=str(grant.pk)).get()
    assert entry.action == "update" and entry.detail["review"] == "reported"
    assert REASON not in login(office_lead).get(reverse("audit:emergency_reviews")).content.decode()

    # The privacy officer sees every office's grants, reviewed ones when asked.
    listed = login(privacy_officer).get(reverse("audit:emergency_reviews") + "?vis=alle").content.decode()
    assert oslo_case.number in listed and "Ingen pasient i Bergen hadde behov." in listed


def test_nobody_reviews_a_grant_outside_their_scope_or_their_own(login, make_user, oslo_case, office_lead):
    from vegvis.access.policies import open_emergency_access
    from vegvis.access.principal import principal_for

    bergen_lead = make_user("office_lead", office="helse-bergen", username="lead.bergen")
    grant = open_emergency_access(principal=principal_for(bergen_lead), obj=oslo_case, reason=REASON)
    # The Bergen lead opened it: they may not review it (not their office's case, and their own access).
    response = login(bergen_lead).post(reverse("audit:emergency_review", args=[grant.pk]), {"outcome": "reviewed"})
    grant.refresh_from_db()
    assert response.status_code == 404 and grant.review == ""
    assert Case.objects.filter(pk=oslo_case.pk).exists()
