"""The access log as the office lead (and the patient, through them) reads it: roles and data named in Norwegian."""

import re

import pytest
from django.urls import reverse

from vegvis.abroad.tests.support import make_case

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_access_log_names_roles_and_data_in_norwegian_not_codes(login, case_handler, office_lead):
    case = make_case()
    assert login(case_handler).get(reverse("abroad:case", args=[case.pk])).status_code == 200

    response = login(office_lead).get(reverse("audit:person_log", args=[case.patient_id]))
    assert response.status_code == 200
    text = _text(response)
    assert "Saksbehandler" in text
    assert "fødselsnummer" in text and "diagnose" in text and "fakturaer" in text
    for code in ("case_handler", "office_lead", "national_id", "requested_treatment", "access_log"):
        assert code not in text, code
