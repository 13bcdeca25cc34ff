"""Who gets what from the treatment-abroad pages and API.

Cases belong to Oslo universitetssykehus' office (the matrix's case handler and office lead work there); the
other office's case handler gets 404 for them, exactly as for a case that does not exist. The medical adviser
sees only cases with an assessment assigned to them (see ``assigned_assessment``).

Every page and operation that shows a patient says so (``shows_personal_data``): the personal-data walk then
checks that each of those roles finds the read in the audit trail. ``case_load`` gives the matrix's users a
day's work (a case each handler handles, an assessment assigned to the adviser), so every page is walked with
persons it could show.
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

TO_CASE = Redirect("/utland/saker/", prefix=True)
OFFICE_STAFF = {"case_handler": 200, "case_handler_other_office": 200, "office_lead": 200}
OWN_OFFICE = {"case_handler": 200, "case_handler_other_office": 404, "office_lead": 200}
# The roles a list of the office's cases shows a patient to (the other office's handler sees an empty list).
OWN_OFFICE_STAFF = ("case_handler", "office_lead")


def _case(state: str = "received") -> Any:
    from vegvis.abroad.tests.support import make_case

    return make_case(state, home_region="helse-sor-ost")


@register_objects
def case_load(actors: Actors) -> None:
    """A day's work for the matrix's users: a case each handler handles, an assessment assigned to the adviser."""
    from vegvis.abroad.services import cases
    from vegvis.abroad.tests.support import OPERATOR, expert_community, make_case

    for role, region in (("case_handler", "helse-sor-ost"), ("case_handler_other_office", "helse-vest")):
        case = make_case(home_region=region)
        cases.case_update(actor=OPERATOR, case=case, version=case.version, handler=actors[role])
    assessed = make_case(home_region="helse-sor-ost")
    cases.case_request_assessment(
        actor=OPERATOR,
        case=assessed,
        version=assessed.version,
        expert_community=expert_community(),
        question="Adekvat tilbud i Norge?",
        adviser=actors["medical_adviser"],
    )


def a_listed_case(actors: Actors) -> Mapping[str, Any]:
    """A page without URL arguments that lists the office's cases: one to list."""
    _case()
    return {}


def a_search_for_a_case(actors: Actors) -> Mapping[str, Any]:
    return {"q": _case().number}


def an_assigned_assessment_to_list(actors: Actors) -> Mapping[str, Any]:
    assigned_assessment(actors)
    return {}


def a_case(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _case().pk}


def a_case_id(actors: Actors) -> Mapping[str, Any]:
    return {"case_id": _case().pk}


def a_follow_up_case(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _case("follow_up").pk, "what": "booking"}


def a_case_step(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _case().pk, "event": "request_info"}


def an_invoice(actors: Actors) -> Mapping[str, Any]:
    from decimal import Decimal

    from django.utils import timezone

    from vegvis.abroad.services import followup
    from vegvis.abroad.tests.support import OPERATOR

    case = _case("follow_up")
    expense = followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=None,
        kind="travel_claim",
        category="travel",
        amount=Decimal("1200"),
        currency="NOK",
        invoice_date=timezone.localdate(),
    )
    return {"pk": case.pk, "expense_pk": expense.pk}


def a_stay_note(actors: Actors) -> Mapping[str, Any]:
    from vegvis.abroad.services import followup
    from vegvis.abroad.tests.support import OPERATOR

    case = _case("follow_up")
    note = followup.stay_note_add(actor=OPERATOR, case=case, version=None, text="Forsinket fly", follow_up_on=None)
    return {"pk": case.pk, "note_pk": note.pk}


def a_letter(actors: Actors) -> Mapping[str, Any]:
    from vegvis.abroad.models import Document

    case = _case("rejected")
    return {"pk": case.pk, "document_pk": case.documents.get(kind=Document.Kind.DECISION).pk}


def assigned_assessment(actors: Actors) -> Mapping[str, Any]:
    from vegvis.abroad.services import cases
    from vegvis.abroad.tests.support import OPERATOR, expert_community

    case = _case()
    cases.case_request_assessment(
        actor=OPERATOR,
        case=case,
        version=case.version,
        expert_community=expert_community(),
        question="Adekvat tilbud i Norge?",
        adviser=actors["medical_adviser"],
    )
    return {"pk": case.assessments.get().pk}


