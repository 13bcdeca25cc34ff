"""Exports and statistics name no one (data minimisation; small-number rules are the reports module's tests).

The annual report's downloads and pages and the statistics page are made from cases whose patients have names
and national ids, as a network analyst and as an office lead see them, and scanned: no patient's name, no
patient's national id and no other national id. PDF is rendered from the same content as the HTML page, which
is scanned in its place.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from vegvis.abroad.tests.support import make_case
from vegvis.core.models import Person
from vegvis.testing.auth import log_in_verified
from vegvis.testing.privacy import identities, leaks, response_text

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1


@pytest.fixture
def a_year_of_cases() -> None:
    for state, region in (
        ("follow_up", "helse-sor-ost"),
        ("rejected", "helse-vest"),
        ("closed", "helse-nord"),
        ("assessment_requested", "helse-midt-norge"),
    ):
        make_case(state, home_region=region, received=date(YEAR, 6, 2))


def _exports() -> list[str]:
    from vegvis.reports.views import DOWNLOADS

    pages = [
        reverse("reports:annual", kwargs={"year": YEAR}),
        reverse("reports:statistics") + f"?year={YEAR}",
    ]
    return pages + [
        reverse("reports:annual_download", kwargs={"year": YEAR, "kind": kind}) for kind in DOWNLOADS if kind != "pdf"
    ]


@pytest.mark.parametrize("role", ["network_analyst", "office_lead"])
def test_the_annual_report_and_the_statistics_hold_no_identity(client, make_user, a_year_of_cases, role):
    log_in_verified(client, make_user(role, username=f"export.{role}"))
    known = identities(Person.objects.all())
    assert len(known) == 4

    for url in _exports():
        response = client.get(url)
        assert response.status_code == 200, url
        text = response_text(response)
        assert text is not None, f"{url}: {response['Content-Type']} cannot be scanned"
        assert not leaks(text, known), f"{url} as {role}"
