"""``vegvis audit verify``: check the audit chain and report the first tampered entry."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vegvis.access.commands import command_principal
from vegvis.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks that no entry was altered, deleted or inserted."
    access_permission = "audit.verify_audit"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--as", dest="as_user", help="act as this user (default: the operator at the shell)")

    def handle(self, *args, **options):
        command_principal(options.get("as_user"), self.access_permission)
        result = verify_chain()
        if not result.ok:
            raise CommandError(result.problem)
        self.stdout.write(
            self.style.SUCCESS(_("The audit trail is intact: %(count)s entries checked.") % {"count": result.checked})
        )
