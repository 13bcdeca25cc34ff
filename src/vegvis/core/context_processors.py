from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from vegvis.access.rules import principal
from vegvis.core.navigation import footer_links, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    who = principal(request)
    return {
        "principal": who,
        "nav_items": nav_for(who) if who.is_authenticated else [],
        "footer_links": footer_links(),
        "vegvis_env": settings.VEGVIS_ENV,
        "today": timezone.localdate(),
    }
