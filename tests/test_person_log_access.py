"""Issue 10, item 7: the system administrator, who may not open cases, cannot learn patients' names by counting
through /revisjon/personer/<id>/. The privacy officer (personvernombud) reads any person's access log."""

import pytest
from django.urls import reverse

from vegvis.abroad.tests.support import make_case
from vegvis.core.models import Person

pytestmark = pytest.mark.django_db


def test_the_system_administrator_enumerating_person_ids_learns_no_name(login, sysadmin, privacy_officer):
    cases = [make_case(home_region=region) for region in ("helse-sor-ost", "helse-vest", "helse-nord")]
    names = [c.patient.name for c in cases]
    # Every existing id, its neighbours and ids that never existed (PostgreSQL's sequences are not reset between
    # tests, so the ids are not 1..n).
    ids = set(Person.objects.values_list("pk", flat=True))
    probes = sorted({n for pk in ids for n in (pk - 1, pk, pk + 1) if n > 0} | {1, max(ids) + 1000})
    client = login(sysadmin)
    for person_id in probes:
        response = client.get(reverse("audit:person_log", args=[person_id]))
        assert response.status_code in {403, 404}
        page = response.content.decode()
        for name in names:
            assert name not in page
    client = login(privacy_officer)
    response = client.get(reverse("audit:person_log", args=[cases[0].patient_id]))
    assert response.status_code == 200 and names[0] in response.content.decode()
    assert names[0] not in response.content.decode().split("</title>")[0]
