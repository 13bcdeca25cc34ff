"""The page walk: every page each role may open, found from the URL configuration and the access matrix.

tests/test_every_page_browser.py visits these pages in Chromium, at 1366 and 390 pixels wide, with axe-core. No
list of pages is kept by hand, so a new page is walked as soon as its module registers its access expectation:

1. **The access matrix.** Every ``expect(...)`` for a GET of a page (not the API) whose answer for the role is 200
   is a page of that role; its URL arguments come from the expectation's own builder (``Expectation.prepare``),
   which makes the objects the page needs. Answers that are not HTML (a PDF letter, a JSON download, a chart's
   SVG, the health check) are recognised by their content type when visited and left to their own tests.
2. **Extra pages of a realistic data set.** ``extra`` pages (e.g. the case page of a case in every workflow state)
   are added by the caller when the role's expectation for that URL name answers 200.
3. **Links from hub pages** (``linked_pages``). A case page's links to pages under it (its workflow steps,
   follow-up forms, invoice pages) are followed once per URL shape (digits replaced), so every step form is
   walked with a case in a state that offers it. The matrix lets ``vegvis_admin:index`` stand for the
   administration site; the walk follows its links to each model's list and add form, and from each list to
   one object's change page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from vegvis.testing.access_matrix import Actors, Expectation, registered

CASE_PAGE = re.compile(r"^/utland/saker/\d+/$")
ADMIN_INDEX = re.compile(r"^/forvaltning/$")
ADMIN_LIST = re.compile(r"^/forvaltning/[a-z_]+/[a-z0-9_]+/$")


@dataclass(frozen=True)
class Visit:
    """A page to visit: where it came from (a URL name, or a description) and its URL."""

    label: str
    url: str

    @property
    def shape(self) -> str:
        return url_shape(self.url)


def url_shape(url: str) -> str:
    """The URL with its numbers replaced: pages of the same shape are the same page for another object."""
    return re.sub(r"\d+", "N", url.split("?")[0])


def page_expectations(role: str) -> list[Expectation]:
    """The registered GETs of pages (not the API) that answer the role with 200."""
    return [e for e in registered() if e.method == "get" and not e.is_api and e.roles[role] == 200]


def may_open(role: str, url_name: str) -> bool:
    """Whether the matrix says the role opens the page ``url_name`` (200)."""
    return any(e.url_name == url_name for e in page_expectations(role))


def linked_pages(visit: Visit, links: list[str], seen_shapes: set[str]) -> list[Visit]:
    """The pages a visited page leads to that the walk visits too, once per URL shape (``seen_shapes``).

    Under a case page: its workflow steps, follow-up forms and invoice pages. From the administration site's
    index: each model's list and add form; from a model's list, its objects' change pages (not their history or
    delete confirmation). What a page links to is what the role may do there, so nothing is guessed.
    """
    found = []
    if not any(hub.match(visit.url) for hub in (CASE_PAGE, ADMIN_INDEX, ADMIN_LIST)):
        return []
    under = visit.url
    for link in links:
        path = link.split("#")[0].split("?")[0]
        if not path.startswith(under) or path == visit.url or "/history/" in path or "/delete/" in path:
            continue
        if url_shape(path) in seen_shapes:
            continue
        seen_shapes.add(url_shape(path))
        found.append(Visit(f"linked from {visit.label}", path))
    return found


def pages_for(role: str, actors: Actors, extra: Iterable[tuple[str | tuple[str, ...], Visit]] = ()) -> list[Visit]:
    """Every page the role may open: the matrix's, the administration site's, and the caller's ``extra`` pages.

    ``extra`` holds ``(who, visit)``: ``who`` is a URL name (the page is kept for the roles the matrix lets open
    it) or the roles that open it (for what the matrix does not know, such as a case opened with emergency
    access). The matrix's builders make their objects here: call this after the data set is built.
    """
    visits: list[Visit] = []
    for expectation in page_expectations(role):
        prepared = expectation.prepare(actors)
        query = f"?{urlencode(prepared.data, doseq=True)}" if prepared.data else ""
        visits.append(Visit(expectation.url_name, prepared.url + query))
    for who, visit in extra:
        if (role in who) if isinstance(who, tuple) else may_open(role, who):
            visits.append(visit)
    unique: dict[str, Visit] = {}
    for visit in visits:
        unique.setdefault(visit.url, visit)
    return list(unique.values())
