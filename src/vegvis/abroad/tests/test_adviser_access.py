"""Issue 10, item 7: a medical adviser's access to a case ends when their assessment is answered, after a grace
period (policies.ADVISER_DAYS_AFTER_ANSWER) for the office's follow-up questions. Tested with real requests."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.policies import ADVISER_DAYS_AFTER_ANSWER
from vegvis.abroad.services import cases
from vegvis.abroad.tests.support import OPERATOR, expert_community, make_case

pytestmark = pytest.mark.django_db


def later(monkeypatch, days: int) -> None:
    """Let ``days`` pass: every "today" the application asks for is that many days on."""
    real = timezone.localdate
    day = real() + timedelta(days=days)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day if not args else real(*args, **kwargs))


def test_the_adviser_loses_the_case_after_answering_and_the_grace_period(login, medical_adviser, monkeypatch):
    case = make_case("info_received")
    cases.case_request_assessment(
        actor=OPERATOR,
        case=case,
        version=case.version,
        expert_community=expert_community(),
        question="Adekvat tilbud i Norge?",
        adviser=medical_adviser,
    )
    assessment = case.assessments.get()
    client = login(medical_adviser)
    case_page, answer_page = (
        reverse("abroad:case", args=[case.pk]),
        reverse("abroad:assessment_answer", args=[assessment.pk]),
    )
    assert client.get(case_page).status_code == 200 and client.get(answer_page).status_code == 200

    response = client.post(answer_page, {"recommendation": "supports", "conclusion": "Ikke tilbud i Norge."})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answered_on == timezone.localdate()
    assert client.get(case_page).status_code == 200  # the office may still ask about the answer

    later(monkeypatch, ADVISER_DAYS_AFTER_ANSWER)
    assert client.get(case_page).status_code == 200
    later(monkeypatch, ADVISER_DAYS_AFTER_ANSWER + 1)
    page = client.get(case_page)
    assert page.status_code == 404 and case.patient.name not in page.content.decode()
    assert client.get(answer_page).status_code == 404
    documents = case.documents.exclude(file="")
    for document in documents:
        assert client.get(reverse("abroad:document_file", args=[case.pk, document.pk])).status_code == 404
    assert case.number not in client.get(reverse("abroad:adviser_assessments")).content.decode()
