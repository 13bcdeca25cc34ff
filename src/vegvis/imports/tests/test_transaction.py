"""A whole file in one audited transaction: its rows and its audit entry commit together, or nothing does."""

from __future__ import annotations

import pytest

from vegvis.access.commands import OperatorPrincipal
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.core.models import Organisation, Person, Region
from vegvis.imports.transaction import all_or_nothing

pytestmark = pytest.mark.django_db

OPERATOR = OperatorPrincipal("test")


def test_the_rows_and_one_entry_for_the_file_are_written_together():
    with all_or_nothing(actor=OPERATOR, label="Import: sykehus.jsonl", filename="sykehus.jsonl") as record:
        Organisation.objects.create(kind=Organisation.Kind.HOSPITAL, name="Haukeland", city="Bergen")
        record.detail = {"created": 1}
    entry = AuditEntry.objects.get(action="import")
    assert (entry.object_label, entry.actor_username) == ("Import: sykehus.jsonl", "test")
    assert entry.detail == {"file": "sykehus.jsonl", "created": 1}
    assert Organisation.objects.filter(name="Haukeland").exists()
    assert verify_chain().ok


def test_a_failure_anywhere_leaves_neither_rows_nor_an_entry():
    entries = AuditEntry.objects.count()
    with (
        pytest.raises(RuntimeError),
        all_or_nothing(actor=OPERATOR, label="Import: x", filename="x.jsonl") as record,
    ):
        Organisation.objects.create(kind=Organisation.Kind.HOSPITAL, name="Halvveis", city="Bergen")
        record.detail = {"created": 1}
        raise RuntimeError("the connection was lost")
    assert not Organisation.objects.filter(name="Halvveis").exists()
    assert AuditEntry.objects.count() == entries


def test_the_entry_names_the_patients_and_a_long_label_is_cut():
    region = Region.objects.get(code="helse-nord")
    person = Person.objects.create(name="Kari", national_id_cipher="-", national_id_hash="h1", home_region=region)
    with all_or_nothing(actor=OPERATOR, label="x" * 300, filename="f.jsonl") as record:
        record.person_ids = [person.pk]
    entry = AuditEntry.objects.get(action="import")
    assert len(entry.object_label) == 200
    assert entry.detail["persons"] == [person.pk]
    assert list(entry.person_refs.values_list("person_id", flat=True)) == [person.pk]  # in the person's access log
