"""What the secretariat downloads and what the API answers: the response PDF read back with pdftotext, the
register of inputs read back with openpyxl (text never a formula), and the API's input, use and steps with their
refusals (another body's unpublished input is 404)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from vegvis.access.principal import SYSTEM
from vegvis.consultations import services
from vegvis.consultations.models import Use
from vegvis.consultations.tests.support import (
    BODY,
    OTHER_BODY,
    body,
    body_user,
    make_consultation,
    send_input,
    step,
)
from vegvis.testing import pdf
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _secretariat():
    return UserFactory(
        role="consultation_secretariat",
        role__organisation="Den norske legeforening",
        role__organisation_kind="association",
    )


def test_the_response_pdf_has_the_introduction_and_sections(login):
    consultation = make_consultation("writing")
    services.response_introduction_save(
        actor=SYSTEM,
        consultation=consultation,
        version=consultation.version,
        text="Legeforeningen takker for høringen.",
    )
    response = login(_secretariat()).get(f"/horinger/sekretariat/{consultation.pk}/svar.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf.words(pdf.text(response.content))
    for expected in (
        "Høringssvar: Nasjonal veileder for utprøvende behandling",
        "Legeforeningen takker for høringen.",
        "1. Utprøvende behandling utenfor studier",
        consultation.number,
    ):
        assert expected in text


def test_the_register_of_inputs_is_read_back_and_holds_no_formula(login):
    consultation = make_consultation("open")
    send_input(consultation, text='=HYPERLINK("http://evil")')
    late = send_input(consultation, body(OTHER_BODY), text="Sent innspill.")
    services.input_use_record(actor=SYSTEM, input=late, use=Use.PARTLY, explanation="=1+1 delvis tatt inn")
    response = login(_secretariat()).get(f"/horinger/sekretariat/{consultation.pk}/innspill.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Innspill"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_row=4)]
    assert rows[0][:4] == ["Registreringsnummer", "Journalført", "Ledd", "For sent"]
    assert {rows[1][2], rows[2][2]} == {BODY, OTHER_BODY}
    assert "Delvis brukt" in rows[1] + rows[2]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_the_api_takes_input_from_the_own_body_and_hides_it_from_another(client):
    from vegvis.testing.auth import log_in_verified

    consultation = make_consultation("open")
    own, other = body_user(BODY, "api.own"), body_user(OTHER_BODY, "api.other")
    log_in_verified(client, own)
    sent = client.post(
        f"/api/v1/consultations/{consultation.pk}/inputs",
        {"text": "Innspill over API."},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["late"] is False
    input_id = sent.json()["id"]
    again = client.post(
        f"/api/v1/consultations/{consultation.pk}/inputs", {"text": "Igjen."}, content_type="application/json"
    )
    assert again.status_code == 409

    client.logout()
    log_in_verified(client, other)
    read = client.get(f"/api/v1/consultations/{consultation.pk}")
    assert read.status_code == 200 and read.json()["inputs"] == []
    revise = client.post(
        f"/api/v1/consultations/inputs/{input_id}/revisions",
        {"text": "Kapret.", "version": 1},
        content_type="application/json",
    )
    assert revise.status_code == 404


def test_the_api_records_use_and_takes_the_steps_the_table_allows(client):
    from vegvis.testing.auth import log_in_verified

    consultation = make_consultation("open")
    item = send_input(consultation)
    log_in_verified(client, _secretariat())
    detail = client.get(f"/api/v1/consultations/{consultation.pk}").json()
    assert detail["allowed_steps"] == ["close_for_input"]
    used = client.post(
        f"/api/v1/consultations/inputs/{item.pk}/use",
        {"use": "used", "explanation": "Tatt inn."},
        content_type="application/json",
    )
    assert used.status_code == 200 and used.json()["use"] == "used"
    refused = client.post(
        f"/api/v1/consultations/{consultation.pk}/steps",
        {"event": "publish", "version": detail["version"]},
        content_type="application/json",
    )
    assert refused.status_code == 409
    closed = client.post(
        f"/api/v1/consultations/{consultation.pk}/steps",
        {"event": "close_for_input", "version": detail["version"]},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    step(consultation, "start_response")
    assert consultation.status == "writing"
