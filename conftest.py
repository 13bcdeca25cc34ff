"""Root conftest: shared fixtures, the longest tests first, PostgreSQL-only tests left out (not skipped) on
SQLite runs, and — when ``make test`` runs the suite on both databases — what cannot differ between them run once.

``VEGVIS_BOTH_DATABASES=1`` (set by ``make test`` only when PostgreSQL answers, so both suites run):

- the SQLite suite leaves out the walk of every page (``whole_walk``): it checks what the browser shows (axe, the
  390 px reflow) for every page and role, and runs on PostgreSQL, the production database, in the same run;
- the SQLite suite leaves out the tests that ask every registered URL as every role (``one_database``: the access
  matrix, the audit and privacy scans, the security headers — about 1 400 tests, each asking 27 roles): what they
  judge is decided by the permission layer in Python, and the queries behind each page run on both databases in
  the apps' own tests; they run on PostgreSQL, the production database, in the same run;
- the PostgreSQL suite leaves out the tests that use no database at all (pytest-django refuses them any database
  access, so their result cannot depend on it): they ran in the SQLite suite of the same run.

Every test that touches the database still runs on both. Without the variable (``make test-sqlite``,
``make test-postgres``, a bare ``pytest``) every test runs."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["vegvis.testing.fixtures"]


def _django_group(item: pytest.Item) -> int:
    """pytest-django's order (Django's): tests in a rolled-back transaction, then transactional tests (which
    empty the database when they end), then tests without a database."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return 0 if issubclass(cls, TestCase) else 1
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


def _longest_first(item: pytest.Item) -> tuple[int, int]:
    """Within Django's order, the longest tests first: the walk of every page, then the other browser tests, so
    the other worker has the rest of the suite to run while one walks, instead of one worker finishing a long test
    alone at the end. (xdist's ``load`` scheduling hands each worker its tests in this order; ``worksteal`` would
    not: a worker that steals runs tests of the rolled-back group after transactional tests emptied its
    database.)"""
    if item.get_closest_marker("whole_walk"):
        return _django_group(item), 0
    return _django_group(item), 1 if item.get_closest_marker("browser") else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    items.sort(key=_longest_first)  # stable: otherwise the collection order
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    both = os.environ.get("VEGVIS_BOTH_DATABASES") == "1"

    def left_out_here(item: pytest.Item) -> bool:
        if on_postgres:
            return both and _django_group(item) == 2
        once = item.get_closest_marker("whole_walk") or item.get_closest_marker("one_database")
        return bool(item.get_closest_marker("postgres_only") or (both and once))

    kept, left_out = [], []
    for item in items:
        (left_out if left_out_here(item) else kept).append(item)
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
