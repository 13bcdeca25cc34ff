"""Root conftest: shared fixtures, and PostgreSQL-only tests left out (not skipped) on SQLite runs."""

from __future__ import annotations

import pytest

pytest_plugins = ["vegvis.testing.fixtures"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker("postgres_only") else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Unit tests read the English source strings; pages are tested in Norwegian, as their users read them
    (the locale middleware activates Norwegian for every request the test client sends)."""
    from django.utils import translation

    with translation.override("en"):
        yield
