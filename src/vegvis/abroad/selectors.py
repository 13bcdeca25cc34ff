"""Every read in the treatment-abroad module, already filtered by the permission layer.

Worklists use keyset pagination on (due_on, id) over partial indexes of open cases, and never count the whole
table, so their cost does not grow with the office's history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from vegvis.abroad.models import Assessment, Case, Document, Expense, Status
from vegvis.abroad.policies import CasePolicy
from vegvis.access.policies import get_visible_or_404, visible
from vegvis.access.principal import Principal
from vegvis.core.selectors import national_id_hash_or_none

CASE_NUMBER = re.compile(r"^\s*(\d{4})\s*/\s*(\d{1,6})\s*$")
PAGE_SIZE = 50

# Worklist categories: the things the offices must not miss, each an indexed condition.
CATEGORIES = {
    "provisional_reply": Q(due_reason="provisional_reply"),
    "assessment_overdue": Q(due_reason="assessment"),
    "appeal_deadline": Q(status=Status.REJECTED),
    "appeal_reconsideration": Q(status=Status.APPEALED),
    "appeals_body": Q(status=Status.AT_APPEALS_BODY),
    "unpaid_invoices": Q(due_reason="invoice"),
}


def cases_visible(principal: Principal) -> QuerySet[Case]:
    return visible(principal, Case.objects.all())


def case_for_page(principal: Principal, pk: int) -> Case:
    """One case with what its page shows; 404 (and an audited refusal) if the principal may not see it."""
    queryset = Case.objects.select_related(
        "patient",
        "patient__home_region",
        "office",
        "method",
        "hospital",
        "handler",
        "referring_organisation",
        "power_of_attorney",
    )
    return get_visible_or_404(principal, queryset, pk=pk)


def is_emergency_view(principal: Principal, case: Case) -> bool:
    if principal.user is None:
        return False
    return not CasePolicy().normally_visible(principal, Case.objects.filter(pk=case.pk)).exists()


@dataclass
class WorklistFilter:
    scope: str = "office"  # "mine" or "office"
    category: str = ""
    route: str = ""
    status: str = ""
    region: str = ""
    hospital: int | None = None
    country: str = ""
    include_closed: bool = False
    after: tuple[date | None, int] | None = None  # keyset cursor: (due_on, id) of the last row shown
    offices: list[int] = field(default_factory=list)


def worklist(principal: Principal, flt: WorklistFilter, *, limit: int = PAGE_SIZE) -> list[Case]:
    """Cases that need action first: earliest due date first, cases without one last."""
    queryset = cases_visible(principal)
    if not flt.include_closed:
        queryset = queryset.exclude(status=Status.CLOSED)
    if flt.scope == "mine" and principal.user is not None:
        queryset = queryset.filter(handler=principal.user)
    if flt.offices:
        queryset = queryset.filter(office_id__in=flt.offices)
    if flt.category in CATEGORIES:
        queryset = queryset.filter(CATEGORIES[flt.category])
    if flt.route:
        queryset = queryset.filter(route=flt.route)
    if flt.status:
        queryset = queryset.filter(status=flt.status)
    if flt.region:
        queryset = queryset.filter(patient__home_region__code=flt.region)
    if flt.hospital:
        queryset = queryset.filter(hospital_id=flt.hospital)
    if flt.country:
        queryset = queryset.filter(hospital__country=flt.country.upper())
    if flt.after is not None:
        due, last_id = flt.after
        if due is None:
            queryset = queryset.filter(due_on__isnull=True, id__gt=last_id)
        else:
            queryset = queryset.filter(Q(due_on__gt=due) | Q(due_on=due, id__gt=last_id) | Q(due_on__isnull=True))
    return list(
        queryset.select_related("patient", "office", "hospital", "handler").order_by(
            F("due_on").asc(nulls_last=True), "id"
        )[:limit]
    )


def next_cursor(rows: list[Case], limit: int = PAGE_SIZE) -> str | None:
    if len(rows) < limit:
        return None
    last = rows[-1]
    return f"{last.due_on.isoformat() if last.due_on else '-'}_{last.pk}"


def parse_cursor(text: str | None) -> tuple[date | None, int] | None:
    if not text or "_" not in text:
        return None
    due_text, _sep, id_text = text.partition("_")
    try:
        return (None if due_text == "-" else date.fromisoformat(due_text)), int(id_text)
    except ValueError:
        return None


def search(principal: Principal, text: str, *, limit: int = PAGE_SIZE) -> list[Case]:
    """Case number (2020/0012), national id (by keyed hash, never stored), name, or Norwegian full text."""
    text = (text or "").strip()[:200]
    if not text:
        return []
    queryset = cases_visible(principal).select_related("patient", "office", "hospital", "handler")
    match = CASE_NUMBER.match(text)
    if match:
        number = f"{int(match.group(1)):04d}/{int(match.group(2)):04d}"
        return list(queryset.filter(number=number).order_by("office_id")[:limit])
    digits = re.sub(r"[\s.-]", "", text)
    if digits.isdigit() and len(digits) == 11:
        lookup = national_id_hash_or_none(digits)
        if lookup is None:
            return []
        return list(queryset.filter(patient__national_id_hash=lookup).order_by("-received_date", "-id")[:limit])
    condition = _name_condition(text)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        matching = Case.objects.annotate(document=SearchVector("search_text", config="norwegian")).filter(
            document=SearchQuery(text, config="norwegian", search_type="websearch")
        )
        condition |= Q(pk__in=matching.values("pk"))
    else:
        condition |= Q(search_text__icontains=text)
    return list(queryset.filter(condition).order_by("-received_date", "-id")[:limit])


def _name_condition(text: str) -> Q:
    condition = Q()
    for word in text.split()[:5]:
        condition &= Q(patient__name__icontains=word)
    return condition


def case_documents(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("created_by").order_by("sequence")


def case_expenses(case: Case) -> QuerySet[Expense]:
    return case.expenses.order_by("invoice_date", "id")


def adviser_assessments(principal: Principal, *, open_only: bool = True) -> QuerySet[Assessment]:
    queryset = Assessment.objects.filter(adviser=principal.user).select_related(
        "case", "case__patient", "expert_community", "case__office"
    )
    if open_only:
        queryset = queryset.filter(answered_on__isnull=True)
    return queryset.order_by("due_on", "id")


def office_counts(principal: Principal) -> dict[str, int]:
    """How many open cases fall in each worklist category (bounded: counts only open cases of the office)."""
    queryset = cases_visible(principal).exclude(status=Status.CLOSED)
    today = timezone.localdate()
    return {
        "open": queryset.count(),
        "overdue": queryset.filter(due_on__lt=today).count(),
        **{key: queryset.filter(condition).count() for key, condition in CATEGORIES.items()},
    }


def has_unsettled_expenses() -> Any:
    return Exists(Expense.objects.filter(case=OuterRef("pk")).exclude(state=Expense.State.SETTLED))


def journal_page(
    *, office_code: str = "", after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Document], str | None]:
    """Public journal rows, newest first. Only the fields that may be public are loaded."""
    documents = Document.objects.select_related("case__office").only(
        "number",
        "public_title",
        "direction",
        "document_date",
        "registered_on",
        "correspondent",
        "correspondent_is_private",
        "case__office__name",
        "case__office__code",
    )
    if office_code:
        documents = documents.filter(case__office__code=office_code)
    if after and "_" in after:
        day_text, _sep, id_text = after.partition("_")
        try:
            day, last_id = date.fromisoformat(day_text), int(id_text)
        except ValueError:
            day, last_id = None, 0
        if day is not None:
            documents = documents.filter(Q(registered_on__lt=day) | Q(registered_on=day, id__lt=last_id))
    rows = list(documents.order_by("-registered_on", "-id")[:limit])
    cursor = f"{rows[-1].registered_on.isoformat()}_{rows[-1].pk}" if len(rows) == limit else None
    return rows, cursor
