"""Issue 10, item 7: the public journal screens the patient's and the representative's names in any case, order
or part ("SANDVIK, SIGRID", "sigrid sandvik", "Sandvik" alone), on the public page itself."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from vegvis.abroad.screening import names_someone
from vegvis.abroad.services import cases
from vegvis.testing.abroad import OPERATOR, make_case

LETTERS = "abcdefghijklmnopqrstuvwxyzæøåéü"
name_part = st.text(alphabet=LETTERS, min_size=2, max_size=12)
# Words that are never a name part nor a part's genitive: digits and other scripts never match letters-only parts.
other_word = st.text(alphabet="0123456789", min_size=1, max_size=6)


def casing(draw, word: str) -> str:
    return draw(st.sampled_from([word, word.upper(), word.title(), word.lower(), word.swapcase()]))


@given(st.data(), name_part, name_part, st.lists(other_word, max_size=3))
def test_every_form_of_the_name_is_screened(data, first, last, noise):
    name = f"{first.title()} {last.title()}"
    forms = [
        f"{casing(data.draw, last)}, {casing(data.draw, first)}",
        f"{casing(data.draw, first)} {casing(data.draw, last)}",
        casing(data.draw, last),
        casing(data.draw, first),
        f"Advokat {casing(data.draw, last)}s kontor",
    ]
    for form in forms:
        text = " ".join([*noise, form, *noise])
        assert names_someone(text, [name]), (text, name)


@given(name_part, name_part, st.lists(other_word, min_size=1, max_size=4))
def test_a_correspondent_without_the_name_is_not_screened(first, last, words):
    assert not names_someone(" ".join(words), [f"{first} {last}"])


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
