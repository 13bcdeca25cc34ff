"""Every read in the treatment-abroad module, already filtered by the permission layer.

Worklists use keyset pagination on (due_on, id) over partial indexes of open cases, and never count the whole
table, so their cost does not grow with the office's history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Expression, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.abroad.guards import APPEAL_ROUTES, appealable
from vegvis.abroad.models import (
    GRANT_OUTCOMES,
    Assessment,
    Case,
    Decision,
    Document,
    Expense,
    Method,
    Outcome,
    PaymentGuarantee,
    Status,
)
from vegvis.abroad.policies import CasePolicy
from vegvis.access.policies import get_visible_or_404, visible
from vegvis.access.principal import Principal
from vegvis.casework import worklists
from vegvis.casework.paging import Position
from vegvis.core import rates
from vegvis.core.amounts import format_amount
from vegvis.core.selectors import national_id_hash_or_none
from vegvis.records import journal

CASE_NUMBER = re.compile(r"^\s*(\d{4})\s*/\s*(\d{1,6})\s*$")
PAGE_SIZE = 50

# Worklist categories: the things the offices must not miss, each an indexed condition.
CATEGORIES = {
    "provisional_reply": Q(due_reason="provisional_reply"),
    "assessment_overdue": Q(due_reason="assessment"),
    "appeal_deadline": Q(status=Status.REJECTED),
    # A partly granted case stays in follow-up while its appeal runs: its due reason tells (deadlines.py).
    "appeal_reconsideration": Q(status=Status.APPEALED) | Q(due_reason="appeal_reconsideration"),
    "appeals_body": Q(status=Status.AT_APPEALS_BODY) | Q(due_reason="appeals_body"),
    "unpaid_invoices": Q(due_reason="invoice"),
}


# Every category the worklist filters by: the fixed ones, and "overdue" (due before today), which the home panel's
# tile counts and links to. A tile counts exactly the cases its link lists (both use ``category_condition``).
WORKLIST_CATEGORIES = ("overdue", *CATEGORIES)


def category_condition(category: str, *, today: date | None = None) -> Q | None:
    """The worklist's condition for a category; None for no (or an unknown) category."""
    if category == "overdue":
        return Q(due_on__lt=today or timezone.localdate())
    return CATEGORIES.get(category)


def cases_visible(principal: Principal) -> QuerySet[Case]:
    return visible(principal, Case.objects.all())


