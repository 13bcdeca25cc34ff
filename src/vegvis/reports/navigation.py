"""Menu items and the home-page panel of the reports module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from vegvis.access.principal import Principal
from vegvis.core.navigation import HomePanel, NavItem, register_nav, register_panel

register_nav(NavItem(gettext_lazy("Annual report"), "reports:annual_index", ("reports.view_annual_report",), order=50))
register_nav(NavItem(gettext_lazy("Statistics"), "reports:statistics", ("reports.view_statistics",), order=51))
register_nav(NavItem(gettext_lazy("Import cases"), "reports:case_import", ("abroad.import_cases",), order=42))


def _reports(request: HttpRequest, who: Principal) -> dict[str, Any]:
    from vegvis.core.models import Region
    from vegvis.reports import selectors

    scope = selectors.report_scope(who, "reports.view_annual_report")
    names = dict(Region.objects.values_list("code", "short_name"))
    return {
        "years": selectors.report_years(),
        "national": scope.national,
        "region_label": ", ".join(names[c] for c in scope.regions or []),
        "statistics": who.has("reports.view_statistics"),
    }


register_panel(HomePanel("reports", "reports/panels/reports.html", ("reports.view_annual_report",), _reports, order=30))
