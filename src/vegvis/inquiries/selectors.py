"""Every read of the desk, already filtered by the object policies (``inquiries.policies``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils import timezone

from vegvis.access.policies import get_visible_or_404, visible
from vegvis.access.principal import Principal
from vegvis.accounts.models import User
from vegvis.casework.paging import Keyset
from vegvis.casework.worklists import DUE_FIRST, due_first
from vegvis.core.models import Organisation
from vegvis.inquiries.deadlines import LIMITATION_WARNING_MONTHS
from vegvis.inquiries.models import Case, CompensationClaim, Inquiry, RecordRequest, Status

LIST_LIMIT = 50


def desk_organisations(principal: Principal) -> QuerySet[Organisation]:
    """The associations whose inquiries the principal registers."""
    grant = principal.grant("inquiries.handle_case")
    organisations = Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)
    return organisations if grant.everywhere else organisations.filter(pk__in=sorted(grant.organisation_ids))


def desk_users(organisation_id: int, permission: str) -> QuerySet[User]:
    """Active users holding ``permission`` at the association today (for assigning cases)."""
    app_label, codename = permission.split(".", 1)
    today = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            assignments__organisation_id=organisation_id,
            assignments__valid_from__lte=today,
            assignments__role__permissions__content_type__app_label=app_label,
            assignments__role__permissions__codename=codename,
        )
        .filter(Q(assignments__valid_until__isnull=True) | Q(assignments__valid_until__gte=today))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def untriaged(principal: Principal) -> list[Inquiry]:
    rows = visible(principal, Inquiry.objects.filter(triaged_at__isnull=True)).select_related("person")
    return list(rows.order_by("received_at", "id")[:LIST_LIMIT])


@dataclass
class Worklist:
    untriaged: list[Inquiry] = field(default_factory=list)
    overdue: list[Case] = field(default_factory=list)
    this_week: list[Case] = field(default_factory=list)
    limitation: list[CompensationClaim] = field(default_factory=list)
    open_cases: list[Case] = field(default_factory=list)
    overdue_requests: list[RecordRequest] = field(default_factory=list)

    @property
    def cases(self) -> list[Case]:
        return [
            *self.overdue,
            *self.this_week,
            *self.open_cases,
            *(c.case for c in self.limitation),
            *(r.case for r in self.overdue_requests),
        ]

    @property
    def inquiries(self) -> list[Inquiry]:
        return self.untriaged


def _cases(principal: Principal, scope: str) -> QuerySet[Case]:
    cases = visible(principal, Case.objects.exclude(status=Status.CLOSED))
    if scope == "mine" and principal.user is not None:
        cases = cases.filter(Q(case_worker=principal.user) | Q(medical_adviser=principal.user))
    return cases.select_related("inquiry__person", "case_worker")


def worklist(principal: Principal, scope: str) -> Worklist:
    """The desk's worklist: new inquiries not triaged (the whole desk's; an inquiry has nobody yet), cases overdue,
    cases due within a week, claims whose limitation date is within six months, and the other open cases."""
    today = timezone.localdate()
    cases = _cases(principal, scope)
    claims = (
        CompensationClaim.objects.filter(
            case__in=cases,
            sent_on__isnull=True,
        )
        .filter(
            Q(relative_limit__lte=today + relativedelta(months=LIMITATION_WARNING_MONTHS))
            | Q(absolute_limit__lte=today + relativedelta(months=LIMITATION_WARNING_MONTHS))
        )
        .select_related("case__inquiry__person")
        .order_by("relative_limit", "id")
    )
    return Worklist(
        untriaged=untriaged(principal) if principal.has("inquiries.view_case") else [],
        overdue=due_first(cases.filter(due_on__lt=today), after=None, limit=LIST_LIMIT),
        this_week=due_first(
            cases.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7)), after=None, limit=LIST_LIMIT
        ),
        limitation=list(claims[:LIST_LIMIT]),
        overdue_requests=list(
            RecordRequest.objects.filter(case__in=cases, received_on__isnull=True, due_on__lt=today)
            .select_related("case__inquiry__person")
            .order_by("due_on", "id")[:LIST_LIMIT]
        ),
        open_cases=due_first(
            cases.filter(Q(due_on__isnull=True) | Q(due_on__gt=today + timedelta(days=7))),
            after=None,
            limit=LIST_LIMIT,
        ),
    )


def case_for_page(principal: Principal, pk: int) -> Case:
    return get_visible_or_404(
        principal,
        Case.objects.select_related("inquiry__person", "case_worker", "medical_adviser", "organisation"),
        pk=pk,
    )


def attachable_case(principal: Principal, inquiry: Inquiry, pk: int) -> Case:
    """An open case of the inquiry's own association the principal sees; 404 for anything else."""
    return get_visible_or_404(
        principal,
        Case.objects.filter(organisation_id=inquiry.organisation_id)
        .exclude(status=Status.CLOSED)
        .select_related("inquiry"),
        pk=pk,
    )


