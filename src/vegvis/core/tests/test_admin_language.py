"""The administration pages in Norwegian: app names and Django's newer texts (its own catalogue lacks them)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_administration_names_its_sections_in_norwegian(login, sysadmin):
    text = _text(login(sysadmin).get("/forvaltning/"))
    assert "Brukerkontoer" in text and "Grunndata og personer" in text
    for english in ("Accounts", "ACCOUNTS", "Reference data and persons", "Model name", "Toggle theme"):
        assert english not in text


def test_the_new_user_form_speaks_norwegian(login, sysadmin):
    response = login(sysadmin).get("/forvaltning/accounts/user/add/")
    assert response.status_code == 200
    text = _text(response)
    assert "Innlogging med passord" in text
    assert "Password-based authentication" not in text
