"""Reads of persons, already filtered by the permission layer."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from vegvis.access.policies import visible
from vegvis.access.principal import Principal
from vegvis.core import crypto
from vegvis.core.models import Person
from vegvis.core.national_id import NationalIdError, parse


def national_id_hash_or_none(text: str) -> str | None:
    """The look-up hash when the text is a valid national id, so search never stores or logs the number."""
    try:
        parsed = parse(text, allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS)
    except NationalIdError:
        return None
    return crypto.lookup_hash(parsed.value)


def persons_visible(principal: Principal) -> QuerySet[Person]:
    return visible(principal, Person.objects.select_related("home_region"))
