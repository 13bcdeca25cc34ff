from __future__ import annotations

import pytest

from vegvis.records.tests.dossier import create_tables


@pytest.fixture
def dossier_tables(db: None) -> None:
    """The test system's tables (tests/dossier.py), gone again with the test's transaction."""
    create_tables()
