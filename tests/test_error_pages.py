"""Refusals and missing pages are Norwegian pages of Vegvis, not Django's defaults."""

import pytest
from django.test import override_settings

from vegvis.testing.auth import log_in_verified


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_missing_page_is_explained_in_norwegian(client, case_handler):
    log_in_verified(client, case_handler)
    response = client.get("/utland/saker/999999/")
    assert response.status_code == 404 and "Vi finner ikke denne siden" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_refusal_says_it_was_logged(client, analyst):
    log_in_verified(client, analyst)
    response = client.get("/utland/")
    assert response.status_code == 403 and "Forsøket er logget" in response.content.decode()
