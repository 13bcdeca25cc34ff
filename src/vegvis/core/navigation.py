"""Menu items and home-page panels, registered by each module for the permissions that should see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from vegvis.access.principal import Principal


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    permissions: tuple[str, ...]
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A section of a role's home page; ``context`` returns what its template needs (and audits any read)."""

    key: str
    template: str
    permissions: tuple[str, ...]
    context: Callable[[HttpRequest, Principal], dict[str, Any]]
    order: int = 100


_nav: list[NavItem] = []
_panels: list[HomePanel] = []


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)


def register_panel(panel: HomePanel) -> None:
    if all(p.key != panel.key for p in _panels):
        _panels.append(panel)


def nav_for(principal: Principal) -> list[NavItem]:
    return sorted((i for i in _nav if principal.has_any(*i.permissions)), key=lambda i: i.order)


def panels_for(principal: Principal) -> list[HomePanel]:
    return sorted((p for p in _panels if principal.has_any(*p.permissions)), key=lambda p: p.order)