def a_method(actors: Actors) -> Mapping[str, Any]:
    from vegvis.abroad.models import Method

    return {"pk": Method.objects.order_by("pk").first().pk}  # type: ignore[union-attr]


def a_letter_template(actors: Actors) -> Mapping[str, Any]:
    from vegvis.abroad.models import LetterTemplate

    return {"pk": LetterTemplate.objects.get(kind="rejected", language="nb").pk}


def an_application(actors: Actors) -> Mapping[str, Any]:
    from django.utils import timezone

    from vegvis.testing.factories import synthetic_id

    return {
        "national_id": synthetic_id(),
        "patient_name": "Ola Matrise",
        "home_region": "helse-sor-ost",
        "route": "treatment_abroad",
        "received_date": timezone.localdate().isoformat(),
        "diagnosis_icd10": "G40.2",
    }


def a_step(actors: Actors) -> Mapping[str, Any]:
    return {"event": "request_info", "version": 1, "data": {"recipient": "Lege", "text": "Epikrise mangler"}}


def a_reassignment(actors: Actors) -> Mapping[str, Any]:
    """Hand a fresh case (version 1) to the matrix's office lead, an active case handler at its office."""
    lead: Any = actors["office_lead"]
    return {"version": 1, "handler": lead.pk}


def a_page_reassignment(actors: Actors) -> Mapping[str, Any]:
    lead: Any = actors["office_lead"]
    return {"version": "1", "handler": str(lead.pk)}


def a_correction(actors: Actors) -> Mapping[str, Any]:
    return {"version": 1, "diagnosis_icd10": "G40.3"}


