"""Issue 11: which office registers an application whose home region belongs to another office.

The rule (docs/modules/abroad.md, *A patient from another region*): the office the user names, or the one for the
patient's home region when the user registers for it, otherwise the user's own office (a case counts for the
patient's home region, whichever office handled it). An office the user does not register for is never offered,
and one posted anyway is refused next to the field; the service refuses it too, audited.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Case
from vegvis.abroad.services import cases
from vegvis.access.principal import SYSTEM, principal_for
from vegvis.accounts.services import api_token_issue, role_assign
from vegvis.audit.models import AuditEntry
from vegvis.core.errors import DomainError
from vegvis.testing.factories import office, region, synthetic_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def application(**overrides):
    values = {
        "national_id": synthetic_id(),
        "patient_name": "Åse Bjørnstad-Øien",
        "home_region": region("helse-sor-ost").pk,
        "route": "treatment_abroad",
        "timing": "prior_approval",
        "applicant": "hospital_doctor",
        "received_date": TODAY.strftime("%d.%m.%Y"),
        "diagnosis_icd10": "G40.2",
    }
    return values | overrides


def test_another_regions_patient_is_registered_at_the_users_own_office(login, case_handler_bergen, norwegian_catalogue):
    client = login(case_handler_bergen)
    response = client.post(reverse("abroad:case_new"), application(), HTTP_ACCEPT_LANGUAGE="nb", follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("abroad:case", args=[case.pk])
    assert case.office.code == "helse-bergen" and case.patient.home_region.code == "helse-sor-ost"
    assert "den telles for pasientens bostedsregion, Helse Sør-Øst RHF" in response.content.decode()


def test_the_home_regions_office_when_the_user_registers_for_it(login, case_handler):
    login(case_handler).post(reverse("abroad:case_new"), application(home_region=region("helse-nord").pk))
    assert Case.objects.get().office.code == "ous"  # Helse Nord's patients are handled by OUS


def test_the_office_list_offers_only_the_users_offices(login, case_handler_bergen):
    html = login(case_handler_bergen).get(reverse("abroad:case_new")).content.decode()
    select = html[html.index('name="office"') : html.index("</select>", html.index('name="office"'))]
    assert "Helse Bergen" in select and "Oslo universitetssykehus" not in select and "St. Olavs" not in select


def test_an_office_posted_that_the_user_does_not_register_for_is_refused_next_to_the_field(login, case_handler_bergen):
    response = login(case_handler_bergen).post(
        reverse("abroad:case_new"), application(office=office("ous").pk), HTTP_ACCEPT_LANGUAGE="nb"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_office_error"' in html
    assert 'value="Åse Bjørnstad-Øien"' in html and not Case.objects.exists()


def test_the_service_refuses_another_offices_registration_and_audits_it(case_handler_bergen):
    actor = principal_for(case_handler_bergen)
    values = {
        "national_id": synthetic_id(),
        "patient_name": "Åse Bjørnstad-Øien",
        "home_region": region("helse-sor-ost"),
        "route": "treatment_abroad",
        "applicant": "hospital_doctor",
        "received_date": TODAY,
        "diagnosis_icd10": "G40.2",
        "office": office("ous"),
    }
    with pytest.raises(PermissionDenied):
        cases.application_register(actor=actor, values=values)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor_id=case_handler_bergen.pk).exists()
    assert not Case.objects.exists()


def test_a_user_of_two_offices_neither_the_regions_is_asked_to_choose(case_handler_bergen):
    role_assign(actor=SYSTEM, user=case_handler_bergen, role_code="case_handler", office=office("st-olavs"))
    actor = principal_for(case_handler_bergen)
    values = {
        "national_id": synthetic_id(),
        "patient_name": "Åse Bjørnstad-Øien",
        "home_region": region("helse-sor-ost"),
        "route": "treatment_abroad",
        "applicant": "hospital_doctor",
        "received_date": TODAY,
        "diagnosis_icd10": "G40.2",
    }
    with pytest.raises(DomainError) as refused:
        cases.application_register(actor=actor, values=values)
    assert refused.value.field == "office" and not Case.objects.exists()
    case = cases.application_register(actor=actor, values=values | {"office": office("st-olavs")})
    assert case.office.code == "st-olavs"


def test_the_api_follows_the_same_rule(client, case_handler_bergen):
    _token, key = api_token_issue(
        actor=principal_for(case_handler_bergen), user=case_handler_bergen, name="t", scope="read_write"
    )
    response = client.post(
        "/api/v1/abroad/cases",
        {
            "national_id": synthetic_id(),
            "patient_name": "Åse Bjørnstad-Øien",
            "home_region": "helse-sor-ost",
            "route": "treatment_abroad",
            "received_date": TODAY.isoformat(),
            "diagnosis_icd10": "G40.2",
            "external_id": "DIPS-1",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get().office.code == "helse-bergen" and response.json()["home_region"] == "helse-sor-ost"
