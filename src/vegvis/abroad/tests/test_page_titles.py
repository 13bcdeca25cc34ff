"""Issue 10, item 7: no patient's name nor national id in any page's <title> (browser history, tabs, screen
sharing and window lists show it). Every page of a case, as each role that may open it."""

import re

import pytest
from django.urls import reverse

from vegvis.abroad import steps
from vegvis.abroad.forms import FOLLOW_UP_FORMS
from vegvis.abroad.tests.support import make_case

pytestmark = pytest.mark.django_db
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response) -> str:
    assert response.status_code == 200, response
    return TITLE.search(response.content.decode()).group(1)


def test_case_pages_have_no_patient_in_their_title(login, case_handler, office_lead, medical_adviser):
    case = make_case("assessment_requested")
    assessment = case.assessments.get()
    assessment.adviser = medical_adviser
    assessment.save()
    patient = case.patient
    secrets = [patient.name, *patient.name.split(), patient.national_id, patient.national_id[:6]]
    pages = [reverse("abroad:case", args=[case.pk]), reverse("audit:person_log", args=[patient.pk])]
    pages += [reverse("abroad:case_action", args=[case.pk, event]) for event in steps.TABLE.actions]
    pages += [reverse("abroad:case_follow_up", args=[case.pk, what]) for what in FOLLOW_UP_FORMS]
    titles = []
    client = login(office_lead)
    for url in pages:
        response = client.get(url)
        if response.status_code == 200:
            titles.append(title_of(response))
    client = login(medical_adviser)
    titles.append(title_of(client.get(reverse("abroad:case", args=[case.pk]))))
    titles.append(title_of(client.get(reverse("abroad:assessment_answer", args=[assessment.pk]))))
    assert len(titles) > 5
    for title in titles:
        for secret in secrets:
            assert secret not in title, (title, secret)
