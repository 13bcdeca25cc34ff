"""The system administrator's home panel: the audit trail's state, failed background tasks and the way into
administration."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from vegvis.access.principal import Principal
from vegvis.core.navigation import HomePanel, NavItem, register_nav, register_panel


def last_verification() -> Any:
    from django_tasks_db.models import DBTaskResult

    from vegvis.audit.tasks import verify_audit_chain

    return DBTaskResult.objects.filter(task_path=verify_audit_chain.module_path).order_by("-enqueued_at").first()


def _admin(request: HttpRequest, who: Principal) -> dict[str, Any]:
    from vegvis.accounts.models import Role
    from vegvis.audit.models import AuditChainHead
    from vegvis.core.tasks import failed_tasks

    head = AuditChainHead.objects.filter(pk=1).first()
    roles = Role.objects.order_by("home_order").prefetch_related("assignments")
    return {
        "entries": head.last_seq if head else 0,
        "verification": last_verification(),
        "roles": [(role, role.assignments.count()) for role in roles],
        # Failed background tasks, a dead worker's included (core/tasks.py): names and errors, no personal data.
        "failed_tasks": [
            {
                "name": task.task_path.rsplit(".", 1)[-1],
                "finished_at": task.finished_at,
                "error": task.exception_class_path.rsplit(".", 1)[-1],
                "tries": len(task.worker_ids),
            }
            for task in failed_tasks()[:10]
        ],
    }


register_panel(
    HomePanel("audit-admin", "audit/panels/admin.html", ("accounts.administer", "audit.verify_audit"), _admin, order=50)
)


def _emergency_reviews(request: HttpRequest, who: Principal) -> dict[str, Any]:
    from vegvis.access.review import pending_review_count

    return {"pending": pending_review_count(who)}


register_panel(
    HomePanel(
        "audit-emergency",
        "audit/panels/emergency_reviews.html",
        ("access.review_emergency_access",),
        _emergency_reviews,
        order=4,
    )
)
register_nav(
    NavItem(
        gettext_lazy("Emergency access review"),
        "audit:emergency_reviews",
        ("access.review_emergency_access",),
        order=60,
    )
)
