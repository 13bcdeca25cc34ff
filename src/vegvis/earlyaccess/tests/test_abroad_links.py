"""The links with treatment abroad (issue 16, item 6): a treatment-abroad case whose application names a
programme's drug shows the programme; the patient's early-access treatment shows on the case page only to staff
entitled to both (a case handler who is also a clinician of the treating hospital) — to anyone else nothing, not
even the section, and no read of it is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vegvis.abroad.services import cases
from vegvis.abroad.tests.support import OPERATOR
from vegvis.abroad.tests.support import hospital as hospital_abroad
from vegvis.access.principal import SYSTEM
from vegvis.accounts.services import role_assign
from vegvis.audit.models import AuditEntry
from vegvis.core.models import Organisation
from vegvis.earlyaccess import selectors, services
from vegvis.earlyaccess.tests.support import HOSPITAL, OTHER_HOSPITAL, hospital, programme
from vegvis.testing.factories import PersonFactory, named_organisation, region

pytestmark = pytest.mark.django_db
SECTION = "I andre systemer"
LABEL = "early access on a treatment-abroad case"


def _case(requested_treatment: str, person=None, method=None):
    return cases.case_create(
        actor=OPERATOR,
        data=cases.ApplicationData(
            patient=person or PersonFactory(home_region=region("helse-sor-ost")),
            route="treatment_abroad",
            received_date=timezone.localdate() - timedelta(days=20),
            diagnosis_icd10="C90.0",
            requested_treatment=requested_treatment,
            hospital=hospital_abroad(),
            method=method,
        ),
    )


def _also_clinician(user, at: str = HOSPITAL):
    hospital(at)
    role_assign(
        actor=SYSTEM,
        user=user,
        role_code="earlyaccess_clinician",
        organisation=named_organisation(at, Organisation.Kind.HOSPITAL),
    )
    return user


def test_an_application_naming_a_programmes_drug_shows_the_programme_and_only_then(login, case_handler):
    made = programme(drug="Kortivra")
    named = _case("Kortivra 10 mg/kg hver tredje uke ved Karolinska")
    by_substance = _case(f"Behandling med {made.active_substance.upper()}")
    unnamed = _case("Kortivrax-protokoll (en annen) og MEG-undersøkelse")
    client = login(case_handler)

    page = client.get(f"/utland/saker/{named.pk}/").content.decode()
    assert SECTION in page and "Tidlig tilgang-program" in page
    assert f"Kortivra ({made.active_substance})" in page
    assert 'href="/tidlig-tilgang/"' in page  # the public list: the handler has no early-access role
    assert f"Kortivra ({made.active_substance})" in client.get(f"/utland/saker/{by_substance.pk}/").content.decode()
    assert SECTION not in client.get(f"/utland/saker/{unnamed.pk}/").content.decode()

    assert [p.pk for p in selectors.programmes_naming("kortivra")] == [made.pk]
    assert selectors.programmes_naming("ikkekortivra") == []


def test_an_application_under_the_programmes_method_shows_it(login, case_handler):
    from vegvis.abroad.models import Method

    registered = Method.objects.create(name="Antistoff ved myelomatose", decision="under_assessment")
    made = programme(drug="Kortivra")
    made.method = registered
    made.save(update_fields=["method"])
    case = _case("Antistoffbehandling", method=registered)

    assert (
        f"Kortivra ({made.active_substance})" in login(case_handler).get(f"/utland/saker/{case.pk}/").content.decode()
    )


def test_the_patients_treatment_shows_only_to_staff_entitled_to_both(client, login, make_user):
    made = programme()
    person = PersonFactory(home_region=region("helse-sor-ost"))
    treatment = services.treatment_start(
        actor=SYSTEM,
        programme=made,
        person=person,
        hospital=hospital(),
        consultant="Overlege Kari Nordmann",
        started_on=timezone.localdate() - timedelta(days=10),
    )
    case = _case("MEG-undersøkelse", person=person)
    url = f"/utland/saker/{case.pk}/"

    both = _also_clinician(make_user("case_handler", office="ous", username="handler.clinician"))
    page = login(both).get(url).content.decode()
    assert treatment.number in page and f'href="/tidlig-tilgang/pasienter/{treatment.pk}/"' in page
    assert "Tidlig tilgang-behandling" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_label=LABEL, actor_id=both.pk).exists()

    client.logout()
    handler_only = make_user("case_handler", office="ous", username="handler.only")
    page = login(handler_only).get(url).content.decode()
    assert treatment.number not in page and SECTION not in page and "Tidlig tilgang" not in page

    client.logout()
    other_hospital = _also_clinician(make_user("case_handler", office="ous", username="handler.bergen"), OTHER_HOSPITAL)
    page = login(other_hospital).get(url).content.decode()
    assert treatment.number not in page and SECTION not in page
    assert not AuditEntry.objects.filter(object_label=LABEL).exclude(actor_id=both.pk).exists()
