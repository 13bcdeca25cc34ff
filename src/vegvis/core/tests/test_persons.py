import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from vegvis.access.principal import SYSTEM
from vegvis.core import crypto
from vegvis.core.models import Person
from vegvis.core.services import person_get_or_create
from vegvis.testing.factories import region, synthetic_id


@pytest.mark.django_db
def test_national_id_is_not_in_the_database_in_clear_text():
    number = synthetic_id()
    person, created = person_get_or_create(actor=SYSTEM, national_id=number, name="Kari Nordmann", home_region=region())
    assert created
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_person WHERE id = %s", [person.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert number not in row
    assert Person.objects.get(pk=person.pk).national_id == number


@pytest.mark.django_db
def test_person_is_found_again_by_keyed_hash_and_not_duplicated():
    number = synthetic_id()
    first, _ = person_get_or_create(actor=SYSTEM, national_id=number, name="A", home_region=region())
    again, created = person_get_or_create(actor=SYSTEM, national_id=number, name="A", home_region=region())
    assert again.pk == first.pk and not created
    assert Person.objects.filter(national_id_hash=crypto.lookup_hash(number)).count() == 1


@pytest.mark.django_db
def test_invalid_national_id_is_refused_with_message_on_the_field_and_nothing_saved():
    with pytest.raises(ValidationError) as error:
        person_get_or_create(actor=SYSTEM, national_id="12345678901", name="A", home_region=region())
    assert "national_id" in error.value.message_dict
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_synthetic_id_refused_when_installation_does_not_allow_it(settings):
    settings.VEGVIS_ALLOW_SYNTHETIC_IDS = False
    with pytest.raises(ValidationError, match="synthetic"):
        person_get_or_create(actor=SYSTEM, national_id=synthetic_id(), name="A", home_region=region())


@pytest.mark.django_db
def test_creating_a_person_is_audited_in_the_same_transaction():
    from vegvis.audit.models import AuditEntry

    person, _ = person_get_or_create(actor=SYSTEM, national_id=synthetic_id(), name="A", home_region=region())
    entry = AuditEntry.objects.get(action="create", object_type="core.person")
    assert entry.person_id == person.pk


@pytest.mark.django_db
def test_offices_and_regions_are_seeded():
    from vegvis.core.models import Office

    ous = Office.objects.get(code="ous")
    assert sorted(ous.regions.values_list("code", flat=True)) == ["helse-nord", "helse-sor-ost"]
    assert list(Office.objects.get(code="helse-bergen").regions.values_list("code", flat=True)) == ["helse-vest"]