def inquiry_for_page(principal: Principal, pk: int) -> Inquiry:
    return get_visible_or_404(principal, Inquiry.objects.select_related("person", "organisation"), pk=pk)


def case_file(case: Case) -> dict[str, list]:
    return {
        "powers_of_attorney": list(case.powers_of_attorney.select_related("scan")),
        "record_requests": list(case.record_requests.all()),
        "complaints": list(case.complaints.all()),
        "claims": list(case.claims.all()),
        "documents": list(case.documents.order_by("sequence")),
        "assessments": list(case.assessments.select_related("adviser")),
        "meetings": list(case.meetings.all()),
    }


# ---------------------------------------------------------------- the API's lists (keyset paging, casework.paging)

API_PAGE_SIZE = 50
# Newest inquiry first; the cursor is the last row's (received_at, id).
INQUIRIES_NEWEST: Keyset[Inquiry] = Keyset("received_at", descending=True, kind=datetime)


def inquiries_page(
    principal: Principal, *, untriaged_only: bool, after: str | None, limit: int = API_PAGE_SIZE
) -> tuple[list[Inquiry], str | None]:
    rows = visible(principal, Inquiry.objects.all()).select_related("person", "case", "attached_to")
    if untriaged_only:
        rows = rows.filter(triaged_at__isnull=True)
    return INQUIRIES_NEWEST.page(rows, after=after, limit=limit)


def cases_page(
    principal: Principal, *, scope: str, status: str, kind: str, after: str | None, limit: int = API_PAGE_SIZE
) -> tuple[list[Case], str | None]:
    """The desk's cases as the worklist orders them: earliest due first, nothing due last (closed ones only when
    asked for by status)."""
    rows = visible(principal, Case.objects.all()).select_related("inquiry__person")
    rows = rows.filter(status=status) if status else rows.exclude(status=Status.CLOSED)
    if kind:
        rows = rows.filter(kind=kind)
    if scope == "mine" and principal.user is not None:
        rows = rows.filter(Q(case_worker=principal.user) | Q(medical_adviser=principal.user))
    return DUE_FIRST.page(rows, after=after, limit=limit)


def duplicate_suggestions(
    principal: Principal,
    inquiry: Inquiry,
    *,
    national_id: str = "",
    name: str = "",
    birth_date: date | None = None,
) -> list[Case]:
    """The same person's open cases at the association, to suggest at triage: the person the inquiry is linked
    to, the person with this national id (by its keyed hash: the number is neither stored nor logged here), or a
    registered person with this name and date of birth."""
    from vegvis.core import crypto

    condition = Q()
    if inquiry.person_id:
        condition |= Q(person_id=inquiry.person_id)
    if national_id:
        condition |= Q(person__national_id_hash=crypto.lookup_hash(national_id))
    if name.strip() and birth_date is not None:
        condition |= Q(person__name__iexact=name.strip(), person__birth_date=birth_date)
    if not condition:
        return []
    cases = visible(principal, Case.objects.filter(organisation_id=inquiry.organisation_id))
    return list(
        cases.exclude(status=Status.CLOSED)
        .exclude(inquiry=inquiry)
        .filter(condition)
        .select_related("inquiry__person")
        .order_by("-year", "-serial")[:LIST_LIMIT]
    )


# ---------------------------------------------------------------- the deletion log (retention.py writes it)

# Newest first; the cursor is the last row's (at, id).
DELETIONS_NEWEST: Keyset[Any] = Keyset("at", descending=True, kind=datetime)
RETENTION_JOB = "inquiries.retention"


def deletion_log_organisations(principal: Principal) -> QuerySet[Organisation]:
    """The associations whose deletion log the principal reads: their own (a lead), or all (a system
    administrator, whose grant is everywhere)."""
    grant = principal.grant("inquiries.view_deletion_log")
    associations = Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)
    return associations if grant.everywhere else associations.filter(pk__in=sorted(grant.organisation_ids))


def deletion_log_page(
    principal: Principal, *, organisation: Organisation | None, after: str | None, limit: int = LIST_LIMIT
) -> tuple[list[Any], str | None]:
    """What the desk's retention job deleted or anonymised, newest first, for the associations the principal
    reads (one of them when ``organisation`` is given). Only the log's own columns: it holds no personal data."""
    from vegvis.audit.models import DeletionLog

    organisations = deletion_log_organisations(principal)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    rows = DeletionLog.objects.filter(job=RETENTION_JOB, organisation__in=organisations).select_related("organisation")
    return DELETIONS_NEWEST.page(rows, after=after, limit=limit)
