from django.utils.translation import gettext_lazy

from vegvis.core.navigation import NavItem, register_nav

register_nav(NavItem(gettext_lazy("Inquiry desk"), "inquiries:worklist", ("inquiries.view_case",), order=15))
register_nav(
    NavItem(
        gettext_lazy("Letter templates"), "inquiries:letter_templates", ("inquiries.manage_letter_templates",), order=16
    )
)
register_nav(NavItem(gettext_lazy("Desk statistics"), "inquiries:statistics_index", ("inquiries.view_case",), order=17))
register_nav(
    NavItem(gettext_lazy("Deletion log (desk)"), "inquiries:deletion_log", ("inquiries.view_deletion_log",), order=18)
)
