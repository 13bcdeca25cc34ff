"""The API fuzzed from its own OpenAPI document with schemathesis: no server error, no answer outside the schema.

Every operation in the document the API serves at /api/v1/openapi.json is called with generated input, valid
and invalid, as a case handler with a bearer token (the inquiry desk's operations as its case worker, the
cooperation register's and the consultations' as their own users), through the WSGI application in this process
(so the test database's transaction holds). A module that mounts a router joins by being in the document.
Bounded so the whole run stays well under a minute.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.api.main import api
from vegvis.testing.auth import log_in_verified

# The document exactly as the API serves it (compared with the live one below).
DOCUMENT = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI application, without closing the connection after each request (as the test client does),
    so every call runs inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: Any, case_handler: Any) -> dict[str, str]:
    """A case handler's token, with cases of the handler's office and of another office to find."""
    from vegvis.abroad.tests.support import make_case

    make_case(home_region="helse-sor-ost")
    make_case("assessment_received", home_region="helse-sor-ost")
    make_case(home_region="helse-vest")
    _token, key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="fuzz", scope="read_write")
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
def test_the_fuzzed_document_is_the_one_the_api_serves(client, case_handler):
    log_in_verified(client, case_handler)

    served = client.get("/api/v1/openapi.json")

    assert served.status_code == 200 and served.json() == DOCUMENT
    assert len(DOCUMENT["paths"]) >= 5


@pytest.fixture
def desk_bearer(db: Any) -> dict[str, str]:
    """An inquiry-desk case worker's token, with inquiries and cases of the worker's association and another's."""
    from vegvis.inquiries.tests.support import ASSOCIATION, OTHER_ASSOCIATION, make_case, make_inquiry
    from vegvis.testing.factories import UserFactory

    make_inquiry()
    make_case()
    make_case("at_npe")
    make_case(association_name=OTHER_ASSOCIATION)
    worker = UserFactory(role="association_case_worker", role__organisation=ASSOCIATION)
    _token, key = api_token_issue(actor=principal_for(worker), user=worker, name="fuzz", scope="read_write")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def coop_bearers(db: Any) -> dict[str, dict[str, str]]:
    """The cooperation register's callers: a supplier's user (reads and enters agreements) and the organisation's
    user (confirms and disputes them), with agreements in each state, one of them published, and one of another
    supplier with another organisation that neither may see."""
    from vegvis.cooperation.tests.support import (
        ORGANISATION,
        OTHER_ORGANISATION,
        OTHER_SUPPLIER,
        SUPPLIER,
        make_agreement,
        organisation,
        supplier,
    )
    from vegvis.testing.factories import UserFactory

    supplier_user = UserFactory(role="supplier_user", role__organisation=SUPPLIER)
    reviewer = UserFactory(role="patient_organisation_user", role__organisation=ORGANISATION)
    administrator = UserFactory(role="cooperation_administrator")
    make_agreement()
    make_agreement("disputed")
    make_agreement("published_disputed")
    make_agreement(supplier=supplier(OTHER_SUPPLIER), organisation=organisation(OTHER_ORGANISATION))
    users: dict[str, Any] = {"supplier": supplier_user, "reviewer": reviewer, "administrator": administrator}
    bearers = {}
    for name, user in users.items():
        _token, key = api_token_issue(actor=principal_for(user), user=user, name="fuzz", scope="read_write")
        bearers[name] = {"Authorization": f"Bearer {key}"}
    return bearers


