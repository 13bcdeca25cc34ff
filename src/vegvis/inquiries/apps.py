from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "vegvis.inquiries"
    label = "inquiries"
    verbose_name = _("Inquiry desk")

    def ready(self) -> None:
        from vegvis.inquiries import navigation, policies, tasks  # noqa: F401  (object policies, menu, daily tasks)
