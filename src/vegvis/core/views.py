from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from vegvis.access.rules import logged_in, principal, public
from vegvis.core.navigation import panels_for


@logged_in
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own work: the panels its permissions allow, in the role's order."""
    who = principal(request)
    panels = [(panel, panel.context(request, who)) for panel in panels_for(who)]
    return render(request, "core/home.html", {"panels": panels})


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@public
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def root(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import redirect

    if principal(request).is_authenticated:
        return redirect("core:home")
    return redirect("accounts:login")
