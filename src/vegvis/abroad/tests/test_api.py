"""The treatment-abroad API, as a hospital's or an office's system uses it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vegvis.abroad.models import Case, Status
from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import synthetic_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def api(client, case_handler):
    _token, key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="test", scope="read_write")

    class Api:
        def get(self, path, **params):
            return client.get(f"/api/v1/abroad{path}", params, HTTP_AUTHORIZATION=f"Bearer {key}")

        def post(self, path, body):
            return client.post(
                f"/api/v1/abroad{path}", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
            )

    return Api()


def application(**overrides):
    body = {
        "national_id": synthetic_id(),
        "patient_name": "Ola Nordmann",
        "home_region": "helse-nord",
        "route": "treatment_abroad",
        "received_date": TODAY.isoformat(),
        "diagnosis_icd10": "G40.2",
        "requested_treatment": "MEG",
        "hospital": {"name": "Helsinki University Hospital", "city": "Helsinki", "country": "FI"},
        "external_id": "HUS-1",
    }
    body.update(overrides)
    return body


def test_a_hospital_system_submits_an_application_and_reads_its_status(api):
    response = api.post("/cases", application())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["office"] == "ous" and created["status"] == "received" and created["number"].endswith("/0001")
    assert "request_info" in created["allowed_events"]
    again = api.post("/cases", application(national_id=synthetic_id()))
    assert again.status_code == 200 and again.json()["id"] == created["id"]  # same external_id: the same case
    assert Case.objects.count() == 1
    status = api.get(f"/cases/{created['id']}").json()
    assert status["status"] == "received" and status["documents"][0]["kind"] == "application"


def test_bad_application_answers_422_with_the_field(api):
    response = api.post("/cases", application(diagnosis_icd10="X99.99"))
    assert response.status_code == 422 and "diagnosis_icd10" in response.json()["errors"]
    response = api.post("/cases", application(national_id="12345678901", external_id="other"))
    assert response.status_code == 422 and "national_id" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_transitions_through_the_api_and_a_stale_version_answers_409(api):
    case = make_case()
    response = api.post(
        f"/cases/{case.pk}/transitions",
        {"event": "request_info", "version": case.version, "data": {"recipient": "Lege", "text": "Epikrise mangler"}},
    )
    assert response.status_code == 200 and response.json()["status"] == Status.INFO_REQUESTED
    stale = api.post(
        f"/cases/{case.pk}/transitions",
        {"event": "withdraw", "version": case.version, "data": {"withdrawn_on": TODAY.isoformat()}},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "case_changed"


def test_impossible_transition_answers_409_and_missing_fields_422(api):
    case = make_case("follow_up")
    refused = api.post(
        f"/cases/{case.pk}/transitions",
        {"event": "request_info", "version": case.version, "data": {"recipient": "x", "text": "y"}},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "transition_refused"
    invalid = api.post(
        f"/cases/{case.pk}/transitions", {"event": "close", "version": case.version, "data": {"closed_on": "yesterday"}}
    )
    assert invalid.status_code == 422 and "closed_on" in invalid.json()["errors"]


def test_another_offices_case_does_not_exist_for_the_api(api):
    case = make_case(home_region="helse-vest")
    assert api.get(f"/cases/{case.pk}").status_code == 404
    assert api.post(f"/cases/{case.pk}/transitions", {"event": "withdraw", "version": 1, "data": {}}).status_code == 404
    assert AuditEntry.objects.filter(action="denied", object_id=str(case.pk)).count() == 2


def test_worklist_pages_by_cursor_and_is_audited(api, django_assert_max_num_queries):
    for days in range(4):
        make_case(received=TODAY - timedelta(days=40 + days))
    body = api.get("/cases").json()
    assert [row["due_on"] for row in body["items"]] == sorted(row["due_on"] for row in body["items"])
    assert body["next_cursor"] is None and len(body["items"]) == 4
    entry = AuditEntry.objects.filter(action="read", object_label="API worklist").latest("seq")
    assert len(entry.detail["persons"]) == 4
    with django_assert_max_num_queries(15):
        api.get("/cases")


def test_without_credentials_the_api_answers_401(client):
    assert client.get("/api/v1/abroad/cases").status_code == 401


def test_openapi_document_describes_the_case_operations(client, case_handler):
    log_in_verified(client, case_handler)
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/abroad/cases",
        "/api/v1/abroad/cases/{case_id}",
        "/api/v1/abroad/cases/{case_id}/transitions",
    } <= set(schema["paths"])
