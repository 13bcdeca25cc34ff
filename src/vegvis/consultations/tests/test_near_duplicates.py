"""The secretariat sees the near-identical inputs grouped: the demo's round has exactly one group, its three
planted campaign copies, with their similarity in Norwegian percent and the threshold; the API's detail carries
the same group for the secretariat and none for a body's user."""

from __future__ import annotations

import math
import re
from io import StringIO

import pytest

from vegvis.access.principal import SYSTEM
from vegvis.consultations import demo, services
from vegvis.consultations.models import Consultation, Input
from vegvis.consultations.similarity import similarity
from vegvis.consultations.tests.support import OTHER_BODY, body, make_consultation, send_input
from vegvis.core.demo import DemoContext

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_rounds_three_campaign_copies_are_the_one_group(login, client):
    from vegvis.accounts.models import User
    from vegvis.testing.auth import log_in_verified

    demo.populate(DemoContext(principal=SYSTEM, seed=2020, cases=0, with_users=True, out=StringIO()))
    consultation = Consultation.objects.get(title="Nasjonal veileder for utprøvende behandling")
    inputs = Input.objects.filter(consultation=consultation).select_related("body__organisation")
    campaign = sorted((i for i in inputs if "aldri betaler selv" in i.text), key=lambda i: (i.registered_at, i.pk))
    assert len(campaign) == 3
    first = campaign[0]
    expected = [math.floor(similarity(first.text, other.text) * 100) for other in campaign[1:]]
    assert sorted(expected) == [78, 84]  # the demo's copies: one with two words changed, one with a sentence added

    page = login(User.objects.get(username="horing.sekretariat")).get(f"/horinger/sekretariat/{consultation.pk}/")
    html = page.content.decode()
    section = html[html.index('id="h-near-duplicates"') : html.index('id="h-inputs"')]
    assert "Nesten like innspill (1)" in section
    assert f"minst 50{NBSP}% av tre-ords-sekvensene" in section
    assert re.findall(r'href="#input-(\d+)"', section) == [str(i.pk) for i in campaign]
    for other, percent in zip(campaign[1:], expected, strict=True):
        assert f"{other.number} {other.body.name}</a>: {percent}{NBSP}% lik {first.number}" in section

    log_in_verified(client, User.objects.get(username="horing.sekretariat"))
    detail = client.get(f"/api/v1/consultations/{consultation.pk}").json()
    assert detail["near_duplicate_threshold"] == 0.5
    (group,) = detail["near_duplicates"]
    assert [m["input_id"] for m in group] == [i.pk for i in campaign]
    assert group[0]["similarity"] is None and all(0.5 <= m["similarity"] < 1 for m in group[1:])

    client.logout()
    log_in_verified(client, User.objects.get(username="onkologene.bruker"))
    assert client.get(f"/api/v1/consultations/{consultation.pk}").json()["near_duplicates"] == []


def test_the_grouping_reads_each_inputs_latest_version(login):
    """Two bodies send the same long text; once one of them revises it into its own, the group is gone."""
    from vegvis.access.principal import principal_for
    from vegvis.testing.factories import UserFactory

    text = " ".join(f"Setning nummer {n} om utprøvende behandling i spesialisthelsetjenesten." for n in range(8))
    consultation = make_consultation("open")
    send_input(consultation, text=text)
    other = send_input(consultation, body(OTHER_BODY), text=text)
    secretariat = UserFactory(
        role="consultation_secretariat",
        role__organisation="Den norske legeforening",
        role__organisation_kind="association",
    )
    client = login(secretariat)
    page = client.get(f"/horinger/sekretariat/{consultation.pk}/").content.decode()
    assert "Nesten like innspill (1)" in page and f"100{NBSP}% lik" in page

    author = UserFactory(role="member_body_user", role__organisation=OTHER_BODY, role__organisation_kind="member_body")
    services.input_revise(
        actor=principal_for(author),
        input=other,
        version=other.version,
        text="Barnelegene mener noe helt annet, og skriver det med egne ord over flere setninger her.",
        contains_personal_data=False,
    )
    assert "Nesten like innspill" not in client.get(f"/horinger/sekretariat/{consultation.pk}/").content.decode()
