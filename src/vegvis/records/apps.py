from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The case-file kit: sealed documents, registration, stored files, the public journal and letters."""

    name = "vegvis.records"
    label = "records"
    verbose_name = _("Case files")
