"""Management commands go through the permission layer too.

At the server's shell the operator already holds the database and the keys, so by default a command acts as
the *operator* principal, which holds every permission and is written to the audit trail under the shell
user's name. ``--as USER`` runs the command with that user's own permissions instead.
"""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal, SystemPrincipal, principal_for


class OperatorPrincipal(SystemPrincipal):
    """The person at the server's shell, named by their operating-system account: every permission, as the
    system, but written to the audit trail under their name and the role «operator»."""

    @property
    def audit_role(self) -> str:
        return "operator"


def command_principal(as_user: str | None, permission: str) -> Principal:
    if not as_user:
        try:
            name = getpass.getuser()
        except Exception:  # no login name in some containers
            name = "unknown"
        return OperatorPrincipal(f"shell:{name}")
    user = get_user_model().objects.filter(username=as_user, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user is called %(name)s.") % {"name": as_user})
    principal = principal_for(user)
    if not principal.has(permission):
        raise CommandError(_("%(name)s may not run this command.") % {"name": as_user})
    return principal
