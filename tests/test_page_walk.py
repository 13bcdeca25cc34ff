"""The page walk's discovery (vegvis.testing.pages): the pages tests/test_every_page_browser.py visits come from
the access matrix, so a new page is walked without anyone adding it to a list."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vegvis.testing import access_matrix
from vegvis.testing.access_matrix import Actors, registered, staff_only
from vegvis.testing.pages import Visit, linked_pages, pages_for

pytestmark = pytest.mark.django_db


def _names(visits: list[Visit]) -> set[str]:
    return {visit.label for visit in visits}


def test_a_role_walks_exactly_the_pages_the_matrix_opens_for_it():
    actors = Actors()
    expected = {
        e.url_name for e in registered() if e.method == "get" and not e.is_api and e.roles["office_lead"] == 200
    }
    found = _names(pages_for("office_lead", actors))
    assert found == expected
    assert {"abroad:letter_template_edit", "abroad:case", "reports:annual", "audit:emergency_reviews"} <= found
    assert "vegvis_admin:index" not in found  # the office lead gets 403 there
    assert not any(name.startswith("api-") for name in found)


def test_a_visitor_walks_only_the_public_pages():
    found = _names(pages_for("anonymous", Actors()))
    assert {"core:accessibility", "abroad:public_journal", "accounts:login"} <= found
    assert "core:home" not in found and "abroad:case" not in found


def test_a_new_page_is_walked_as_soon_as_its_expectation_is_registered(monkeypatch):
    home = next(e for e in registered() if e.url_name == "core:home")
    new_page = replace(home, url_name="core:accessibility", roles=staff_only(403, privacy_officer=200))
    monkeypatch.setitem(access_matrix._registry, ("core:accessibility", "get"), new_page)

    assert "core:accessibility" in _names(pages_for("privacy_officer", Actors()))
    assert "core:accessibility" not in _names(pages_for("case_handler", Actors()))


def test_extra_pages_go_to_the_roles_the_matrix_or_the_caller_names():
    extra: list[tuple[str | tuple[str, ...], Visit]] = [
        ("abroad:case", Visit("case page (closed)", "/utland/saker/999/")),
        (("case_handler_other_office",), Visit("case page (emergency access)", "/utland/saker/998/")),
    ]
    actors = Actors()
    assert "case page (closed)" in _names(pages_for("case_handler", actors, extra))
    assert "case page (closed)" not in _names(pages_for("medical_adviser", actors, extra))  # 404 in the matrix
    assert "case page (emergency access)" in _names(pages_for("case_handler_other_office", actors, extra))
    assert "case page (emergency access)" not in _names(pages_for("case_handler", actors, extra))


def test_links_under_a_case_page_and_the_administration_are_followed_once_per_shape():
    seen: set[str] = set()
    case = Visit("case page", "/utland/saker/7/")
    links = [
        "/utland/saker/7/steg/reject/",
        "/utland/saker/7/faktura/3/rett/",
        "/utland/saker/7/faktura/4/rett/",  # the same page for another invoice
        "/utland/",  # not under the case
        "/utland/saker/7/#vedtak",  # the page itself
    ]
    assert [v.url for v in linked_pages(case, links, seen)] == [
        "/utland/saker/7/steg/reject/",
        "/utland/saker/7/faktura/3/rett/",
    ]
    other_case = Visit("case page", "/utland/saker/8/")
    assert [v.url for v in linked_pages(other_case, ["/utland/saker/8/steg/reject/"], seen)] == []

    index = Visit("vegvis_admin:index", "/forvaltning/")
    admin_links = ["/forvaltning/core/region/", "/forvaltning/core/region/add/", "/konto/passord/"]
    assert [v.url for v in linked_pages(index, admin_links, seen)] == admin_links[:2]
    listing = Visit("linked", "/forvaltning/core/region/")
    object_links = ["/forvaltning/core/region/1/change/", "/forvaltning/core/region/1/delete/"]
    assert [v.url for v in linked_pages(listing, object_links, seen)] == object_links[:1]

    assert linked_pages(Visit("core:home", "/hjem/"), ["/hjem/x/"], seen) == []
