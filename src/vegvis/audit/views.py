from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vegvis.access.models import EmergencyAccess
from vegvis.access.policies import get_visible_or_404
from vegvis.access.review import emergency_access_review, emergency_reviews
from vegvis.access.rules import principal, requires
from vegvis.audit.selectors import person_access_log
from vegvis.audit.services import audit_read, read_for
from vegvis.core.models import Person


@requires("core.view_access_log")
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who has read or changed this person's data, as the patient may ask to see (Normen, pasientjournalloven)."""
    who = principal(request)
    person = get_visible_or_404(who, Person.objects.all(), pk=person_id)
    page = Paginator(person_access_log(person.pk), 100).get_page(request.GET.get("side"))
    read_for(who, person, shown=["access_log"])
    page.object_list = _name_actors(page.object_list)
    return render(request, "audit/person_log.html", {"person": person, "page": page})


def _name_actors(entries: Any) -> list[Any]:
    """Who did it, by full name, never by login name (issue 11); the system's own entries keep their label."""
    from vegvis.accounts.models import User

    entries = list(entries)
    users = {u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in entries if e.actor_id})}
    for entry in entries:
        user = users.get(entry.actor_id)
        entry.actor_name = (user.get_full_name() or user.email) if user else entry.actor_username
    return entries


@require_POST
@requires("audit.verify_audit")
def verify(request: HttpRequest) -> HttpResponse:
    """Queue a full check of the chain; the result shows on the administrator's home page."""
    from vegvis.audit.tasks import verify_audit_chain

    verify_audit_chain.enqueue()
    messages.info(request, _("The audit trail is being checked. The result appears here when it is done."))
    return redirect("core:home")


class EmergencyReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (EmergencyAccess.Review.REVIEWED, gettext_lazy("Mark reviewed")),
            (EmergencyAccess.Review.REPORTED, gettext_lazy("Report")),
        ],
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=2000, widget=forms.Textarea)


@requires("access.review_emergency_access")
def emergency_review_list(request: HttpRequest) -> HttpResponse:
    """Emergency access to review: the office lead sees their office's, the privacy officer everyone's."""
    who = principal(request)
    show_all = request.GET.get("vis") == "alle"
    rows = emergency_reviews(who, pending_only=not show_all)
    if rows:
        audit_read(who, label=_("Emergency access to review"), shown=["user", "case_number", "reason"])
    return render(request, "audit/emergency_reviews.html", {"rows": rows, "show_all": show_all})


@require_POST
@requires("access.review_emergency_access")
def emergency_review(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    grant = get_visible_or_404(who, EmergencyAccess.objects.select_related("user"), pk=pk)
    form = EmergencyReviewForm(request.POST)
    if form.is_valid():
        try:
            emergency_access_review(
                actor=who, grant=grant, outcome=form.cleaned_data["outcome"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved: %(outcome)s.") % {"outcome": grant.get_review_display()})
    else:
        messages.error(request, _("Choose reviewed or report."))
    return redirect("audit:emergency_reviews")
