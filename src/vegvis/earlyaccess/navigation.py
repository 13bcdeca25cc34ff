"""Menu items, the footer link and the clinicians' home panel of early access."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from vegvis.access.principal import Principal
from vegvis.core.navigation import FooterLink, HomePanel, NavItem, register_footer_link, register_nav, register_panel
from vegvis.earlyaccess import selectors
from vegvis.earlyaccess.policies import ANY_ROLE, VIEW_OVERVIEW, VIEW_TREATMENT

register_footer_link(FooterLink(gettext_lazy("Early-access programmes"), "earlyaccess:public"))
register_nav(NavItem(gettext_lazy("Early access"), "earlyaccess:programmes", ANY_ROLE, order=70))
register_nav(NavItem(gettext_lazy("Patients in programmes"), "earlyaccess:worklist", (VIEW_TREATMENT,), order=71))
register_nav(
    NavItem(gettext_lazy("Experimental treatment"), "earlyaccess:experimental_list", (VIEW_TREATMENT,), order=72)
)
register_nav(NavItem(gettext_lazy("Regional overview"), "earlyaccess:overview", (VIEW_OVERVIEW,), order=73))


def _clinician(request: HttpRequest, who: Principal) -> dict[str, Any]:
    # A count only, no patient: nothing to audit.
    return {"flagged": selectors.flagged_count(who)}


register_panel(
    HomePanel("earlyaccess-clinician", "earlyaccess/panels/clinician.html", (VIEW_TREATMENT,), _clinician, order=60)
)
