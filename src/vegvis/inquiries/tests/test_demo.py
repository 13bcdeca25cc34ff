"""The desk's demo data: a year of inquiries written in bulk with what the services would have derived, and the
open cases of today made through the services; the statistics page for the demo year shows ≈ 35 % assistance."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.accounts.models import User
from vegvis.audit.verify import verify_chain
from vegvis.casework.models import CaseCounter
from vegvis.core import demo as core_demo
from vegvis.core.demo import DemoContext
from vegvis.inquiries import demo
from vegvis.inquiries.models import CASE_NUMBER_KIND, INQUIRY_NUMBER_KIND, Case, Document, Inquiry, Kind, Status
from vegvis.inquiries.services.inquiries import inquiry_register

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    """The demo, run once for the module (about a thousand inquiries), then taken away again.

    In one atomic block, as Django's ``TestCase.setUpClass`` does: it begins a real transaction (on SQLite an
    explicit BEGIN), so each test's atomic block and the services' are savepoints inside it and the rollback takes
    everything away. Turning autocommit off instead left SQLite without a transaction: the services' first
    savepoint began one, and its release committed the demo for every later test in the worker."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic._from_testcase = True  # a durable block nests in it, as in a TestCase
        atomic.__enter__()
        try:
            context = DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=None)
            core_demo.populate(context)
            demo.populate(context)
            yield context
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_a_year_of_about_950_inquiries_35_percent_assistance(demo_year):
    year = timezone.localdate().year - 1
    inquiries = Inquiry.objects.filter(organisation__name=demo.ASSOCIATION, year=year)
    assert inquiries.count() == demo.INQUIRIES_PER_YEAR
    kinds = Counter(inquiries.values_list("case__kind", flat=True))
    assert kinds[Kind.ASSISTANCE] == round(demo.INQUIRIES_PER_YEAR * 0.35)
    assert kinds[None] == 0  # every inquiry of a past year is triaged
    channels = Counter(inquiries.values_list("channel", flat=True))
    services = Counter(inquiries.values_list("service", flat=True))
    assert channels.most_common(1)[0][0] == "phone" and len(channels) == 4, channels
    assert services.most_common(1)[0][0] == "gp" and len(services) == 4, services
    # Specialist care becomes assistance more often than general practice.
    share = {
        s: inquiries.filter(service=s, case__kind=Kind.ASSISTANCE).count() / services[s] for s in ("gp", "specialist")
    }
    assert share["specialist"] > share["gp"]


def test_bulk_rows_carry_the_numbers_and_derived_fields_the_services_give(demo_year):
    year = timezone.localdate().year - 1
    organisation = Inquiry.objects.filter(organisation__name=demo.ASSOCIATION).first().organisation
    year_inquiries = Inquiry.objects.filter(organisation=organisation, year=year).order_by("serial")
    # Reference numbers without gaps in received order, and the counter at the last.
    serials = list(year_inquiries.values_list("serial", flat=True))
    assert serials == list(range(1, len(serials) + 1))
    received = list(year_inquiries.values_list("received_at", flat=True))
    assert received == sorted(received)
    first = year_inquiries.first()
    assert re.fullmatch(rf"H{year}-0001", first.reference)
    counter = CaseCounter.objects.get(organisation=organisation, year=year, kind=INQUIRY_NUMBER_KIND)
    assert counter.last == len(serials)
    for case_year in Case.objects.filter(organisation=organisation).values_list("year", flat=True).distinct():
        numbered = Case.objects.filter(organisation=organisation, year=case_year)
        last = CaseCounter.objects.get(organisation=organisation, year=case_year, kind=CASE_NUMBER_KIND).last
        assert numbered.aggregate(m=Max("serial"))["m"] == last == numbered.count()
    for case in Case.objects.filter(inquiry__year=year).select_related("inquiry")[:200]:
        assert case.number == f"{case.year}/{case.serial:04d}"
        assert case.year == timezone.localtime(case.inquiry.triaged_at).year
        assert case.status == Status.CLOSED and case.closed_at >= case.inquiry.received_at
        assert case.due_on is None and case.outcome
        assert bool(case.failure_type) == (case.kind == Kind.ASSISTANCE)
        document = case.documents.get()
        assert (document.number, document.kind) == (f"{case.number}-1", Document.Kind.INQUIRY)
        assert document.body == case.inquiry.account
    # Web-form inquiries carry the consent they were given with.
    web = year_inquiries.filter(channel="web_form").first()
    assert web.consent_given_at == web.received_at and demo.ASSOCIATION in web.consent_text
    assert verify_chain().ok


def test_open_work_for_the_worklist_in_every_state_and_users_for_each_role(demo_year):
    today = Case.objects.filter(organisation__name=demo.ASSOCIATION).exclude(status=Status.CLOSED)
    states = Counter(today.values_list("status", flat=True))
    assert set(states) == {"open", "at_npe", "npe_decided", "at_board"}, states
    assert today.filter(due_on__lt=timezone.localdate()).exists()  # an overdue record request
    assert Inquiry.objects.filter(organisation__name=demo.ASSOCIATION, triaged_at__isnull=True).count() == 3
    usernames = [name for name, _description in demo_year.users]
    for username, *_rest in demo.DESK_USERS:
        assert username in usernames
    assert User.objects.get(username="fjordlys.radgiver").inquiry_cases_advised.exclude(status="closed").exists()
    # The numbering the services take next continues the bulk series.
    organisation = today.first().organisation
    made = inquiry_register(
        actor=SYSTEM, organisation=organisation, channel="phone", contacted_by="patient", service="gp", account="x"
    )
    assert made.serial == Inquiry.objects.filter(organisation=organisation, year=made.year).count()


def test_the_statistics_page_for_the_demo_year_shows_about_35_percent(demo_year, login):
    year = timezone.localdate().year - 1
    client = login(User.objects.get(username="fjordlys.leder"))
    page = client.get(reverse("inquiries:statistics_index"), follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith(reverse("inquiries:statistics", args=[year]))
    text = page.content.decode()
    share = re.search(r'id="andel-bistand">(\d+)\xa0%<', text)
    assert share and int(share.group(1)) == 35, share
    assert re.search(r'id="nye-henvendelser">950<', text)
