"""Shared pytest fixtures (loaded by the root conftest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from vegvis.accounts.models import User
from vegvis.testing.auth import log_in_verified
from vegvis.testing.browser import chromium, console_log, page  # noqa: F401  (the browser starts only when asked for)
from vegvis.testing.disk import full_disk  # noqa: F401
from vegvis.testing.factories import UserFactory


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(role: str | None = None, office: str | None = None, **kwargs: Any) -> User:
        if role is None:
            return UserFactory(**kwargs)
        extra = {"role__office": office} if office else {}
        return UserFactory(role=role, **extra, **kwargs)

    return make


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """``login(user)`` logs the user in on ``client`` past the second factor (see vegvis.testing.auth)."""

    def as_user(user: User) -> Client:
        return log_in_verified(client, user)

    return as_user


@pytest.fixture
def case_handler(make_user: Callable[..., User]) -> User:
    return make_user("case_handler", office="ous", username="handler.ous")


@pytest.fixture
def case_handler_bergen(make_user: Callable[..., User]) -> User:
    return make_user("case_handler", office="helse-bergen", username="handler.bergen")


@pytest.fixture
def office_lead(make_user: Callable[..., User]) -> User:
    return make_user("office_lead", office="ous", username="lead.ous")


@pytest.fixture
def medical_adviser(make_user: Callable[..., User]) -> User:
    return make_user("medical_adviser", username="adviser")


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user("network_analyst", username="analyst")


@pytest.fixture
def sysadmin(make_user: Callable[..., User]) -> User:
    return make_user("system_administrator", username="sysadmin")


@pytest.fixture
def privacy_officer(make_user: Callable[..., User]) -> User:
    return make_user("privacy_officer", username="personvern")


@pytest.fixture
def norwegian_catalogue() -> None:
    """Tests of Norwegian text need the compiled catalogue, which ``make setup`` builds (``make messages``)."""
    po = Path(settings.LOCALE_PATHS[0]) / "nb" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pytest.fail(f"{mo} is missing or older than the .po file: run `make messages`")
