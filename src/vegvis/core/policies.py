"""Who may see a person: whoever may see one of the person's cases in any module, or a global grant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from vegvis.access import policies
from vegvis.access.principal import Principal
from vegvis.core.models import Person

# Each module that links persons to its objects registers how its visible objects make persons visible.
PersonVisibility = Callable[[Principal], Q | None]
_providers: list[PersonVisibility] = []


def register_person_visibility(provider: PersonVisibility) -> None:
    if provider not in _providers:
        _providers.append(provider)


class PersonPolicy(policies.Policy):
    model = Person

    def scope(self, principal: Principal, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if principal.grant("core.view_access_log").everywhere:
            return queryset
        condition = Q(pk__in=[])
        for provider in _providers:
            extra = provider(principal)
            if extra is not None:
                condition |= extra
        return queryset.filter(condition).distinct()

    def can(self, principal: Principal, action: str, obj: Any) -> bool:
        return self.scope(principal, Person.objects.filter(pk=obj.pk)).exists()

    def label(self, obj: Any) -> str:
        return str(obj.audit_label)


policies.register(PersonPolicy())