def case_for_page(principal: Principal, pk: int) -> Case:
    """One case with what its page shows; 404 (and an audited refusal) if the principal may not see it."""
    queryset = Case.objects.select_related(
        "patient",
        "patient__home_region",
        "stated_home_region",
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
    after: Position | None = None  # keyset cursor: (due_on, id) of the last row shown
    offices: list[int] = field(default_factory=list)


# Case lists (the worklist and search pages, the API's worklist, the home panel) load only the columns a list
# shows, of the case, its patient and its office: no long texts, keys or timestamps. Building the model rows was
# a third of the worklist's time on a million cases (docs/performance.md). A list that starts showing another
# column must add it here; the query-count tests fail if it is loaded row by row.
LIST_COLUMNS = (
    "number",
    "route",
    "status",
    "version",
    "received_date",
    "due_on",
    "due_reason",
    "office_id",
    "patient_id",
    "patient__name",
    "patient_withheld",
    "stated_name",
    "office__code",
    "office__name",
    "office__short_name",
)


def _rows(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related("patient", "office").only(*LIST_COLUMNS)


def worklist(principal: Principal, flt: WorklistFilter, *, limit: int = PAGE_SIZE) -> list[Case]:
    """Cases that need action first: earliest due date first, cases without one last."""
    queryset = cases_visible(principal)
    if not flt.include_closed:
        queryset = queryset.exclude(status=Status.CLOSED)
    if flt.scope == "mine" and principal.user is not None:
        queryset = queryset.filter(handler=principal.user)
    if flt.offices:
        queryset = queryset.filter(office_id__in=flt.offices)
    condition = category_condition(flt.category)
    if condition is not None:
        queryset = queryset.filter(condition)
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
    return worklists.due_first(_rows(queryset), after=flt.after, limit=limit)


def next_cursor(rows: list[Case], limit: int = PAGE_SIZE) -> str | None:
    """The worklist's cursor after ``rows`` (casework.worklists: earliest due first)."""
    return worklists.DUE_FIRST.next_cursor(rows, limit)


def parse_cursor(text: str | None) -> Position | None:
    return worklists.DUE_FIRST.parse(text)


def search(principal: Principal, text: str, *, limit: int = PAGE_SIZE) -> list[Case]:
    """Case number (2020/0012), national id (by keyed hash, never stored), name, or Norwegian full text.

    Newest first. A name or text search returns the cases whose patient's name holds every word, and the cases
    whose text matches, together.
    """
    text = (text or "").strip()[:200]
    if not text:
        return []
    queryset = _rows(cases_visible(principal))
    match = CASE_NUMBER.match(text)
    if match:
        number = f"{int(match.group(1)):04d}/{int(match.group(2)):04d}"
        return list(queryset.filter(number=number).order_by("office_id")[:limit])
    digits = re.sub(r"[\s.-]", "", text)
    if digits.isdigit() and len(digits) == 11:
        lookup = national_id_hash_or_none(digits)
        if lookup is None:
            return []
        return list(queryset.filter(patient__national_id_hash=lookup).order_by(*NEWEST_FIRST)[:limit])
    if connection.vendor != "postgresql":
        condition = _name_condition(text) | _stated_name_condition(text) | Q(search_text__icontains=text)
        return list(queryset.filter(condition).order_by(*NEWEST_FIRST)[:limit])
    # One query with "name matches OR text matches" joins two tables under an OR, which no index serves: on a
    # million cases PostgreSQL walked every case of the office (seconds). Each half alone uses its own index
    # (trigrams on the name, the stored text vector), and the newest ``limit`` of the union are the newest
    # ``limit`` of the two halves' newest ``limit`` together.
    found = {case.pk: case for case in queryset.filter(_name_condition(text)).order_by(*NEWEST_FIRST)[:limit]}
    # Cases with a withheld patient are found by the name the application gave (a partial index keeps them few).
    for case in queryset.filter(_stated_name_condition(text)).order_by(*NEWEST_FIRST)[:limit]:
        found.setdefault(case.pk, case)
    for case in _text_matches(principal, queryset, text, limit):
        found.setdefault(case.pk, case)
    return sorted(found.values(), key=lambda case: (case.received_date, case.pk), reverse=True)[:limit]


NEWEST_FIRST = ("-received_date", "-id")
# How many of the newest visible cases are tested one by one before the full-text index is asked; and how many
# matches in all still count as few enough to read through the index and sort in memory.
TEXT_PROBE = 1000
TEXT_FEW = 2000


class _StoredSearchVector(Expression):
    """The case's stored ``search_vector`` column (PostgreSQL only; migration 0006), in whatever query it is used."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def _text_matches(principal: Principal, queryset: QuerySet[Case], text: str, limit: int) -> list[Case]:
    """The newest ``limit`` visible cases whose text matches, in bounded steps (each uses an index).

    - A word common among recent cases: the newest ``TEXT_PROBE`` visible cases are tested, newest first (an
      index walk and a vector lookup each), and hold ``limit`` matches.
    - A rare word, or a name (which case text never holds): the GIN index gives at most ``TEXT_FEW + 1``
      matches, ids and dates only; when that is all of them, the newest are picked from them.
    - Otherwise the word is common, only not lately (decision grounds, say): PostgreSQL, which knows it is
      common, finds the newest matches by walking the cases in date order.
    Text that looks like a name asks the index first, other text probes first; the answer is the same either way.
    Left to itself, PostgreSQL cannot tell a rare word from a missing one and walked all million cases for a word
    no case holds (docs/performance.md).
    """
    query = SearchQuery(text, config="norwegian", search_type="websearch")
    matching = queryset.alias(document=_StoredSearchVector()).filter(document=query).order_by(*NEWEST_FIRST)

    def probe() -> list[Case]:
        newest = cases_visible(principal).order_by(*NEWEST_FIRST).values("pk")[:TEXT_PROBE]
        return list(matching.filter(pk__in=newest)[:limit])

    def few() -> list[tuple[int, date]] | None:
        found = list(
            cases_visible(principal)
            .alias(document=_StoredSearchVector())
            .filter(document=query)
            .order_by()
            .values_list("pk", "received_date")[: TEXT_FEW + 1]
        )
        return found if len(found) <= TEXT_FEW else None

    recent: list[Case] = []
    some = few() if _looks_like_a_name(text) else None
    if some is None:
        recent = probe()
        if len(recent) == limit:
            return recent
        some = few()
    if some is None:
        return list(matching[:limit])
    newest_ids = [pk for pk, _day in sorted(some, key=lambda row: (row[1], row[0]), reverse=True)[:limit]]
    known: dict[int, Case] = {case.pk: case for case in recent}
    missing = [pk for pk in newest_ids if pk not in known]
    if missing:
        known.update((case.pk, case) for case in queryset.filter(pk__in=missing))
    return [known[pk] for pk in newest_ids]


def _looks_like_a_name(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 4 and all(word[:1].isupper() and word.replace("-", "").isalpha() for word in words)


def _name_condition(text: str) -> Q:
    """The register's name, except on cases whose patient is withheld: those must not be found by the name the
    searcher may not see (issue 10, item 4)."""
    condition = Q(patient_withheld=False)
    for word in text.split()[:5]:
        condition &= Q(patient__name__icontains=word)
    return condition


def _stated_name_condition(text: str) -> Q:
    condition = Q(patient_withheld=True)
    for word in text.split()[:5]:
        condition &= Q(stated_name__icontains=word)
    return condition


def case_documents(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("created_by").order_by("sequence")


def decision_history(case: Case) -> list[Decision]:
    """Every decision in the case, oldest first: the original, the office's reversal, the appeals body's.

    A case imported from another system (or decided before the history was kept) without rows gets its one
    decision from the case's own fields, unsaved."""
    rows = list(case.decisions.select_related("letter", "decided_by_user", "appeal").order_by("decided_on", "id"))
    if not rows and case.outcome in {*GRANT_OUTCOMES, Outcome.REJECTED}:
        rows = [
            Decision(
                case=case,
                kind=Decision.Kind.ORIGINAL,
                outcome=case.outcome,
                decided_on=case.decided_on or case.received_date,
                decided_by=case.decided_by,
                legal_basis=case.legal_basis,
                grounds=case.grounds,
                coverage=case.coverage or {},
            )
        ]
    return rows


@dataclass
class AppealDeadline:
    """The appeal deadline of the case's decision as the case page states it, computed on the day it is read."""

    deadline: date
    passed: bool
    text: str


def appeal_deadline(case: Case, *, today: date | None = None) -> AppealDeadline | None:
    """The deadline for appealing the case's decision, or None when there is nothing to appeal: a route without
    appeal, a decision that cannot be appealed (a full grant), or an appeal already registered."""
    from django.utils.translation import gettext as _

    from vegvis.abroad import deadlines

    if case.route not in APPEAL_ROUTES or case.status not in {
        Status.REJECTED,
        Status.FOLLOW_UP,
        Status.CLOSED,
    }:
        return None
    if case.final_outcome not in {Outcome.REJECTED, Outcome.PARTLY_GRANTED} or appealable(case) is not None:
        return None
    if case.appeals.exists():
        return None
    deadline = deadlines.appeal_deadline(deadlines.decision_letter_date(case))
    today = today or timezone.localdate()
    day = deadline.strftime("%d.%m.%Y")
    if deadline < today:
        return AppealDeadline(deadline, True, _("The appeal deadline expired on %(date)s") % {"date": day})
    return AppealDeadline(deadline, False, _("The appeal deadline runs until %(date)s") % {"date": day})


def case_expenses(case: Case) -> QuerySet[Expense]:
    return case.expenses.select_related("registered_by", "attested_by", "settled_by").order_by("invoice_date", "id")


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
        **{key: queryset.filter(category_condition(key, today=today)).count() for key in WORKLIST_CATEGORIES},
    }


def _screened_names(case: Case) -> list[str]:
    names = [case.patient.name, case.stated_name]
    if case.power_of_attorney is not None:
        names.append(case.power_of_attorney.representative_name)
    return names


def journal_page(
    *, office_code: str = "", after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Document], str | None]:
    """Public journal rows, newest first (records.journal pages and screens them). Only the fields that may be
    public are loaded, and the patient's and the representative's names (never shown) to screen the correspondent
    with: a row that names either, in any case or word order, is shown as private whatever was stored.
    """
    documents = Document.objects.select_related("case__office", "case__patient", "case__power_of_attorney").only(
        "number",
        "public_title",
        "direction",
        "document_date",
        "registered_on",
        "correspondent",
        "correspondent_is_private",
        "case__office__name",
        "case__office__code",
        "case__office__short_name",
        "case__stated_name",
        "case__patient__name",
        "case__power_of_attorney__representative_name",
    )
    if office_code:
        documents = documents.filter(case__office__code=office_code)
    return journal.journal_page(
        documents, screened_names=lambda row: _screened_names(row.case), after=after, limit=limit
    )


