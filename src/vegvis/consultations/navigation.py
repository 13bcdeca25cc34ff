"""Menu items and the footer link of the consultations."""

from django.utils.translation import gettext_lazy

from vegvis.core.navigation import FooterLink, NavItem, register_footer_link, register_nav

register_footer_link(FooterLink(gettext_lazy("Consultations"), "consultations:public"))
register_nav(
    NavItem(gettext_lazy("Consultations"), "consultations:worklist", ("consultations.run_consultation",), order=65)
)
register_nav(
    NavItem(gettext_lazy("Our consultations"), "consultations:body_list", ("consultations.submit_input",), order=66)
)
