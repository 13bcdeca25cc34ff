"""The kit's tests read its texts in Norwegian, as users see them (outside a request Django speaks English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def norwegian() -> Iterator[None]:
    with translation.override("nb"):
        yield
