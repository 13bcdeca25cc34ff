"""How tests/test_norwegian_forms.py builds the consultations' forms as their views do: the consultation form gets
the organisation's member bodies to invite, a section form its consultation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def form_kwargs(form_class: type, parameters: Mapping[str, Any]) -> dict[str, Any]:
    from vegvis.consultations.models import MemberBody
    from vegvis.consultations.tests.support import body, make_consultation

    kwargs: dict[str, Any] = {}
    if "bodies" in parameters:
        body()
        kwargs["bodies"] = MemberBody.objects.all()
    if "consultation" in parameters:
        kwargs["consultation"] = make_consultation("open")
    return kwargs