# Pages of the office's case work.
expect(
    "abroad:worklist",
    kwargs=a_listed_case,
    roles=staff_only(403, **OFFICE_STAFF),
    shows_personal_data=OWN_OFFICE_STAFF,
)
expect("abroad:search", roles=staff_only(403, **OFFICE_STAFF))
expect(
    "abroad:search",
    method="post",
    data=a_search_for_a_case,
    roles=staff_only(403, **OFFICE_STAFF),
    shows_personal_data=OWN_OFFICE_STAFF,
)
expect("abroad:case_new", roles=staff_only(403, **OFFICE_STAFF))
expect(
    "abroad:case",
    kwargs=a_case,
    roles=staff_only(403, **OWN_OFFICE, medical_adviser=404),
    shows_personal_data=True,
)
expect(
    "abroad:case_action",
    kwargs=a_case_step,
    roles=staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect(
    "abroad:case_follow_up",
    kwargs=a_follow_up_case,
    roles=staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect(
    "abroad:expense_settle",
    method="post",
    kwargs=an_invoice,
    data={"settled_on": "2026-11-20", "confirm": "on"},
    roles=staff_only(403, case_handler=TO_CASE, case_handler_other_office=404, office_lead=TO_CASE),
)
expect(
    "abroad:expense_settle",
    kwargs=an_invoice,
    roles=staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect(
    "abroad:expense_attest",
    method="post",
    kwargs=an_invoice,
    roles=staff_only(403, case_handler=TO_CASE, case_handler_other_office=404, office_lead=TO_CASE),
)
expect(
    "abroad:expense_correct",
    kwargs=an_invoice,
    roles=staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect(
    "abroad:stay_note_resolve",
    method="post",
    kwargs=a_stay_note,
    roles=staff_only(403, case_handler=TO_CASE, case_handler_other_office=404, office_lead=TO_CASE),
)
expect(
    "abroad:document_file",
    kwargs=a_letter,
    roles=staff_only(403, **OWN_OFFICE, medical_adviser=404),
    shows_personal_data=True,
)
expect("abroad:emergency_access", roles=staff_only(403, **OFFICE_STAFF))

# Reassigning a case and correcting its data (issue 11): the office's case handlers and its lead.
expect("abroad:case_reassign", kwargs=a_case, roles=staff_only(403, **OWN_OFFICE), shows_personal_data=True)
expect(
    "abroad:case_reassign",
    method="post",
    kwargs=a_case,
    data=a_page_reassignment,
    roles=staff_only(403, case_handler=TO_CASE, case_handler_other_office=404, office_lead=TO_CASE),
)
expect("abroad:case_correct", kwargs=a_case, roles=staff_only(403, **OWN_OFFICE), shows_personal_data=True)
expect(
    "abroad:case_correct",
    method="post",
    kwargs=a_case,
    data={"version": "1", "route": "treatment_abroad", "diagnosis_icd10": "G40.3"},
    roles=staff_only(403, case_handler=TO_CASE, case_handler_other_office=404, office_lead=TO_CASE),
)

# The medical adviser's own assessments.
expect(
    "abroad:adviser_assessments",
    kwargs=an_assigned_assessment_to_list,
    roles=staff_only(403, medical_adviser=200),
    shows_personal_data=True,
)
expect(
    "abroad:assessment_answer",
    kwargs=assigned_assessment,
    roles=staff_only(403, medical_adviser=200),
    shows_personal_data=True,
)

# Registers: everyone at an office reads the Nye metoder register; office leads edit it and the letters.
expect("abroad:methods", roles=staff_only(403, **OFFICE_STAFF))
expect("abroad:method_new", roles=staff_only(403, office_lead=200))
expect("abroad:method_edit", kwargs=a_method, roles=staff_only(403, office_lead=200))
expect("abroad:letter_templates", roles=staff_only(403, office_lead=200))
expect("abroad:letter_template_edit", kwargs=a_letter_template, roles=staff_only(403, office_lead=200))
expect("abroad:exchange_rates", roles=staff_only(403, office_lead=200))

# The public journal: open to all, never a person (the privacy scan checks every public page).
expect("abroad:public_journal", roles=everyone(200))

# The API.
expect(
    "api-v1:list_cases",
    kwargs=a_listed_case,
    roles=api_staff_only(403, **OFFICE_STAFF),
    shows_personal_data=OWN_OFFICE_STAFF,
)
expect(
    "api-v1:create_case",
    method="post",
    data=an_application,
    content_type="application/json",
    # Bergen's case handler registers a patient from Helse Sør-Øst at Bergen (issue 11: not a 403).
    roles=api_staff_only(403, case_handler=201, office_lead=201, case_handler_other_office=201),
    shows_personal_data=True,
)
expect(
    "api-v1:get_case",
    kwargs=a_case_id,
    roles=api_staff_only(403, **OWN_OFFICE, medical_adviser=404),
    shows_personal_data=True,
)
expect(
    "api-v1:transition",
    method="post",
    kwargs=a_case_id,
    data=a_step,
    content_type="application/json",
    roles=api_staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect(
    "api-v1:reassign_case",
    method="post",
    kwargs=a_case_id,
    data=a_reassignment,
    content_type="application/json",
    roles=api_staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect(
    "api-v1:correct_case",
    method="post",
    kwargs=a_case_id,
    data=a_correction,
    content_type="application/json",
    roles=api_staff_only(403, **OWN_OFFICE),
    shows_personal_data=True,
)
expect("api-v1:routes", roles=api_staff_only(403, **OFFICE_STAFF))
expect("api-v1:due_reasons", roles=api_staff_only(403, **OFFICE_STAFF))


# Emergency access to a case, reviewed on the audit pages: the office lead of the case's office and the privacy
# officer review it.


def an_emergency_grant(actors: Actors) -> Mapping[str, Any]:
    """The other office's case handler has opened an Oslo case with emergency access."""
    from vegvis.abroad.tests.support import make_case
    from vegvis.access.policies import open_emergency_access
    from vegvis.access.principal import principal_for

    case = make_case(home_region="helse-sor-ost")
    grant = open_emergency_access(
        principal=principal_for(actors["case_handler_other_office"]), obj=case, reason="Pasienten er innlagt akutt."
    )
    return {"pk": grant.pk}


def a_pending_grant(actors: Actors) -> Mapping[str, Any]:
    an_emergency_grant(actors)
    return {}


REVIEWERS = {"office_lead": 200, "privacy_officer": 200}
expect("audit:emergency_reviews", kwargs=a_pending_grant, roles=staff_only(403, **REVIEWERS))
# Marking a grant reviewed: the Oslo office lead (the case's office) and the privacy officer. The grant's own user,
# the other office's case handler, holds no review permission.
expect(
    "audit:emergency_review",
    method="post",
    kwargs=an_emergency_grant,
    data={"outcome": "reviewed"},
    roles=staff_only(
        403,
        office_lead=Redirect("audit:emergency_reviews"),
        privacy_officer=Redirect("audit:emergency_reviews"),
    ),
)
