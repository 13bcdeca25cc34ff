"""The one bulk writer: COPY on PostgreSQL, bulk_create on SQLite, the same rows either way."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vegvis.audit.models import DeletionLog
from vegvis.core import crypto
from vegvis.core.models import Organisation, Person, Region
from vegvis.core.national_id import synthetic_number
from vegvis.imports.bulk import BulkWriter, chunks

pytestmark = pytest.mark.django_db


def people(count: int) -> list[Person]:
    region = Region.objects.get(code="helse-vest")
    found: list[Person] = []
    serial = 0
    while len(found) < count:
        serial += 1
        number = synthetic_number(date(1990, 1, 1 + serial % 28), serial // 28)
        if number and crypto.lookup_hash(number) not in {p.national_id_hash for p in found}:
            found.append(
                Person(
                    name=f"Person {serial}",
                    national_id_cipher=crypto.encrypt(number),
                    national_id_hash=crypto.lookup_hash(number),
                    id_kind="synthetic",
                    birth_date=date(1990, 1, 1 + serial % 28),
                    home_region=region,
                )
            )
    return found


def test_instances_are_written_as_they_are_and_get_their_ids_by_a_unique_key():
    before = timezone.now()
    persons = people(30)
    writer = BulkWriter()
    writer.objects(Person, persons, key="national_id_hash")
    assert writer.rows_written == 30
    stored = {p.pk: p for p in Person.objects.filter(pk__in=[p.pk for p in persons])}
    assert len(stored) == 30
    for person in persons:
        row = stored[person.pk]
        assert (row.name, row.national_id_hash) == (person.name, person.national_id_hash)
        assert row.birth_date == person.birth_date
        assert row.created_at >= before and row.updated_at >= before  # auto_now fields stamped
        assert not person._state.adding


def test_rows_take_the_fields_they_name_and_the_defaults_of_the_others():
    writer = BulkWriter()
    ids = writer.ids(Organisation, 3)
    assert len(set(ids)) == 3
    writer.rows(
        Organisation,
        ["id", "kind", "name", "city"],
        [(pk, Organisation.Kind.HOSPITAL, f"Sykehus {pk}", "Bergen") for pk in ids],
    )
    stored = list(Organisation.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "name", "country"))
    assert stored == [(pk, f"Sykehus {pk}", "NO") for pk in ids]
    assert writer.ids(Organisation, 1)[0] > max(ids)
    assert writer.ids(Organisation, 0) == []


def test_json_fields_are_written_as_django_writes_them():
    at = timezone.now()
    counts = {"documents": 2, "files": ["a.pdf", "b.pdf"], "sealed": True, "note": "æøå"}
    BulkWriter().rows(
        DeletionLog,
        ["at", "job", "actor_username", "object_type", "counts"],
        [(at, "test", "tester", "x", counts), (at, "default", "tester", "x", {})],
    )
    assert DeletionLog.objects.get(job="test").counts == counts
    assert DeletionLog.objects.get(job="default").counts == {}


@pytest.mark.postgres_only
def test_on_postgresql_the_rows_go_in_through_copy_not_insert():
    persons = people(600)
    with CaptureQueriesContext(connection) as captured:
        BulkWriter().objects(Person, persons, key="national_id_hash")
    statements = [q["sql"].split()[0].upper() for q in captured]
    assert "INSERT" not in statements  # COPY does not pass Django's cursor; only the id look-up does
    assert Person.objects.filter(pk__in=[p.pk for p in persons]).count() == 600


def test_look_ups_go_in_chunks():
    assert [list(c) for c in chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]
    assert list(chunks([], 2)) == []
