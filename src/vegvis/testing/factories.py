"""factory_boy factories for the shared models. Domain factories live in each domain's tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from vegvis.access.principal import SYSTEM
from vegvis.accounts.models import User
from vegvis.core import crypto
from vegvis.core.models import Office, Organisation, Person, Region
from vegvis.core.national_id import synthetic_number

PASSWORD = "test-password-123"  # noqa: S105


def region(code: str = "helse-sor-ost") -> Region:
    return Region.objects.get(code=code)


def office(code: str = "ous") -> Office:
    return Office.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(role="case_handler", office="ous")`` gives a user holding that role."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.save()
        if extracted:
            from vegvis.accounts.services import role_assign

            office_code = kwargs.get("office") or ("ous" if extracted in {"case_handler", "office_lead"} else None)
            organisation_name = kwargs.get("organisation")
            kind = kwargs.get("organisation_kind") or Organisation.Kind.PATIENT_ORGANISATION
            role_assign(
                actor=SYSTEM,
                user=self,
                role_code=extracted,
                office=office(office_code) if office_code else None,
                organisation=named_organisation(organisation_name, kind) if organisation_name else None,
            )


def named_organisation(name: str, kind: str) -> Organisation:
    """An organisation of the kind by name (made at first use): the one an organisation-scoped role is held at."""
    found, _created = Organisation.objects.get_or_create(kind=kind, name=name, city="", country="NO")
    return found


def patient_organisation(name: str) -> Organisation:
    """A patient association by name (made at first use)."""
    return named_organisation(name, Organisation.Kind.PATIENT_ORGANISATION)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name", "city", "country")

    kind = Organisation.Kind.HOSPITAL
    name = factory.Sequence(lambda n: f"Test Hospital {n}")
    city = "Stockholm"
    country = "SE"


_serial = iter(range(10**6))


def synthetic_id(birth_date: date = date(1980, 5, 17)) -> str:
    """A fresh synthetic national id for the given birth date."""
    while True:
        number = synthetic_number(birth_date, next(_serial) % 1000)
        if number and not Person.objects.filter(national_id_hash=crypto.lookup_hash(number)).exists():
            return number


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ("national_id",)

    name = factory.Faker("name", locale="no_NO")
    birth_date = date(1980, 5, 17)
    national_id = factory.LazyAttribute(lambda p: synthetic_id(p.birth_date))
    national_id_cipher = factory.LazyAttribute(lambda p: crypto.encrypt(p.national_id))
    national_id_hash = factory.LazyAttribute(lambda p: crypto.lookup_hash(p.national_id))
    id_kind = "synthetic"
    home_region = factory.LazyFunction(lambda: region("helse-sor-ost"))
    address_line = factory.Faker("street_address", locale="no_NO")
    postal_code = "0450"
    city = "Oslo"
