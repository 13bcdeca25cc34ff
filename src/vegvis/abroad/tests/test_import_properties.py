"""Property tests for the case-import parser: any bytes, any JSON in any field, and still all or nothing.

The parser reads files from other systems, so it must never crash whatever a line holds: every problem is a
named line error, and a file with any bad line imports nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.abroad.import_cases import ImportRefused, cases_import, parse_file
from vegvis.abroad.models import Case
from vegvis.access.principal import SYSTEM
from vegvis.audit.services import audited_atomic
from vegvis.core.models import Person
from vegvis.core.national_id import synthetic_number

DB = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=50)
FIELDS = [
    "external_id",
    "route",
    "national_id",
    "patient_name",
    "birth_date",
    "home_region",
    "received_date",
    "diagnosis_icd10",
    "requested_treatment",
    "method",
    "hospital",
    "decision",
    "appeal",
    "expenses",
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


@contextmanager
def each_example_apart() -> Iterator[None]:
    """Hypothesis runs every example in the test's one transaction: undo each example's writes after it."""
    with audited_atomic():  # the import is an audited write: the chain's head first (audit.services)
        yield
        transaction.set_rollback(True)


def valid_line(serial: int) -> dict[str, Any]:
    number = next(n for s in range(serial, serial + 50) if (n := synthetic_number(date(1975, 3, 9), s % 1000)))
    return {
        "external_id": f"PROP-{serial:05d}",
        "route": "treatment_abroad",
        "national_id": number,
        "patient_name": "Per Egenskap",
        "home_region": "helse-vest",
        "received_date": "2020-02-03",
        "diagnosis_icd10": "G40.2",
        "hospital": {"name": "Helsinki University Hospital", "city": "Helsinki", "country": "FI"},
        "decision": {"outcome": "granted", "date": "2020-02-20"},
        "expenses": [
            {
                "booked_date": "2020-04-01",
                "category": "treatment",
                "amount": "9800.00",
                "currency": "EUR",
                "amount_nok": "104370.00",
            }
        ],
    }


@pytest.mark.django_db
@DB
@given(st.binary(max_size=600))
def test_any_bytes_are_read_without_a_crash_and_every_problem_names_its_line(content):
    parsed = parse_file(content)

    assert all(error.line >= 0 and str(error) for error in parsed.errors)
    assert parsed.errors or parsed.rows or not content.strip()


@pytest.mark.django_db
@DB
@given(field=st.sampled_from(FIELDS), value=JSON, position=st.integers(min_value=0, max_value=2))
def test_a_file_with_any_value_in_any_field_imports_whole_or_not_at_all(field, value, position):
    lines = [valid_line(serial) for serial in (100, 300, 500)]
    lines[position][field] = value
    content = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()

    with each_example_apart():
        cases, persons = Case.objects.count(), Person.objects.count()
        try:
            cases_import(actor=SYSTEM, content=content, filename="property.jsonl")
        except ImportRefused as refused:
            assert refused.errors and {error.line for error in refused.errors} <= {1, 2, 3}
            assert (Case.objects.count(), Person.objects.count()) == (cases, persons)
        else:
            assert Case.objects.count() == cases + 3


@pytest.mark.django_db
@DB
@given(noise=st.text(max_size=40))
def test_a_line_that_is_not_an_object_is_named_and_nothing_is_imported(noise):
    good = json.dumps(valid_line(700))
    content = f"{good}\n{noise}\n{good.replace('PROP-00700', 'PROP-00701')}".encode()

    with each_example_apart():
        try:
            cases_import(actor=SYSTEM, content=content, filename="noise.jsonl")
        except ImportRefused as refused:
            assert refused.errors
            assert not Case.objects.filter(external_id__startswith="PROP-007").exists()
        else:
            assert not noise.strip()  # only a blank line may sit between two good ones
