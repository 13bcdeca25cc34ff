"""Issue 10, item 4: a new application for a national id already known at another office.

The case is registered (the patient's right to apply), but the registering office sees only what it typed: never
the register's name or address of a person it may not see; the register's person is not changed; and the API
answers exactly as for a new person (no 403-versus-201 oracle, no "a case you cannot see").
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Case
from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.testing.factories import region, synthetic_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TYPED_NAME = "Tore Skrivesen"


def application(national_id: str, **overrides):
    values = {
        "national_id": national_id,
        "patient_name": TYPED_NAME,
        "home_region": region("helse-vest").pk,
        "route": "treatment_abroad",
        "timing": "prior_approval",
        "applicant": "hospital_doctor",
        "applicant_name": "Overlege Lie",
        "received_date": TODAY.isoformat(),
        "diagnosis_icd10": "G40.2",
        "requested_treatment": "MEG",
        "address_line": "Skrevet gate 1",
        "postal_code": "5003",
        "city": "Bergen",
    }
    values.update(overrides)
    return values


@pytest.fixture
def oslo_patient():
    """A patient of the Oslo office, with a name and address only Oslo may see."""
    case = make_case(home_region="helse-sor-ost")
    person = case.patient
    person.name, person.address_line, person.postal_code, person.city = (
        "Ragnfrid Ølbakk",
        "Løkkeveien 7",
        "0253",
        "Oslo",
    )
    person.save()
    return person


def test_another_offices_patient_is_registered_without_disclosing_the_register(
    login, case_handler_bergen, oslo_patient, norwegian_catalogue
):
    client = login(case_handler_bergen)
    response = client.post(reverse("abroad:case_new"), application(oslo_patient.national_id))
    case = Case.objects.get(office__code="helse-bergen")
    assert response.status_code == 302 and response.url == reverse("abroad:case", args=[case.pk])
    assert case.patient_id == oslo_patient.pk and case.patient_withheld and case.stated_name == TYPED_NAME

    oslo_patient.refresh_from_db()
    assert (oslo_patient.name, oslo_patient.address_line) == ("Ragnfrid Ølbakk", "Løkkeveien 7")  # not renamed

    for url in (
        reverse("abroad:case", args=[case.pk]),
        reverse("abroad:worklist"),
        reverse("abroad:case_follow_up", args=[case.pk, "stay_note"]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
        assert "Ølbakk" not in page and "Ragnfrid" not in page and "Løkkeveien" not in page, url
    page = client.get(reverse("abroad:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert TYPED_NAME in page and "Skrevet gate 1, 5003 Bergen" in page
    assert "opplysninger du ikke kan se" in page  # the notice, without the register's data
    # The register's name does not find the case either; the name typed does.
    found = client.post(reverse("abroad:search"), {"q": "Ragnfrid Ølbakk"}).content.decode()
    assert case.number not in found
    assert case.number in client.post(reverse("abroad:search"), {"q": "Skrivesen"}).content.decode()


def test_the_office_lead_of_the_registering_office_cannot_read_the_withheld_persons_log(
    login, make_user, case_handler_bergen, oslo_patient
):
    login(case_handler_bergen).post(reverse("abroad:case_new"), application(oslo_patient.national_id))
    lead = make_user("office_lead", office="helse-bergen", username="lead.bergen")
    page = login(lead).get(reverse("audit:person_log", args=[oslo_patient.pk]))
    assert page.status_code == 404 and "Ølbakk" not in page.content.decode()


def test_a_different_name_for_a_person_the_user_may_see_is_kept_on_the_case_and_shown(
    login, case_handler, oslo_patient, norwegian_catalogue
):
    client = login(case_handler)
    client.post(reverse("abroad:case_new"), application(oslo_patient.national_id, home_region=region().pk))
    case = Case.objects.exclude(stated_name="").get()
    oslo_patient.refresh_from_db()
    assert not case.patient_withheld and oslo_patient.name == "Ragnfrid Ølbakk"  # the register's name is kept
    page = client.get(reverse("abroad:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Ragnfrid Ølbakk" in page and f"«{TYPED_NAME}»" in page.replace("“", "«").replace("”", "»")


@pytest.fixture
def api(client, case_handler_bergen):
    _token, key = api_token_issue(
        actor=principal_for(case_handler_bergen), user=case_handler_bergen, name="t", scope="read_write"
    )

    def post(body):
        return client.post(
            "/api/v1/abroad/cases", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    return post


def api_application(national_id: str, external_id: str):
    return {
        "national_id": national_id,
        "patient_name": TYPED_NAME,
        "home_region": "helse-vest",
        "route": "treatment_abroad",
        "received_date": TODAY.isoformat(),
        "diagnosis_icd10": "G40.2",
        "external_id": external_id,
    }


def _shape(body: dict) -> dict:
    """The answer without what differs from case to case by nature (id, number, the national id's birth date)."""
    return {k: v for k, v in body.items() if k not in {"id", "number", "patient_birth_date", "documents"}} | {
        "documents": [{k: v for k, v in d.items() if k != "number"} for d in body["documents"]]
    }


def test_the_api_answers_alike_for_a_new_person_and_another_offices_patient(api, oslo_patient):
    new = api(api_application(synthetic_id(), "EXT-NEW"))
    known = api(api_application(oslo_patient.national_id, "EXT-KNOWN"))
    assert new.status_code == known.status_code == 201, (new.content, known.content)
    assert _shape(new.json()) == _shape(known.json())
    assert known.json()["patient_name"] == TYPED_NAME and known.json()["home_region"] == "helse-vest"
    assert "Ølbakk" not in known.content.decode() and "Ragnfrid" not in known.content.decode()


def test_an_external_id_of_a_case_the_caller_cannot_see_gets_a_neutral_answer(api, oslo_patient):
    make_case(home_region="helse-sor-ost", external_id="OUS-SYSTEM-1")
    response = api(api_application(synthetic_id(), "OUS-SYSTEM-1"))
    body = response.json()
    assert response.status_code in {400, 409, 422} and "external_id" in str(body)
    assert "cannot see" not in body["detail"] and "another" in body["detail"]
    assert Case.objects.filter(office__code="helse-bergen").count() == 0


def test_the_letter_for_a_withheld_patient_carries_what_was_typed_not_the_register(
    login, case_handler_bergen, oslo_patient
):
    from vegvis.abroad import letters
    from vegvis.testing import pdf

    login(case_handler_bergen).post(reverse("abroad:case_new"), application(oslo_patient.national_id))
    case = Case.objects.get(office__code="helse-bergen")
    text = pdf.text(letters.render_pdf("provisional_reply", case, language="nb", extra={"reason": "Venter"}))
    assert TYPED_NAME in text and "Skrevet gate 1" in text
    assert "Ølbakk" not in text and "Ragnfrid" not in text and "Løkkeveien" not in text
