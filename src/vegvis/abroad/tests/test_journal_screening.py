"""Issue 10, item 7: the public journal screens the patient's and the representative's names in any case, order
or part ("SANDVIK, SIGRID", "sigrid sandvik", "Sandvik" alone), on the public page itself (the rule itself:
records/tests/test_screening.py)."""

import pytest
from django.urls import reverse

from vegvis.abroad.services import cases
from vegvis.abroad.tests.support import OPERATOR, make_case


@pytest.mark.django_db
def test_the_public_journal_screens_the_name_however_it_is_written(client):
    case = make_case(home_region="helse-sor-ost")
    case.patient.name = "Sigrid Sandvik"
    case.patient.save()
    for correspondent in ("SANDVIK, SIGRID", "sigrid sandvik", "Sandvik", "Advokat Sandviks kontor"):
        cases.document_register_incoming(
            actor=OPERATOR,
            case=case,
            version=None,
            title="Brev",
            document_date=case.received_date,
            correspondent=correspondent,
            correspondent_is_private=False,
            content=None,
            filename="",
            content_type="",
        )
    cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=None,
        title="Brev",
        document_date=case.received_date,
        correspondent="Rikshospitalet",
        correspondent_is_private=False,
        content=None,
        filename="",
        content_type="",
    )
    page = client.get(reverse("abroad:public_journal")).content.decode().lower()
    assert "sandvik" not in page and "sigrid" not in page
    assert "rikshospitalet" in page  # a correspondent that names nobody stays public
    # The stored flag says the same, so every other reader of the record (exports, backups) screens it too.
    flags = dict(case.documents.filter(title="Brev").values_list("correspondent", "correspondent_is_private"))
    assert flags == {
        "SANDVIK, SIGRID": True,
        "sigrid sandvik": True,
        "Sandvik": True,
        "Advokat Sandviks kontor": True,
        "Rikshospitalet": False,
    }


@pytest.mark.django_db
def test_the_representatives_name_is_screened_too(client):
    from django.utils import timezone

    from vegvis.testing.factories import region, synthetic_id

    today = timezone.localdate()
    case = cases.application_register(
        actor=OPERATOR,
        values={
            "national_id": synthetic_id(),
            "patient_name": "Ola Pasient",
            "home_region": region("helse-sor-ost"),
            "route": "treatment_abroad",
            "received_date": today,
            "diagnosis_icd10": "G40.2",
            "applicant": "representative",
            "representative_name": "Torbjørg Verjesen",
            "representative_scope": "Hele saken",
            "representative_signed_on": today,
        },
    )
    cases.document_register_incoming(
        actor=OPERATOR,
        case=case,
        version=None,
        title="Brev",
        document_date=today,
        correspondent="VERJESEN, TORBJØRG",
        correspondent_is_private=False,
        content=None,
        filename="",
        content_type="",
    )
    page = client.get(reverse("abroad:public_journal")).content.decode().casefold()
    assert "verjesen" not in page and "torbjørg" not in page
