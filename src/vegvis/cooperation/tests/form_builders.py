"""How tests/test_norwegian_forms.py builds the register's forms as its views do: with the suppliers and
organisations a user may choose among."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def form_kwargs(form_class: type, parameters: Mapping[str, Any]) -> dict[str, Any]:
    from vegvis.cooperation.tests.support import organisation, supplier
    from vegvis.core.models import Organisation

    kwargs: dict[str, Any] = {}
    if "suppliers" in parameters:
        kwargs["suppliers"] = Organisation.objects.filter(pk=supplier().pk)
    if "organisations" in parameters:
        kwargs["organisations"] = Organisation.objects.filter(pk=organisation().pk)
    return kwargs