# ---------------------------------------------------------------- plausibility of an amount (issue 11)

# An amount this many times the guarantee, or the case's usual amount of its kind, is "far from" it.
FAR_FACTOR = Decimal(10)
# Above this an amount is unusual whatever the case holds: the largest treatments abroad cost a few million.
UNUSUAL_NOK = Decimal(10_000_000)


def _guarantee_nok(guarantee: PaymentGuarantee) -> Decimal | None:
    try:
        return rates.to_nok(guarantee.amount, rates.rate_on(guarantee.currency, guarantee.issued_on))
    except rates.RateMissing:
        return None


def expense_amount_warnings(
    *, case: Case, kind: str, amount: Decimal, currency: str, amount_nok: Decimal, exclude_pk: int | None = None
) -> list[str]:
    """Why an invoice's amount looks wrong, for a person to confirm or correct before it is saved (issue 11).

    An invoice is compared with what remains of the case's payment guarantees: in the invoice's own currency
    when the guarantees and the other invoices are in it, else in NOK at the stored exchange rates. Any amount is
    compared with the case's other amounts of its kind, and with a ceiling no treatment reaches.
    """
    warnings: list[str] = []
    others = list(
        case.expenses.exclude(pk=exclude_pk).values_list("kind", "amount", "currency", "amount_nok")
        if exclude_pk
        else case.expenses.values_list("kind", "amount", "currency", "amount_nok")
    )
    currency = currency.upper()
    guarantees = list(case.guarantees.all()) if kind == Expense.Kind.INVOICE else []
    if guarantees:
        invoices = [o for o in others if o[0] == Expense.Kind.INVOICE]
        if all(g.currency == currency for g in guarantees) and all(o[2] == currency for o in invoices):
            total, used, this, unit = (
                sum((g.amount for g in guarantees), Decimal(0)),
                sum((o[1] for o in invoices), Decimal(0)),
                amount,
                currency,
            )
        else:
            converted = [_guarantee_nok(g) for g in guarantees]
            known = [c for c in converted if c is not None]
            total = sum(known, Decimal(0))
            used = sum((o[3] for o in invoices), Decimal(0))
            this, unit = amount_nok, "NOK"
        if total > 0:
            figures = {"amount": f"{format_amount(this)} {unit}", "guarantee": f"{format_amount(total)} {unit}"}
            if this > FAR_FACTOR * total:
                warnings.append(
                    _(
                        "%(amount)s is more than ten times the payment guarantee of %(guarantee)s. "
                        "Check the amount: was a decimal comma lost?"
                    )
                    % figures
                )
            elif this > total - used:
                figures["remaining"] = f"{format_amount(max(total - used, Decimal(0)))} {unit}"
                warnings.append(
                    _("%(amount)s is more than what remains of the payment guarantee (%(remaining)s of %(guarantee)s).")
                    % figures
                )
    same_kind = sorted(o[3] for o in others if o[0] == kind)
    if not warnings and same_kind:
        typical = same_kind[len(same_kind) // 2]
        if typical > 0 and amount_nok > FAR_FACTOR * typical:
            warnings.append(
                _("%(amount)s NOK is more than ten times the case's usual amount (%(typical)s NOK).")
                % {"amount": format_amount(amount_nok), "typical": format_amount(typical)}
            )
    if amount_nok > UNUSUAL_NOK:
        warnings.append(
            _("%(amount)s NOK is more than any treatment abroad usually costs (%(ceiling)s NOK).")
            % {"amount": format_amount(amount_nok), "ceiling": format_amount(UNUSUAL_NOK)}
        )
    return warnings


# ---------------------------------------------------------------- who may handle a case (reassignment)


def office_case_handlers(office_id: int) -> QuerySet[Any]:
    """Active users who hold, today, a role giving ``abroad.handle_case`` at this office: whom a case of the
    office can be handed to. Ordered by name, as the reassignment list shows them."""
    from vegvis.accounts.models import RoleAssignment, User

    today = timezone.localdate()
    assignments = RoleAssignment.objects.filter(
        office_id=office_id,
        valid_from__lte=today,
        role__permissions__content_type__app_label="abroad",
        role__permissions__codename="handle_case",
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by(
        "first_name", "last_name", "pk"
    )


# ---------------------------------------------------------------- the methods register, read by other systems


@dataclass(frozen=True)
class MethodDecision:
    """A method of the national system for new methods and Beslutningsforum's decision, as another system (early
    access) reads it: through this selector, never through the model (docs/modules/earlyaccess.md)."""

    id: int
    name: str
    reference: str
    decision: str
    decision_label: str
    decided_on: date | None

    @property
    def decided(self) -> bool:
        return self.decision != Method.Decision.UNDER_ASSESSMENT


def method_choices() -> list[tuple[int, str]]:
    """The register's methods for a choice field: id and name (not personal data)."""
    return list(Method.objects.order_by("name").values_list("pk", "name"))


def method_decisions(ids: Any) -> dict[int, MethodDecision]:
    """The decisions on the methods with these ids, by id."""
    return {
        m.pk: MethodDecision(m.pk, m.name, m.reference, m.decision, str(m.get_decision_display()), m.decided_on)
        for m in Method.objects.filter(pk__in=[i for i in ids if i])
    }
