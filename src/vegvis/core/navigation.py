"""Menu items, home-page panels and footer links, registered by each module (menu items and panels for the
permissions that should see them; footer links lead to public pages and are shown to everyone)."""

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


@dataclass(frozen=True)
class FooterLink:
    """A public page every visitor finds in the footer (a module's public journal, say)."""

    label: Any  # a lazy translation
    url_name: str
    order: int = 100


_nav: list[NavItem] = []
_panels: list[HomePanel] = []
_footer: list[FooterLink] = []


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)


def register_panel(panel: HomePanel) -> None:
    if all(p.key != panel.key for p in _panels):
        _panels.append(panel)


def register_footer_link(link: FooterLink) -> None:
    if all(f.url_name != link.url_name for f in _footer):
        _footer.append(link)


def footer_links() -> list[FooterLink]:
    return sorted(_footer, key=lambda f: f.order)


def nav_for(principal: Principal) -> list[NavItem]:
    return sorted((i for i in _nav if principal.has_any(*i.permissions)), key=lambda i: i.order)


def panels_for(principal: Principal) -> list[HomePanel]:
    return sorted((p for p in _panels if principal.has_any(*p.permissions)), key=lambda p: p.order)
