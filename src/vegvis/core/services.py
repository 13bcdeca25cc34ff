"""Writes for persons and organisations."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic, changes, retry_on_conflict
from vegvis.core import crypto
from vegvis.core.models import Organisation, Person, Region
from vegvis.core.national_id import IdKind, NationalIdError, parse

PERSON_FIELDS = ["name", "birth_date", "home_region", "address_line", "postal_code", "city", "email", "phone"]


@retry_on_conflict
def person_get_or_create(
    *,
    actor: Principal,
    national_id: str,
    name: str,
    home_region: Region,
    birth_date: date | None = None,
    id_kind: IdKind | None = None,
    **details: str,
) -> tuple[Person, bool]:
    """The person with this national id, created if new. Validates the number; audits the creation."""
    try:
        parsed = parse(national_id, allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS, kind=id_kind)
    except NationalIdError as error:
        raise ValidationError({"national_id": str(error)}) from error
    if birth_date is None:
        birth_date = parsed.birth_date
    if birth_date is None:
        raise ValidationError({"birth_date": _("Numbers issued from 2032 carry no century: enter the date of birth.")})
    with audited_atomic():
        existing = Person.objects.select_for_update().filter(national_id_hash=crypto.lookup_hash(parsed.value)).first()
        if existing is not None:
            return existing, False
        person = Person(
            name=name.strip(),
            id_kind=parsed.kind.value,
            birth_date=birth_date,
            home_region=home_region,
            **details,
        )
        person.set_national_id(parsed.value)
        person.full_clean(exclude=["national_id_cipher", "national_id_hash"])
        person.save()
        audit_record(principal=actor, action=Action.CREATE, obj=person, label=person.audit_label, person_id=person.pk)
    return person, True


@retry_on_conflict
def person_update(*, actor: Principal, person: Person, **values: object) -> Person:
    with audited_atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = {name: getattr(locked, name) for name in PERSON_FIELDS}
        for name, value in values.items():
            if name not in PERSON_FIELDS:
                raise ValueError(f"{name} cannot be changed here")
            setattr(locked, name, value)
        locked.full_clean(exclude=["national_id_cipher", "national_id_hash"])
        diff = changes(locked, before, values.keys())
        if diff:
            locked.save(update_fields=[*diff.keys(), "updated_at"])
            audit_record(
                principal=actor,
                action=Action.UPDATE,
                obj=locked,
                label=locked.audit_label,
                person_id=locked.pk,
                # Which fields changed, not their values: the trail outlives the person (see docs/security.md).
                detail={"changed": sorted(diff)},
            )
    return locked


def organisation_get_or_create(*, kind: str, name: str, city: str = "", country: str = "NO") -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        kind=kind, name=name.strip(), city=city.strip(), country=country.upper()
    )
    return organisation
