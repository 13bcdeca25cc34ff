"""Root conftest: shared fixtures, the longest tests first, and PostgreSQL-only tests left out (not skipped) on
SQLite runs."""

from __future__ import annotations

import pytest

pytest_plugins = ["vegvis.testing.fixtures"]


def _longest_first(item: pytest.Item) -> int:
    """The browser tests (the walk of every page the longest) go first, so the two workers share the long ones
    from the start and steal the short ones at the end, instead of one worker finishing a long test alone."""
    if item.get_closest_marker("whole_walk"):
        return 0
    return 1 if item.get_closest_marker("browser") else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    items.sort(key=_longest_first)  # stable: the order within each group is the collection order
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
