"""Who gets what from the inquiry desk's pages.

Inquiries and cases belong to «Pasientforeningen», where the matrix's desk case worker, lead and medical adviser
work; the case worker of another association gets 404 for them, exactly as for one that does not exist. The
medical adviser sees only cases assigned to them. Treatment abroad's roles, the network analyst and the shared
roles hold no permission of the desk: 403 everywhere (and the desk's roles get 403 on treatment abroad's pages,
which abroad's expectations say with their ``staff_only(403, …)``).
"""

from collections.abc import Mapping
from typing import Any

from vegvis.testing.access_matrix import (
    Actors,
    Redirect,
    api_staff_only,
    everyone,
    expect,
    register_objects,
    staff_only,
)

DESK = {"association_case_worker": 200, "association_lead": 200}
ALL_DESK = {**DESK, "association_case_worker_other": 200, "association_medical_adviser": 200}
OWN = {**DESK, "association_case_worker_other": 404}
OWN_SHOWN = ("association_case_worker", "association_lead")


def _case(actors: Actors, state: str = "open") -> Any:
    from vegvis.inquiries.tests.support import make_case

    return make_case(state, medical_adviser=actors["association_medical_adviser"])


@register_objects
def desk_load(actors: Actors) -> None:
    """A day's work at the desk: an inquiry to triage, a case the case worker has, one assigned to the adviser."""
    from vegvis.inquiries.tests.support import make_case, make_inquiry

    make_inquiry(channel="email")
    make_case(case_worker=actors["association_case_worker"])
    make_case("at_npe", medical_adviser=actors["association_medical_adviser"])


def an_inquiry(actors: Actors) -> Mapping[str, Any]:
    from vegvis.inquiries.tests.support import make_inquiry

    return {"pk": make_inquiry().pk}


def a_listed_inquiry(actors: Actors) -> Mapping[str, Any]:
    an_inquiry(actors)
    return {}


def a_listed_case(actors: Actors) -> Mapping[str, Any]:
    _case(actors)
    return {}


def a_case(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _case(actors).pk}


def a_case_step(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _case(actors).pk, "event": "request_records"}


def a_scan(actors: Actors) -> Mapping[str, Any]:
    case = _case(actors)
    return {"pk": case.pk, "document_pk": case.powers_of_attorney.get().scan_id}


def an_association(actors: Actors) -> Mapping[str, Any]:
    from vegvis.inquiries.tests.support import association

    return {"organisation": association().pk}


expect("inquiries:worklist", kwargs=a_listed_inquiry, roles=staff_only(403, **ALL_DESK), shows_personal_data=OWN_SHOWN)
expect("inquiries:inquiry_new", roles=staff_only(403, **DESK, association_case_worker_other=200))
expect(
    "inquiries:inquiry",
    kwargs=an_inquiry,
    roles=staff_only(403, **OWN),
    shows_personal_data=True,
)
expect(
    "inquiries:case",
    kwargs=a_case,
    roles=staff_only(403, **OWN, association_medical_adviser=200),
    shows_personal_data=True,
)
expect("inquiries:case_assign", kwargs=a_case, roles=staff_only(403, **OWN), shows_personal_data=True)
expect("inquiries:case_action", kwargs=a_case_step, roles=staff_only(403, **OWN), shows_personal_data=True)
expect("inquiries:document_file", kwargs=a_scan, roles=staff_only(403, **OWN, association_medical_adviser=200))

# The public web form and its receipt: open to all, never a person.
expect("inquiries:public_form", kwargs=an_association, roles=everyone(200))
expect("inquiries:public_receipt", kwargs=an_association, roles=everyone(200))


# ---------------------------------------------------------------- letters (letters.py, views_letters.py)


def a_letter_step(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _case(actors).pk, "event": "send_power_of_attorney_form"}


def _sent_letter(case: Any) -> Mapping[str, Any]:
    from vegvis.access.principal import SYSTEM
    from vegvis.inquiries.services import cases

    cases.records_request(
        actor=SYSTEM, case=case, version=case.version, provider="Helse Bergen", sent_on=case.created_at.date()
    )
    return {"pk": case.pk, "document_pk": case.documents.get(kind="record_request").pk}


def a_sent_letter(actors: Actors) -> Mapping[str, Any]:
    return _sent_letter(_case(actors))


def a_sent_letter_not_assigned(actors: Actors) -> Mapping[str, Any]:
    from vegvis.inquiries.tests.support import make_case

    return _sent_letter(make_case())


def a_letter_template(actors: Actors) -> Mapping[str, Any]:
    from vegvis.inquiries.tests.support import association

    return {"organisation": association().pk, "kind": "record_request", "language": "nn"}


