"""Search takes any text a user can type (SQL, full-text operators, national-id look-alikes) as text to look for."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vegvis.abroad.models import Case
from vegvis.abroad.tests.support import make_case
from vegvis.testing.auth import log_in_verified

TRICKY = st.sampled_from(
    [
        "'; DROP TABLE abroad_case; --",
        '" OR 1=1 --',
        "%",
        "_",
        "\\",
        "a & b | !c <-> d:*",
        "-- or",
        "2026/0001' OR '1'='1",
        "12345678901",
        "\x00",
        "ø" * 300,
    ]
)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=40)
@given(text=st.one_of(TRICKY, st.text(max_size=60)))
def test_any_search_text_answers_a_page_and_changes_nothing(client, case_handler, text):
    if not Case.objects.exists():
        make_case()
    log_in_verified(client, case_handler)
    cases = Case.objects.count()

    response = client.post(reverse("abroad:search"), {"q": text})

    assert response.status_code == (400 if "\x00" in text else 200)  # NUL: refused before the view (core.middleware)
    assert Case.objects.count() == cases
