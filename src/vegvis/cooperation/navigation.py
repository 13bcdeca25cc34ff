"""Menu items and the footer link of the cooperation register."""

from django.utils.translation import gettext_lazy

from vegvis.core.navigation import FooterLink, NavItem, register_footer_link, register_nav

ANY_ROLE = ("cooperation.administer_register", "cooperation.enter_agreement", "cooperation.review_agreement")

register_footer_link(FooterLink(gettext_lazy("Supplier cooperation"), "cooperation:public"))
register_nav(NavItem(gettext_lazy("Cooperation register"), "cooperation:register", ANY_ROLE, order=60))
register_nav(
    NavItem(gettext_lazy("New agreement"), "cooperation:agreement_new", ("cooperation.enter_agreement",), order=61)
)
register_nav(
    NavItem(
        gettext_lazy("Register administration"),
        "cooperation:admin_overview",
        ("cooperation.administer_register",),
        order=62,
    )
)
