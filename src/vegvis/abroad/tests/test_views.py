"""The treatment-abroad pages as their users see them: access, audit, messages, and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Case, Document, Method, Status
from vegvis.abroad.tests.support import expert_community, make_case
from vegvis.audit.models import AuditEntry
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import synthetic_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_handler_of_helse_bergen_cannot_open_a_helse_sor_ost_case_and_the_attempt_is_audited(
    client, case_handler_bergen
):
    case = make_case(home_region="helse-sor-ost")
    log_in_verified(client, case_handler_bergen)
    response = client.get(reverse("abroad:case", args=[case.pk]))
    assert response.status_code == 404
    assert case.patient.name not in response.content.decode()
    denied = AuditEntry.objects.get(action="denied", object_type="abroad.case", object_id=str(case.pk))
    assert denied.actor_id == case_handler_bergen.pk


def test_a_case_id_that_does_not_exist_and_one_of_another_office_look_the_same(client, case_handler_bergen):
    case = make_case(home_region="helse-sor-ost")
    log_in_verified(client, case_handler_bergen)
    other = client.get(reverse("abroad:case", args=[case.pk]))
    missing = client.get(reverse("abroad:case", args=[case.pk + 1000]))
    assert other.status_code == missing.status_code == 404


def test_case_page_shows_the_case_and_audits_the_read(client, case_handler):
    case = make_case()
    log_in_verified(client, case_handler)
    response = client.get(reverse("abroad:case", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.number in page and case.patient.name in page
    assert case.patient.national_id in page  # case handlers need the whole number
    entry = AuditEntry.objects.filter(action="read", object_id=str(case.pk)).latest("seq")
    assert entry.person_id == case.patient_id and "national_id" in entry.detail["shown"]


def test_medical_adviser_sees_only_assigned_cases_and_a_masked_national_id(client, medical_adviser):
    from vegvis.abroad.services import cases
    from vegvis.abroad.tests.support import OPERATOR

    assigned = make_case()
    cases.case_request_assessment(
        actor=OPERATOR,
        case=assigned,
        version=assigned.version,
        expert_community=expert_community(),
        question="?",
        adviser=medical_adviser,
    )
    other = make_case()
    log_in_verified(client, medical_adviser)
    page = client.get(reverse("abroad:case", args=[assigned.pk])).content.decode()
    assert assigned.patient.masked_national_id in page and assigned.patient.national_id not in page
    assert client.get(reverse("abroad:case", args=[other.pk])).status_code == 404
    assert client.get(reverse("abroad:worklist")).status_code == 403


def test_worklist_puts_what_is_due_first_and_hides_other_offices(client, case_handler):
    late = make_case(received=TODAY - timedelta(days=90))
    fresh = make_case(received=TODAY - timedelta(days=2))
    bergen = make_case(home_region="helse-vest")
    log_in_verified(client, case_handler)
    page = client.get(reverse("abroad:worklist")).content.decode()
    assert page.index(late.number) < page.index(fresh.number)
    assert bergen.patient.name not in page


def test_worklist_query_count_does_not_grow_with_the_number_of_cases(
    client, case_handler, django_assert_max_num_queries
):
    for _ in range(3):
        make_case()
    log_in_verified(client, case_handler)
    client.get(reverse("abroad:worklist"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("abroad:worklist"))
    for _ in range(12):
        make_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("abroad:worklist"))


def test_case_page_query_count_does_not_grow_with_documents(client, case_handler, django_assert_max_num_queries):
    case = make_case("follow_up")
    log_in_verified(client, case_handler)
    client.get(reverse("abroad:case", args=[case.pk]))
    with django_assert_max_num_queries(60) as baseline:
        client.get(reverse("abroad:case", args=[case.pk]))
    from vegvis.abroad.services import followup
    from vegvis.abroad.tests.support import OPERATOR

    for number in range(5):
        followup.stay_note_add(actor=OPERATOR, case=case, version=None, text=f"Note {number}", follow_up_on=None)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(reverse("abroad:case", args=[case.pk]))


def test_search_by_national_id_is_posted_never_put_in_the_url(client, case_handler):
    case = make_case()
    log_in_verified(client, case_handler)
    response = client.post(reverse("abroad:search"), {"q": case.patient.national_id})
    assert response.status_code == 200 and case.number in response.content.decode()
    entry = AuditEntry.objects.filter(action="search").latest("seq")
    assert case.patient.national_id not in str(entry.detail) and entry.detail["hits"] == 1


def test_search_by_case_number_and_by_name(client, case_handler):
    case = make_case()
    log_in_verified(client, case_handler)
    assert case.patient.name in client.post(reverse("abroad:search"), {"q": case.number}).content.decode()
    surname = case.patient.name.split()[-1]
    assert case.number in client.post(reverse("abroad:search"), {"q": surname}).content.decode()


def test_search_finds_free_text_in_norwegian(client, case_handler):
    case = make_case()
    log_in_verified(client, case_handler)
    page = client.post(reverse("abroad:search"), {"q": "MEG-undersøkelse"}).content.decode()
    assert case.number in page


def test_search_text_with_sql_is_just_text(client, case_handler):
    make_case()
    log_in_verified(client, case_handler)
    response = client.post(reverse("abroad:search"), {"q": "'; DROP TABLE abroad_case; --"})
    assert response.status_code == 200
    assert Case.objects.count() == 1


def test_new_application_through_the_form(client, case_handler):
    log_in_verified(client, case_handler)
    response = client.post(
        reverse("abroad:case_new"),
        {
            "national_id": synthetic_id(),
            "patient_name": "Kari Nordmann",
            "home_region": 1,
            "route": "treatment_abroad",
            "timing": "prior_approval",
            "applicant": "hospital_doctor",
            "applicant_name": "Overlege Lie",
            "received_date": TODAY.isoformat(),
            "diagnosis_icd10": "g402",
            "requested_treatment": "MEG",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("abroad:case", args=[case.pk])
    assert case.diagnosis_icd10 == "G40.2" and case.office.code == "ous" and case.handler == case_handler


def test_bad_input_in_the_application_form_is_shown_in_norwegian_next_to_the_field(client, case_handler):
    log_in_verified(client, case_handler)
    response = client.post(
        reverse("abroad:case_new"),
        {
            "national_id": "12345678901",
            "patient_name": "",
            "home_region": 1,
            "route": "treatment_abroad",
            "timing": "prior_approval",
            "applicant": "hospital_doctor",
            "received_date": TODAY.isoformat(),
            "diagnosis_icd10": "X99.99",
        },
        HTTP_ACCEPT_LANGUAGE="nb",
    )
    page = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    assert 'id="id_national_id_error"' in page and 'id="id_diagnosis_icd10_error"' in page
    assert 'aria-invalid="true"' in page
    assert "Kontrollsifrene stemmer ikke" in page
    assert "ikke en kjent ICD-10-kode" in page


def test_a_step_through_its_form_with_a_stale_version_is_refused_with_a_message(client, case_handler):
    case = make_case()
    log_in_verified(client, case_handler)
    url = reverse("abroad:case_action", args=[case.pk, "request_info"])
    client.post(url, {"version": case.version, "recipient": "Lege", "text": "Epikrise"})
    response = client.post(
        reverse("abroad:case_action", args=[case.pk, "withdraw"]),
        {"version": case.version, "withdrawn_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "endret av noen andre" in response.content.decode() or "changed by someone else" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.INFO_REQUESTED


def test_grant_form_for_a_method_not_introduced_demands_the_override_reason(client, case_handler):
    case = make_case("assessment_received", method=Method.objects.get(name__startswith="MR-undersøkelse"))
    log_in_verified(client, case_handler)
    response = client.post(
        reverse("abroad:case_action", args=[case.pk, "grant"]),
        {
            "version": case.version,
            "outcome": "granted",
            "decided_on": TODAY.isoformat(),
            "legal_basis": "pbrl § 2-4 a",
            "grounds": "Ønsket",
            "language": "nb",
            "cover_treatment": "on",
        },
    )
    assert response.status_code == 200 and 'id="id_method_override_reason_error"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED


def test_decision_letter_pdf_is_served_to_the_office_and_audited(client, case_handler, case_handler_bergen):
    case = make_case("rejected")
    letter = case.documents.get(kind=Document.Kind.DECISION)
    url = reverse("abroad:document_file", args=[case.pk, letter.pk])
    log_in_verified(client, case_handler)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    log_in_verified(client, case_handler_bergen)
    assert client.get(url).status_code == 404


def test_public_journal_screens_names_and_never_shows_a_national_id(client):
    case = make_case("rejected")
    response = client.get(reverse("abroad:public_journal"))
    page = response.content.decode()
    assert response.status_code == 200
    assert case.patient.name not in page and case.patient.national_id not in page
    assert case.patient.national_id[:6] not in page
    assert f"{case.number}-1" in page and "******" in page


def test_public_journal_pages_by_cursor_without_counting(client, django_assert_max_num_queries):
    for _ in range(3):
        make_case()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("abroad:public_journal")).status_code == 200


def test_emergency_access_requires_a_reason_and_is_flagged(client, case_handler_bergen):
    case = make_case(home_region="helse-sor-ost")
    log_in_verified(client, case_handler_bergen)
    url = reverse("abroad:emergency_access")
    response = client.post(url, {"office": case.office_id, "case_number": case.number, "reason": "kort"})
    assert response.status_code == 200 and client.get(reverse("abroad:case", args=[case.pk])).status_code == 404
    reason = "Pasienten er innlagt akutt i Bergen og trenger oppfølging av innvilget behandling i dag."
    response = client.post(url, {"office": case.office_id, "case_number": case.number, "reason": reason})
    assert response.status_code == 302
    page = client.get(reverse("abroad:case", args=[case.pk]))
    assert (
        page.status_code == 200 and "nødtilgang" in page.content.decode().lower()
    ) or "emergency" in page.content.decode().lower()
    opened = AuditEntry.objects.get(action="emergency", object_id=str(case.pk))
    assert opened.emergency and opened.reason == reason
    read = AuditEntry.objects.filter(action="read", object_id=str(case.pk)).latest("seq")
    assert read.emergency


def test_person_access_log_lists_who_read_the_patient(client, case_handler, office_lead):
    case = make_case()
    log_in_verified(client, case_handler)
    client.get(reverse("abroad:case", args=[case.pk]))
    log_in_verified(client, office_lead)
    page = client.get(reverse("audit:person_log", args=[case.patient_id])).content.decode()
    # By full name, never by login name (issue 11).
    assert case_handler.get_full_name() in page and case_handler.username not in page


def test_office_lead_edits_the_method_register_and_a_case_handler_cannot(client, office_lead, case_handler):
    log_in_verified(client, case_handler)
    assert client.get(reverse("abroad:method_new")).status_code == 403
    log_in_verified(client, office_lead)
    response = client.post(
        reverse("abroad:method_new"), {"name": "Ny metode", "decision": "not_introduced", "decided_on": "2026-06-01"}
    )
    assert response.status_code == 302 and Method.objects.filter(name="Ny metode", decision="not_introduced").exists()


def test_letter_template_with_unknown_placeholder_is_refused(client, office_lead):
    from vegvis.abroad.models import LetterTemplate

    template = LetterTemplate.objects.get(kind="rejected", language="nb")
    log_in_verified(client, office_lead)
    response = client.post(
        reverse("abroad:letter_template_edit", args=[template.pk]), {"subject": "x", "body": "Hei {{ secret }}"}
    )
    assert response.status_code == 200 and "secret" in response.content.decode()
    template.refresh_from_db()
    assert "secret" not in template.body
