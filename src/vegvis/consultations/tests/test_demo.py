"""The consultations' demo data (seed 002): the guideline round with a dozen inputs, two late, one exempt, three
near-duplicates, made through the services; the secretariat's page shows it, and running the demo again adds
nothing."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.utils import timezone

from vegvis.access.principal import SYSTEM
from vegvis.consultations import demo
from vegvis.consultations.models import Consultation, Input, Status
from vegvis.core.demo import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_round_has_a_dozen_inputs_two_late_one_exempt(login):
    from vegvis.accounts.models import User

    context = DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=StringIO())
    demo.populate(context)
    year = timezone.localdate().year

    consultation = Consultation.objects.get(title="Nasjonal veileder for utprøvende behandling")
    assert (consultation.issuer, consultation.internal_deadline) == ("Helsedirektoratet", date(year, 5, 30))
    assert consultation.status == Status.WRITING
    inputs = Input.objects.filter(consultation=consultation)
    assert inputs.count() == 12
    assert inputs.filter(late=True).count() == 2
    assert inputs.filter(contains_personal_data=True).count() == 1
    campaign = [i.text for i in inputs if "aldri betaler selv" in i.text]
    assert len(campaign) == 3 and len(set(campaign)) == 3  # near, not exact, duplicates
    assert consultation.documents.filter(kind="input").count() == 12

    page = login(User.objects.get(username="horing.sekretariat")).get(f"/horinger/sekretariat/{consultation.pk}/")
    assert page.status_code == 200
    assert "Nasjonal veileder for utprøvende behandling" in page.content.decode()

    demo.populate(DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=StringIO()))
    assert Consultation.objects.count() == 1
