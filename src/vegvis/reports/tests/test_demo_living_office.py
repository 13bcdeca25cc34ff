"""Issue 11: the demo looks like a living office.

A newcomer's worklist opened with the annual report's cases from 2020, six years overdue: the import left the
data set's undecided applications and pending appeals open. ``vegvis demo`` now closes them through the services
with the dates they would have had (all after 2020, so the 2020 report is unchanged), and the current demo cases
(made relative to today) are mostly on time, with a few overdue.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad import selectors
from vegvis.abroad.models import OPEN_STATUSES, Appeal, Case, Outcome
from vegvis.access.principal import principal_for
from vegvis.reports.dataset_2020 import FIGURES
from vegvis.reports.tests.conftest import report_json

pytestmark = pytest.mark.django_db

DEMO_CASES = 60  # the current office's cases; the report's 628 come on top


@pytest.fixture
def demo(settings):
    settings.VEGVIS_DEMO_USERS = True
    out = io.StringIO()
    call_command("demo", cases=DEMO_CASES, stdout=out)
    return out.getvalue()


def test_after_the_demo_only_current_cases_are_open_few_are_overdue_and_2020_is_as_published(demo, client):
    today = timezone.localdate()
    assert Case.objects.filter(external_id__isnull=False).count() > 600  # the annual report's cases are there
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    assert not open_cases.filter(received_date__year__lt=today.year - 1).exists()
    assert open_cases.count() > 15

    # The data set's open cases were closed the way the office would have: dates after 2020, by the services.
    withdrawn = Case.objects.filter(external_id__isnull=False, outcome=Outcome.WITHDRAWN, decided_on__year=2021)
    assert withdrawn.count() == 3
    under_way = Appeal.objects.filter(case__external_id__isnull=False).filter(
        Q(office_outcome=Appeal.OfficeOutcome.PENDING)
        | Q(office_outcome=Appeal.OfficeOutcome.FORWARDED, board_outcome="")
    )
    assert not under_way.exists()
    assert Appeal.objects.filter(board_date__year=2021, board_outcome=Appeal.BoardOutcome.UPHELD).count() >= 8
    assert "11 of them closed after it" in demo

    # The worklist of the Oslo office's case handler: "over fristen" is a small share of what is open.
    from vegvis.accounts.models import User

    handler = User.objects.get(username="saksbehandler.ous")
    counts = selectors.office_counts(principal_for(handler))
    assert counts["open"] > 5
    assert counts["overdue"] <= counts["open"] * 0.2, counts
    everywhere = open_cases.filter(due_on__lt=today).count()
    assert everywhere <= open_cases.count() * 0.2

    # The page itself: the first case in the worklist is one of this year's or last year's, not 2020's.
    from vegvis.testing.auth import log_in_verified

    log_in_verified(client, handler)
    page = client.get(reverse("abroad:worklist"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "2020/" not in page and "2019/" not in page and "2021/" not in page

    # Reports count by date, never by status: the published figures of 2020 still come out.
    report = report_json(2020)
    applications = report["applications"]
    for key in ("received", "granted", "pending_at_year_end"):
        assert applications[key] == FIGURES[key], key
    published = FIGURES["appeals"]
    for key in ("appeals_against_rejection_received", "reversed_by_office", "forwarded_to_board"):
        assert report["appeals"][key] == published[key], key
    for key in ("upheld", "reversed"):
        assert report["appeals"]["board_decisions_received"][key] == published["board_decisions_received"][key], key
