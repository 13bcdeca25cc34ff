"""What other systems know about a case: a case page asks, each system answers through the permission layer.

A system registers a provider (``register_related``); a case page builds the case's ``CaseFacts`` and shows what
``related_for`` returns. The provider decides what the principal may see of it (and audits what it shows): a user
without the system's rights gets nothing, not even a sign that something exists. So the case's system never
imports the other system, and the other system reads only the facts it is given (arrows point down, to core).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vegvis.access.principal import Principal


@dataclass(frozen=True)
class CaseFacts:
    """What a case page tells the other systems: its patient (None when the page may not name the register's
    person), the treatment as the application words it, and its Nye metoder method."""

    person_id: int | None
    treatment_text: str
    method_id: int | None


@dataclass(frozen=True)
class RelatedItem:
    section: Any  # the heading it is shown under (a lazy translation)
    title: str
    detail: str
    url: str | None = None


Provider = Callable[[Principal, CaseFacts], list[RelatedItem]]
_providers: list[Provider] = []


def register_related(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def related_for(principal: Principal, facts: CaseFacts) -> list[RelatedItem]:
    return [item for provider in _providers for item in provider(principal, facts)]
