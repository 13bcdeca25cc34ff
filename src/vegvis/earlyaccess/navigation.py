"""Menu items and the footer link of early access."""

from django.utils.translation import gettext_lazy

from vegvis.core.navigation import FooterLink, NavItem, register_footer_link, register_nav
from vegvis.earlyaccess.policies import ANY_ROLE, VIEW_OVERVIEW, VIEW_TREATMENT

register_footer_link(FooterLink(gettext_lazy("Early-access programmes"), "earlyaccess:public"))
register_nav(NavItem(gettext_lazy("Early access"), "earlyaccess:programmes", ANY_ROLE, order=70))
register_nav(NavItem(gettext_lazy("Patients in programmes"), "earlyaccess:worklist", (VIEW_TREATMENT,), order=71))
register_nav(
    NavItem(gettext_lazy("Experimental treatment"), "earlyaccess:experimental_list", (VIEW_TREATMENT,), order=72)
)
register_nav(NavItem(gettext_lazy("Regional overview"), "earlyaccess:overview", (VIEW_OVERVIEW,), order=73))
