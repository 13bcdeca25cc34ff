"""The system principal: the application acting on its own account is named, passes every permission check by
design, and is written to the audit trail exactly as an action without a principal was before it existed."""

import pytest

from vegvis.access.commands import OperatorPrincipal
from vegvis.access.principal import ANONYMOUS, SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import Action, audit_record


def test_the_system_holds_every_permission_everywhere_and_the_anonymous_visitor_none():
    assert SYSTEM.is_authenticated and SYSTEM.user is None
    assert SYSTEM.has("abroad.decide_case") and SYSTEM.has_any("reports.import_history", "no.such_permission")
    grant = SYSTEM.grant("abroad.handle_case")
    assert grant.everywhere
    assert not ANONYMOUS.is_authenticated and not ANONYMOUS.has("abroad.view_case")
    assert not ANONYMOUS.grant("abroad.handle_case").everywhere


def _recorded(entry: AuditEntry) -> tuple[object, ...]:
    return entry.actor_id, entry.actor_username, entry.actor_role, entry.office_id


@pytest.mark.django_db
def test_the_system_is_written_to_the_audit_trail_as_an_action_without_a_principal_was():
    before = audit_record(principal=None, action=Action.READ, label="without a principal")
    system = audit_record(principal=SYSTEM, action=Action.READ, label="by the system")
    assert _recorded(system) == _recorded(before) == (None, "system", "", None)
    named = audit_record(principal=SYSTEM, actor_name="retention", action=Action.DELETE, label="a job")
    assert _recorded(named) == (None, "retention", "", None)


@pytest.mark.django_db
def test_the_operator_at_the_shell_is_written_under_their_own_name_and_role():
    entry = audit_record(principal=OperatorPrincipal("shell:kari"), action=Action.READ, label="at the shell")
    assert _recorded(entry) == (None, "shell:kari", "operator", None)
