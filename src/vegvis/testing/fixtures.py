"""Shared pytest fixtures (loaded by the root conftest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vegvis.accounts.models import User
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
    def as_user(user: User) -> Client:
        client.force_login(user)
        return client

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
