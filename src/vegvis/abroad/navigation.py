"""Menu items and home-page panels of the treatment-abroad module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegvis.abroad import selectors
from vegvis.access.principal import Principal
from vegvis.audit.services import audit_read
from vegvis.core.navigation import FooterLink, HomePanel, NavItem, register_footer_link, register_nav, register_panel

register_footer_link(FooterLink(gettext_lazy("Public journal"), "abroad:public_journal"))
register_nav(NavItem(gettext_lazy("Cases abroad"), "abroad:worklist", ("abroad.view_case",), order=10))
register_nav(NavItem(gettext_lazy("New application"), "abroad:case_new", ("abroad.handle_case",), order=11))
register_nav(NavItem(gettext_lazy("My assessments"), "abroad:adviser_assessments", ("abroad.assess_case",), order=12))
register_nav(
    NavItem(gettext_lazy("Nye metoder"), "abroad:methods", ("abroad.view_case", "abroad.manage_methods"), order=40)
)
register_nav(
    NavItem(gettext_lazy("Letter templates"), "abroad:letter_templates", ("abroad.manage_letter_templates",), order=41)
)


def _my_cases(request: HttpRequest, who: Principal) -> dict[str, Any]:
    rows = selectors.worklist(who, selectors.WorklistFilter(scope="mine"), limit=10)
    if rows:
        audit_read(
            who,
            label=_("Home: my cases"),
            person_ids=[c.patient_id for c in rows],
            shown=["name", "case_number", "status"],
        )
    return {"rows": rows}


def _office(request: HttpRequest, who: Principal) -> dict[str, Any]:
    return {"counts": selectors.office_counts(who)}


def _adviser(request: HttpRequest, who: Principal) -> dict[str, Any]:
    rows = list(selectors.adviser_assessments(who)[:10])
    if rows:
        audit_read(
            who,
            label=_("Home: assessments"),
            person_ids=[a.case.patient_id for a in rows],
            shown=["name", "case_number"],
        )
    return {"rows": rows}


register_panel(HomePanel("abroad-office", "abroad/panels/office.html", ("abroad.manage_methods",), _office, order=5))
register_panel(HomePanel("abroad-mine", "abroad/panels/my_cases.html", ("abroad.handle_case",), _my_cases, order=10))
register_panel(HomePanel("abroad-adviser", "abroad/panels/adviser.html", ("abroad.assess_case",), _adviser, order=10))