@pytest.fixture
def consult_bearers(db: Any) -> dict[str, dict[str, str]]:
    """The consultations' callers: the organisation's secretariat (reads, records use, takes steps) and a member
    body's user (sends and revises its input), with consultations in each state, the body's input to one, and
    another organisation's consultation that neither may see."""
    from vegvis.consultations.tests.support import (
        BODY,
        ORGANISATION,
        OTHER_ORGANISATION,
        STATES,
        body_user,
        make_consultation,
        send_input,
    )
    from vegvis.testing.factories import UserFactory

    secretariat = UserFactory(
        role="consultation_secretariat", role__organisation=ORGANISATION, role__organisation_kind="association"
    )
    member = body_user(BODY, "fuzz.body")
    for state in STATES:
        make_consultation(state)
    send_input(make_consultation("open"), text="Innspill å revidere.")
    make_consultation("open", organisation_name=OTHER_ORGANISATION)
    bearers = {}
    for name, user in {"secretariat": secretariat, "body": member}.items():
        _token, key = api_token_issue(actor=principal_for(user), user=user, name="fuzz", scope="read_write")
        bearers[name] = {"Authorization": f"Bearer {key}"}
    return bearers


@pytest.fixture
def early_bearers(db: Any) -> dict[str, dict[str, str]]:
    """Early access's callers: a hospital's clinician (its patients and experimental treatments), its pharmacy
    (programmes, agreements, exemptions) and a regional authority's staff (the overview), with programmes of both
    agreement kinds (one on an exemption), a patient at each of two hospitals and an experimental treatment with
    an adverse event."""
    from vegvis.access.principal import SYSTEM
    from vegvis.earlyaccess import services
    from vegvis.earlyaccess.models import AgreementKind, Basis
    from vegvis.earlyaccess.tests.support import OTHER_HOSPITAL, RHF, experimental, programme, start, user

    short = programme()
    start(short)
    start(programme(AgreementKind.STANDARD, regions=("helse-vest",), drug="Vestimab"), at=OTHER_HOSPITAL)
    programme(basis=Basis.EXEMPTION, drug="Fritakimab")
    treatment = experimental()
    services.adverse_event_register(
        actor=SYSTEM,
        treatment=treatment,
        occurred_on=treatment.started_on,
        seriousness="serious",
        description="Feber",
        outcome="recovered",
    )
    users = {
        "clinician": user("earlyaccess_clinician"),
        "pharmacy": user("earlyaccess_pharmacy"),
        "regional": user("earlyaccess_regional", RHF),
    }
    bearers = {}
    for name, holder in users.items():
        _token, key = api_token_issue(actor=principal_for(holder), user=holder, name="fuzz", scope="read_write")
        bearers[name] = {"Authorization": f"Bearer {key}"}
    return bearers


def _headers(path: str, request: Any) -> dict[str, str]:
    """The inquiry desk's operations as its case worker (a case handler would get 403 only); the cooperation
    register's as a supplier's user, its confirmation and dispute as the organisation's user, its publication as
    its administrator; the consultations' as the secretariat, sending and revising input as a member body's
    user; early access's programmes as the hospital's pharmacy, its overview as regional staff, its patients as a
    clinician."""
    if path.startswith("/api/v1/inquiries/"):
        return request.getfixturevalue("desk_bearer")
    if path.startswith("/api/v1/cooperation/"):
        role = "reviewer" if path.endswith(("/confirm", "/dispute")) else "supplier"
        role = "administrator" if path.endswith("/publish") else role
        return request.getfixturevalue("coop_bearers")[role]
    if path.startswith("/api/v1/consultations/"):
        role = "body" if path.endswith(("/inputs", "/revisions")) else "secretariat"
        return request.getfixturevalue("consult_bearers")[role]
    if path.startswith("/api/v1/earlyaccess/"):
        role = (
            "pharmacy"
            if path.startswith("/api/v1/earlyaccess/programmes")
            else "regional"
            if path.startswith("/api/v1/earlyaccess/overview")
            else "clinician"
        )
        return request.getfixturevalue("early_bearers")[role]
    return request.getfixturevalue("bearer")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
@pytest.mark.django_db
def test_api_answers_every_input_within_its_schema_and_without_server_error(case, wsgi_app, request):
    case.call_and_validate(app=wsgi_app, headers=_headers(case.path, request), checks=CHECKS)