expect("inquiries:case_action", kwargs=a_letter_step, roles=staff_only(403, **OWN), shows_personal_data=True)
# A sealed letter: the desk and the adviser the case is assigned to; an adviser not assigned gets 404 like another
# association; treatment abroad's roles 403.
expect("inquiries:document_file", kwargs=a_sent_letter, roles=staff_only(403, **OWN, association_medical_adviser=200))
expect(
    "inquiries:document_file",
    kwargs=a_sent_letter_not_assigned,
    roles=staff_only(403, **OWN, association_medical_adviser=404),
)
# The letter templates: the association's lead only (another association's templates are 404 for its lead).
expect("inquiries:letter_templates", roles=staff_only(403, association_lead=200))
expect("inquiries:letter_template_edit", kwargs=a_letter_template, roles=staff_only(403, association_lead=200))


# The API: the same people as the pages; treatment abroad's roles get 403, another association's worker 404.
def a_case_id(actors: Actors) -> Mapping[str, Any]:
    return {"case_id": _case(actors).pk}


def an_inquiry_id(actors: Actors) -> Mapping[str, Any]:
    from vegvis.inquiries.tests.support import make_inquiry

    return {"inquiry_id": make_inquiry().pk}


def a_records_request(actors: Actors) -> Mapping[str, Any]:
    from django.utils import timezone

    return {
        "event": "request_records",
        "version": 3,  # triaged, assigned to the adviser, the power of attorney registered
        "data": {"provider": "Legesenteret", "sent_on": timezone.localdate().strftime("%d.%m.%Y")},
    }


API_DESK = {"association_case_worker": 200, "association_lead": 200}
expect(
    "api-v1:list_inquiries",
    kwargs=a_listed_inquiry,
    roles=api_staff_only(403, **API_DESK, association_case_worker_other=200),
    shows_personal_data=OWN_SHOWN,
)
expect(
    "api-v1:get_inquiry",
    kwargs=an_inquiry_id,
    roles=api_staff_only(403, **API_DESK, association_case_worker_other=404),
    shows_personal_data=True,
)
expect(
    "api-v1:list_inquiry_cases",
    kwargs=a_listed_case,
    roles=api_staff_only(403, **API_DESK, association_case_worker_other=200, association_medical_adviser=200),
    shows_personal_data=OWN_SHOWN,
)
expect(
    "api-v1:get_inquiry_case",
    kwargs=a_case_id,
    roles=api_staff_only(403, **API_DESK, association_case_worker_other=404, association_medical_adviser=200),
    shows_personal_data=True,
)
expect(
    "api-v1:inquiry_case_transition",
    method="post",
    kwargs=a_case_id,
    data=a_records_request,
    content_type="application/json",
    # The assigned medical adviser reads the case but takes none of the case worker's steps.
    roles=api_staff_only(403, **API_DESK, association_case_worker_other=404, association_medical_adviser=403),
    shows_personal_data=True,
)


# Statistics for the yearly account: the association's case workers and lead, each for their own association
# (the other association's case worker gets their own, empty, figures: 200); not the medical adviser, who sees
# only assigned cases; no other role. Aggregates only, never an identity.
STATS = Redirect("/henvendelser/statistikk/", prefix=True)
STATS_STAFF = {**DESK, "association_case_worker_other": 200}


def a_year(actors: Actors) -> Mapping[str, Any]:
    desk_load(actors)
    return {"year": 2025}


def a_chart(actors: Actors) -> Mapping[str, Any]:
    return {**a_year(actors), "name": "outcome"}


def a_download(kind: str) -> Any:
    def build(actors: Actors) -> Mapping[str, Any]:
        return {**a_year(actors), "kind": kind}

    return build


expect(
    "inquiries:statistics_index",
    roles=staff_only(403, association_case_worker=STATS, association_lead=STATS, association_case_worker_other=STATS),
)
expect("inquiries:statistics", kwargs=a_year, roles=staff_only(403, **STATS_STAFF), export=True)
expect("inquiries:statistics_figure", kwargs=a_chart, roles=staff_only(403, **STATS_STAFF), export=True)
for _kind in ("pdf", "xlsx", "json"):
    expect("inquiries:statistics_download", kwargs=a_download(_kind), roles=staff_only(403, **STATS_STAFF), export=True)


# The deletion log of the retention job: the association's lead and the system administrator (who sets the
# retention times); it holds case numbers, dates and rules, never an identity. Nobody else.
def a_deletion_log(actors: Actors) -> Mapping[str, Any]:
    from datetime import date

    from django.utils import timezone

    from vegvis.audit.models import DeletionLog
    from vegvis.inquiries.tests.support import association

    DeletionLog.objects.create(
        at=timezone.now(),
        job="inquiries.retention",
        actor_username="system:retention",
        object_type="inquiries.case",
        object_id="1",
        reference="2015/0001",
        rule="Oppbevaringstid for avsluttede informasjonssaker (slettes): 3 år",
        counts={"documents": 2},
        organisation=association(),
        counted_from=date(2021, 3, 1),
    )
    return {}


expect(
    "inquiries:deletion_log",
    kwargs=a_deletion_log,
    roles=staff_only(403, association_lead=200, system_administrator=200),
    export=True,
)
