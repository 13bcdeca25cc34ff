from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vegvis.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from vegvis.accounts import roles, signals  # noqa: F401  (signals: login auditing)

        post_migrate.connect(roles.sync_default_roles, dispatch_uid="vegvis-sync-default-roles")
