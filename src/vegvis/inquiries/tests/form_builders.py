"""How tests/test_norwegian_forms.py builds the desk's forms as its views do: a form of a case step gets a desk case
(not one of treatment abroad's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def form_kwargs(form_class: type, parameters: Mapping[str, Any]) -> dict[str, Any]:
    from vegvis.inquiries.tests.support import make_case

    kwargs: dict[str, Any] = {}
    if "case" in parameters:
        kwargs["case"] = make_case("open")
    return kwargs
