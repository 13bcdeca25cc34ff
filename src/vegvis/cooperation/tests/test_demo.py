"""The register's demo data: this year's agreements from several suppliers, made through the services, some
breaking rules and some disputed; the public page then lists the published ones with the disputed mark."""

from __future__ import annotations

from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.accounts.models import User
from vegvis.audit.models import AuditEntry
from vegvis.cooperation import demo, selectors
from vegvis.cooperation.models import Agreement, PublishedVersion, Status
from vegvis.core.demo import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_fills_the_register_and_the_public_page_lists_its_published_agreements(client):
    out = StringIO()
    context = DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=out)
    demo.populate(context)
    year = timezone.localdate().year

    agreements = Agreement.objects.filter(starts_on__year=year)
    assert agreements.count() == len(demo.PLANS)
    assert agreements.values("supplier").distinct().count() == len(demo.SUPPLIERS)
    assert agreements.values("organisation").distinct().count() == len(demo.ORGANISATIONS)
    assert {Status.PUBLISHED, Status.DISPUTED, Status.CONFIRMED, Status.IN_REVIEW} <= set(
        agreements.values_list("status", flat=True)
    )
    # Entered through the service: numbers and an audit entry each; some break rules, some break none.
    assert all(a.number.startswith(f"{year}-") for a in agreements)
    assert AuditEntry.objects.filter(action="create", object_type__contains="agreement").count() == len(demo.PLANS)
    broken = [len(selectors.agreement_findings(a)) for a in agreements]
    assert any(broken) and not all(broken)
    # A user per role, printed with the other demo users.
    usernames = [name for name, _description in context.users]
    assert demo.ADMINISTRATOR[0] in usernames
    assert {s[2] for s in demo.SUPPLIERS} | {o[3] for o in demo.ORGANISATIONS} <= set(usernames)
    assert User.objects.get(username="nordlys.leverandor").assignments.get().role.code == "supplier_user"
    assert "Cooperation register: 20 agreements" in out.getvalue()

    published = PublishedVersion.objects.filter(current=True, year=year)
    disputed = published.filter(disputed=True)
    assert published.count() >= 8 and disputed.count() >= 2
    page = client.get(reverse("cooperation:public"))
    assert page.status_code == 200
    text = page.content.decode()
    for version in published:
        assert version.terms["supplier"] in text and version.terms["organisation"] in text
    assert text.count("Bestridt") >= disputed.count()
    assert disputed.first().dispute_reason in text

    demo.populate(context)  # again: nothing added
    assert Agreement.objects.count() == len(demo.PLANS)
