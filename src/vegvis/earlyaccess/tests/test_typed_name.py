"""A clinician who types the national id of a person already in the register, but not theirs to see (another
system's or another hospital's patient), must not learn the register's name: the treatment keeps and shows the
name as typed, on every page and in the API, and does not make the register's person visible (as treatment
abroad's withheld patient). A person the clinician may see already is shown by the register's name."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegvis.access.policies import policy_for
from vegvis.access.principal import SYSTEM, principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.core.models import Person
from vegvis.earlyaccess import services
from vegvis.earlyaccess.models import ExperimentalTreatment, PatientTreatment
from vegvis.earlyaccess.tests.support import hospital, plan, programme, start, user
from vegvis.testing.factories import PersonFactory, region, synthetic_id

pytestmark = pytest.mark.django_db

REGISTERED = "Registrert Registersen"
TYPED = "Skrevet Skrivesen"


def _registered() -> tuple[Person, str]:
    national_id = synthetic_id()
    return PersonFactory(national_id=national_id, name=REGISTERED), national_id


def test_a_start_for_a_person_the_clinician_cannot_see_shows_the_name_as_typed_never_the_registers(login):
    person, national_id = _registered()
    clinician = user("earlyaccess_clinician")
    browser = login(clinician)
    today = timezone.localdate().strftime("%d.%m.%Y")
    answer = browser.post(
        reverse("earlyaccess:treatment_start"),
        {
            "name": f"  {TYPED} ", "national_id": national_id, "home_region": region().pk,
            "programme": programme().pk, "hospital": hospital().pk, "consultant": "Overlege Kari", "started_on": today,
        },
    )  # fmt: skip
    assert answer.status_code == 302
    treatment = PatientTreatment.objects.get()
    assert (treatment.person_id, treatment.patient_withheld, treatment.stated_name) == (person.pk, True, TYPED)
    for url in (answer["Location"], reverse("earlyaccess:worklist")):
        page = browser.get(url).content.decode()
        assert TYPED in page and REGISTERED not in page, url
    person.refresh_from_db()
    assert person.name == REGISTERED  # the register is not changed
    assert not policy_for(Person).can(principal_for(clinician), "view", person)  # nor made visible


def test_the_api_answers_the_name_as_typed_for_an_experimental_treatment_of_a_person_it_cannot_see():
    _person, national_id = _registered()
    holder = user("earlyaccess_clinician", username="api.klinikker")
    key = api_token_issue(actor=principal_for(holder), user=holder, name="t", scope="read_write")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    values = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(plan()).items()}
    body: dict[str, Any] = {
        **values, "name": TYPED, "national_id": national_id, "home_region": "helse-sor-ost",
        "hospital_id": hospital().pk,
    }  # fmt: skip
    made = api.post("/api/v1/earlyaccess/experimental", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["name"] == TYPED
    listed = api.get("/api/v1/earlyaccess/experimental")
    assert [row["name"] for row in listed.json()["items"]] == [TYPED]
    assert REGISTERED not in made.content.decode() + listed.content.decode()
    assert ExperimentalTreatment.objects.get().patient_withheld


def test_a_person_the_clinician_sees_already_is_shown_by_the_registers_name(login):
    first = start()  # the hospital's own patient: the clinician sees the person
    national_id = first.person.national_id
    patient = services.patient_for(actor=SYSTEM, national_id=national_id, name=TYPED, home_region=region())
    assert patient.withheld_name == ""
    clinician = principal_for(user("earlyaccess_clinician"))
    patient = services.patient_for(actor=clinician, national_id=national_id, name=TYPED, home_region=region())
    made = services.experimental_register(actor=clinician, person=patient, hospital=hospital(), data=plan())
    assert not made.patient_withheld and made.patient_name == first.person.name
