"""Issue 11, as a case handler met it: handing a case over, correcting its data, the worklist's "my cases" and
category filters (by exactly which cases they return), the home panel's tiles, overdue shown in words, the
adviser's answer form and documents, and users named by their full name."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from vegvis.abroad.models import Case, Method
from vegvis.abroad.services import followup
from vegvis.abroad.services.cases import (
    case_correct,
    case_reassign,
    case_request_assessment,
    case_update,
    document_register_incoming,
)
from vegvis.abroad.tests.support import OPERATOR, expert_community, hospital, make_case
from vegvis.audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("norwegian_catalogue")]
TODAY = timezone.localdate()
CASE_LINK = re.compile(r'href="/utland/saker/(\d+)/"')


def _handled_by(case: Case, user) -> Case:
    case_update(actor=OPERATOR, case=case, version=case.version, handler=user)
    return case


def _listed(response) -> set[int]:
    """The cases a list page links to, as the person sees them (the links in the page)."""
    assert response.status_code == 200
    return {int(pk) for pk in CASE_LINK.findall(response.content.decode())}


def _api_listed(client, **query: str) -> set[int]:
    response = client.get("/api/v1/abroad/cases", query)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


@pytest.fixture
def anne(make_user):
    return make_user("case_handler", office="ous", username="anne.ous", first_name="Anne", last_name="Berg")


@pytest.fixture
def bjorn(make_user):
    return make_user("case_handler", office="ous", username="bjorn.ous", first_name="Bjørn", last_name="Lie")


@pytest.fixture
def cases(anne, bjorn):
    """Open cases of the OUS office in several states, with two handlers and none; one closed, one elsewhere."""
    follow_up = make_case("follow_up")
    followup.expense_add(
        actor=OPERATOR,
        case=follow_up,
        version=None,
        kind="travel_claim",
        category="travel",
        amount=Decimal("1200"),
        currency="NOK",
        invoice_date=TODAY,
    )
    built = {
        "new": make_case("received", received=TODAY),  # provisional reply due in a month
        "late": make_case("received", received=TODAY - timedelta(days=60)),  # provisional reply overdue
        "assessment": make_case("assessment_requested", received=TODAY),  # assessment due in three weeks
        "rejected": make_case("rejected"),  # decided 40 days ago: the appeal deadline has run out
        "appealed": make_case("appealed"),  # reconsideration overdue
        "appeals_body": make_case("at_appeals_body"),
        "follow_up": follow_up,  # an unpaid travel claim
        "closed": make_case("closed"),
        "bergen": make_case("received", home_region="helse-vest", received=TODAY - timedelta(days=60)),
    }
    for key in ("new", "rejected", "closed"):
        _handled_by(built[key], anne)
    for key in ("late", "assessment", "follow_up"):
        _handled_by(built[key], bjorn)
    return built


def _ids(cases, *keys: str) -> set[int]:
    return {cases[key].pk for key in keys}


# ---------------------------------------------------------------- the worklist's sets


def test_my_cases_lists_exactly_my_open_cases_on_the_page_and_in_the_api(login, anne, bjorn, cases):
    client = login(anne)
    assert _listed(client.get("/utland/?vis=mine")) == _ids(cases, "new", "rejected")
    assert _api_listed(client, scope="mine") == _ids(cases, "new", "rejected")
    client = login(bjorn)
    assert _listed(client.get("/utland/?vis=mine")) == _ids(cases, "late", "assessment", "follow_up")
    assert _api_listed(client, scope="mine") == _ids(cases, "late", "assessment", "follow_up")


def test_the_office_queue_lists_every_open_case_of_the_office_and_nothing_else(login, anne, cases):
    expected = _ids(cases, "new", "late", "assessment", "rejected", "appealed", "appeals_body", "follow_up")
    client = login(anne)
    assert _listed(client.get("/utland/?vis=office")) == expected
    assert _api_listed(client) == expected


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("overdue", {"late", "rejected", "appealed"}),
        ("provisional_reply", {"new", "late"}),
        ("assessment_overdue", {"assessment"}),
        ("appeal_deadline", {"rejected"}),
        ("appeal_reconsideration", {"appealed"}),
        ("appeals_body", {"appeals_body"}),
        ("unpaid_invoices", {"follow_up"}),
    ],
)
def test_each_category_filter_lists_exactly_its_cases(login, anne, cases, category, expected):
    client = login(anne)
    assert _listed(client.get(f"/utland/?vis=office&category={category}")) == _ids(cases, *expected)
    assert _api_listed(client, category=category) == _ids(cases, *expected)


def test_my_cases_and_a_category_together_list_their_intersection(login, bjorn, cases):
    client = login(bjorn)
    assert _listed(client.get("/utland/?vis=mine&category=provisional_reply")) == _ids(cases, "late")
    assert _listed(client.get("/utland/?vis=mine&category=overdue")) == _ids(cases, "late")


# ---------------------------------------------------------------- reassignment


def test_a_reassigned_case_moves_from_one_handlers_my_cases_to_the_others(login, anne, bjorn, office_lead, cases):
    case = cases["new"]
    client = login(anne)
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    assert f'action="/utland/saker/{case.pk}/saksbehandler/"' in page and "Bjørn Lie" in page

    response = client.post(
        reverse("abroad:case_reassign", args=[case.pk]), {"version": case.version, "handler": bjorn.pk}, follow=True
    )
    assert f"Sak {case.number} behandles nå av Bjørn Lie." in response.content.decode()
    assert case.pk not in _listed(client.get("/utland/?vis=mine"))
    assert case.pk in _listed(login(bjorn).get("/utland/?vis=mine"))

    entry = AuditEntry.objects.filter(action="update", object_id=str(case.pk)).latest("seq")
    assert entry.actor_id == anne.pk
    assert entry.detail["changed"] == {"handler": ["Anne Berg", "Bjørn Lie"], "handler_id": [anne.pk, bjorn.pk]}
    assert case.patient.national_id not in json.dumps(entry.detail)


def test_the_office_lead_reassigns_through_the_api(client, office_lead, anne, bjorn, cases, login):
    case = cases["new"]
    client = login(office_lead)
    response = client.post(
        f"/api/v1/abroad/cases/{case.pk}/reassignment",
        {"version": case.version, "handler": bjorn.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["handler_id"] == bjorn.pk
    case.refresh_from_db()
    assert case.handler_id == bjorn.pk


def test_a_case_cannot_be_handed_to_someone_who_is_not_an_active_case_handler_of_its_office(
    login, anne, case_handler_bergen, medical_adviser, make_user, cases
):
    case = cases["new"]
    gone = make_user("case_handler", office="ous", username="gone.ous", first_name="Gunn", last_name="Borte")
    gone.is_active = False
    gone.save()
    client = login(anne)
    page = client.get(reverse("abroad:case", args=[case.pk])).content.decode()
    for outsider in (case_handler_bergen, medical_adviser, gone):
        assert outsider.get_full_name() not in page
        response = client.post(
            reverse("abroad:case_reassign", args=[case.pk]), {"version": case.version, "handler": outsider.pk}
        )
        assert response.status_code == 200
        assert "Velg en aktiv saksbehandler ved kontoret som har saken." in response.content.decode()
        api = client.post(
            f"/api/v1/abroad/cases/{case.pk}/reassignment",
            {"version": case.version, "handler": outsider.pk},
            content_type="application/json",
        )
        assert api.status_code == 422
    case.refresh_from_db()
    assert case.handler_id == anne.pk


def test_a_stale_reassignment_form_is_refused_in_norwegian_and_saves_nothing(login, anne, bjorn, office_lead, cases):
    case = cases["new"]
    seen = case.version
    case_correct(actor=OPERATOR, case=case, version=case.version, requested_treatment="PET-CT")
    client = login(anne)
    response = client.post(reverse("abroad:case_reassign", args=[case.pk]), {"version": seen, "handler": bjorn.pk})
    assert response.status_code == 200
    assert "Saken ble endret av noen andre" in response.content.decode()
    case.refresh_from_db()
    assert case.handler_id == anne.pk
    api = client.post(
        f"/api/v1/abroad/cases/{case.pk}/reassignment",
        {"version": seen, "handler": bjorn.pk},
        content_type="application/json",
    )
    assert api.status_code == 409


def test_another_offices_handler_can_neither_see_nor_reassign_the_case(login, case_handler_bergen, bjorn, cases):
    case = cases["new"]
    client = login(case_handler_bergen)
    assert client.get(reverse("abroad:case_reassign", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("abroad:case_reassign", args=[case.pk]), {"version": case.version, "handler": bjorn.pk}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.handler is not None and case.handler.username == "anne.ous"


# ---------------------------------------------------------------- correcting case data


def test_a_case_handler_corrects_method_hospital_diagnosis_route_and_treatment(login, anne, cases):
    case = cases["new"]
    method = Method.objects.create(name="Protonterapi", decision=Method.Decision.INTRODUCED)
    rigshospitalet = hospital(name="Rigshospitalet", city="København", country="DK")
    old_hospital = str(case.hospital)
    client = login(anne)
    form_page = client.get(reverse("abroad:case_correct", args=[case.pk])).content.decode()
    assert "Rett saksopplysninger" in form_page and 'value="G40.2"' in form_page
    response = client.post(
        reverse("abroad:case_correct", args=[case.pk]),
        {
            "version": case.version,
            "route": "particle_therapy",
            "diagnosis_icd10": "c71.1",
            "requested_treatment": "Protonbestråling",
            "method": method.pk,
            "hospital": rigshospitalet.pk,
        },
        follow=True,
    )
    assert "Saksopplysningene er rettet." in response.content.decode()
    case.refresh_from_db()
    assert (case.route, case.diagnosis_icd10, case.diagnosis_chapter) == ("particle_therapy", "C71.1", "C00-D48")
    assert (case.requested_treatment, case.method, case.hospital) == ("Protonbestråling", method, rigshospitalet)

    entry = AuditEntry.objects.filter(action="update", object_id=str(case.pk)).latest("seq")
    assert entry.detail["changed"] == {
        "route": ["treatment_abroad", "particle_therapy"],
        "method": ["", "Protonterapi"],
        "hospital": [old_hospital, str(rigshospitalet)],
        # Health data: that it changed, not the values (the audit trail outlives the case; docs/security.md).
        "diagnosis_icd10": "changed",
        "requested_treatment": "changed",
    }
    assert case.patient.national_id not in json.dumps(entry.detail)


def test_a_wrong_diagnosis_code_is_refused_next_to_the_field_with_what_was_typed_kept(login, anne, cases):
    case = cases["new"]
    client = login(anne)
    response = client.post(
        reverse("abroad:case_correct", args=[case.pk]),
        {"version": case.version, "route": case.route, "diagnosis_icd10": "X99.9x", "requested_treatment": "Ny tekst"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_diagnosis_icd10_error"' in page
    assert 'value="X99.9x"' in page and "Ny tekst" in page
    case.refresh_from_db()
    assert case.diagnosis_icd10 == "G40.2" and case.requested_treatment == "MEG-undersøkelse"


def test_a_stale_correction_form_is_refused_in_norwegian_and_saves_nothing(login, anne, bjorn, cases):
    case = cases["new"]
    seen = case.version
    case_reassign(actor=OPERATOR, case=case, version=case.version, handler=bjorn)
    client = login(anne)
    response = client.post(
        reverse("abroad:case_correct", args=[case.pk]),
        {"version": seen, "route": case.route, "diagnosis_icd10": "G40.3", "requested_treatment": "Endret"},
    )
    page = response.content.decode()
    assert "Saken ble endret av noen andre" in page and 'value="G40.3"' in page
    case.refresh_from_db()
    assert case.diagnosis_icd10 == "G40.2" and case.requested_treatment == "MEG-undersøkelse"
    api = client.post(
        f"/api/v1/abroad/cases/{case.pk}/correction",
        {"version": seen, "diagnosis_icd10": "G40.3"},
        content_type="application/json",
    )
    assert api.status_code == 409


def test_the_route_cannot_be_corrected_after_the_decision(login, anne, cases):
    case = cases["rejected"]
    client = login(anne)
    page = client.get(reverse("abroad:case_correct", args=[case.pk])).content.decode()
    assert re.search(r'<select name="route"[^>]*disabled', page)
    api = client.post(
        f"/api/v1/abroad/cases/{case.pk}/correction",
        {"version": case.version, "route": "pgd"},
        content_type="application/json",
    )
    assert api.status_code == 422
    with translation.override("nb"):
        assert "Ruten kan bare rettes før vedtaket" in json.dumps(api.json(), ensure_ascii=False)
    # A posted route is ignored by the page's form: the method is still corrected, the route is not.
    client.post(
        reverse("abroad:case_correct", args=[case.pk]),
        {"version": case.version, "route": "pgd", "diagnosis_icd10": "G40.2", "requested_treatment": "Endret"},
    )
    case.refresh_from_db()
    assert case.route == "treatment_abroad" and case.requested_treatment == "Endret"


def test_the_api_corrects_only_the_fields_sent(login, anne, cases):
    case = cases["new"]
    client = login(anne)
    response = client.post(
        f"/api/v1/abroad/cases/{case.pk}/correction",
        {"version": case.version, "diagnosis_icd10": "G40.3"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.diagnosis_icd10 == "G40.3" and case.requested_treatment == "MEG-undersøkelse"
    assert case.hospital is not None and case.route == "treatment_abroad"


# ---------------------------------------------------------------- home panel tiles and overdue in words


def test_each_tile_on_the_office_leads_home_counts_exactly_the_rows_its_link_shows(login, office_lead, cases):
    client = login(office_lead)
    home = client.get(reverse("core:home")).content.decode()
    tiles = re.findall(
        r'<a class="vv-card ds-link" href="([^"]+)"><div class="vv-stat">(\d+)</div><div class="vv-stat-label">([^<]+)',
        home,
    )
    assert len(tiles) == 5
    labels = {label: (href, int(count)) for href, count, label in tiles}
    assert labels["over fristen"] == ("/utland/?category=overdue", 3)
    for href, count, _label in tiles:
        assert len(_listed(client.get(href))) == int(count), href


def test_overdue_is_said_in_words_on_the_worklist_and_the_case_page(login, bjorn, cases):
    client = login(bjorn)
    late = cases["late"]
    row = re.search(rf'/utland/saker/{late.pk}/".*?</tr>', client.get("/utland/?vis=mine").content.decode(), re.S)
    assert row is not None and f"Over fristen {late.due_on:%d.%m.%Y}" in row.group(0)
    assert "Over fristen" not in re.search(
        rf'/utland/saker/{cases["assessment"].pk}/".*?</tr>', client.get("/utland/?vis=mine").content.decode(), re.S
    ).group(0)
    page = client.get(reverse("abroad:case", args=[late.pk])).content.decode()
    assert f"Over fristen · Frist for foreløpig svar: {late.due_on:%d.%m.%Y}" in page


# ---------------------------------------------------------------- the medical adviser


@pytest.fixture
def assessment(medical_adviser):
    case = make_case()
    document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=case.version,
        title="Epikrise fra Rikshospitalet",
        document_date=TODAY,
        correspondent="Rikshospitalet",
        correspondent_is_private=False,
        content=b"%PDF-1.4 epikrise",
        filename="epikrise.pdf",
        content_type="application/pdf",
    )
    case_request_assessment(
        actor=OPERATOR,
        case=case,
        version=case.version,
        expert_community=expert_community(),
        question="Adekvat tilbud i Norge?",
        adviser=medical_adviser,
    )
    return case.assessments.get()


def test_the_advisers_answer_form_has_no_recommendation_chosen_and_requires_one(login, medical_adviser, assessment):
    client = login(medical_adviser)
    url = reverse("abroad:assessment_answer", args=[assessment.pk])
    page = client.get(url).content.decode()
    select = re.search(r'<select name="recommendation".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="" selected>', select)
    assert not re.search(r'<option value="supports" selected>', select)
    response = client.post(url, {"conclusion": "Tilbudet finnes ikke i Norge."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Velg om du støtter behandling i utlandet." in page and "Tilbudet finnes ikke i Norge." in page
    assessment.refresh_from_db()
    assert assessment.answered_on is None and assessment.recommendation == ""


def test_an_adviser_with_an_open_request_opens_the_case_documents_and_the_read_is_audited(
    login, medical_adviser, assessment
):
    case = assessment.case
    document = case.documents.exclude(file="").get(title="Epikrise fra Rikshospitalet")
    client = login(medical_adviser)
    page = client.get(reverse("abroad:assessment_answer", args=[assessment.pk])).content.decode()
    link = reverse("abroad:document_file", args=[case.pk, document.pk])
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 epikrise"
    entry = AuditEntry.objects.filter(action="read", actor_id=medical_adviser.pk).latest("seq")
    assert entry.object_id == str(case.pk) and entry.object_label == document.number


def test_another_adviser_cannot_open_the_documents(login, make_user, assessment):
    other = make_user("medical_adviser", username="adviser.other")
    document = assessment.case.documents.exclude(file="").get()
    response = login(other).get(reverse("abroad:document_file", args=[assessment.case.pk, document.pk]))
    assert response.status_code == 404


# ---------------------------------------------------------------- users by name


def test_the_adviser_list_names_advisers_by_full_name_and_expert_community_never_by_login(login, anne, make_user):
    community = expert_community()
    adviser = make_user("medical_adviser", username="kso", first_name="Kari", last_name="Solberg")
    adviser.assignments.update(organisation=community)
    make_user("medical_adviser", username="pnordli", first_name="Per", last_name="Nordli")
    case = _handled_by(make_case(), anne)
    page = login(anne).get(reverse("abroad:case_action", args=[case.pk, "request_assessment"])).content.decode()
    adviser_select = re.search(r'<select name="adviser".*?</select>', page, re.S).group(0)
    assert f"Kari Solberg ({community})" in adviser_select and "Per Nordli" in adviser_select
    assert "kso" not in adviser_select and "pnordli" not in adviser_select


def test_the_case_page_names_the_handler_and_the_reassign_list_by_full_name(login, anne, bjorn, cases):
    page = login(anne).get(reverse("abroad:case", args=[cases["new"].pk])).content.decode()
    assert "Anne Berg" in page and "Bjørn Lie" in page
    assert "anne.ous" not in page and "bjorn.ous" not in page


def test_the_patients_access_log_names_who_read_the_case_by_full_name(login, anne, office_lead, cases):
    case = cases["new"]
    login(anne).get(reverse("abroad:case", args=[case.pk]))
    page = login(office_lead).get(reverse("audit:person_log", args=[case.patient_id])).content.decode()
    assert "Anne Berg" in page and "anne.ous" not in page
