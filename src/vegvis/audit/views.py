from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegvis.access.policies import get_visible_or_404
from vegvis.access.rules import principal, requires
from vegvis.audit.selectors import person_access_log
from vegvis.audit.services import audit_read
from vegvis.core.models import Person


@requires("core.view_access_log")
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who has read or changed this person's data, as the patient may ask to see (Normen, pasientjournalloven)."""
    who = principal(request)
    person = get_visible_or_404(who, Person.objects.all(), pk=person_id)
    page = Paginator(person_access_log(person.pk), 100).get_page(request.GET.get("side"))
    audit_read(who, obj=person, label=person.audit_label, person_id=person.pk, shown=["access_log"])
    return render(request, "audit/person_log.html", {"person": person, "page": page})


@require_POST
@requires("audit.verify_audit")
def verify(request: HttpRequest) -> HttpResponse:
    """Queue a full check of the chain; the result shows on the administrator's home page."""
    from vegvis.audit.tasks import verify_audit_chain

    verify_audit_chain.enqueue()
    messages.info(request, _("The audit trail is being checked. The result appears here when it is done."))
    return redirect("core:home")
