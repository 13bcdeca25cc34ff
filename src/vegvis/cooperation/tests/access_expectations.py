"""Who gets what from the cooperation register's pages.

The agreements are between the matrix's supplier (its `supplier_user`) and organisation (its
`patient_organisation_user`). The other supplier's and the other organisation's users get 404 for them, exactly as
for an agreement that does not exist; a role without the register's permissions gets 403. The public pages and
downloads are open to all and show no person (`export=True` on the downloads: the privacy scan reads them).
"""

from collections.abc import Mapping
from typing import Any

from vegvis.testing.access_matrix import Actors, Redirect, api_staff_only, everyone, expect, staff_only

TO_AGREEMENT = Redirect("/samarbeid/", prefix=True)
SCOPED = ("supplier_user", "supplier_user_other", "patient_organisation_user", "patient_organisation_user_other")
ANY_ROLE = dict.fromkeys(("cooperation_administrator", *SCOPED), 200)
SEES_IT = {
    "cooperation_administrator": 200,
    "supplier_user": 200,
    "supplier_user_other": 404,
    "patient_organisation_user": 200,
    "patient_organisation_user_other": 404,
}


def _agreement(actors: Actors, state: str = "in_review") -> Any:
    from vegvis.cooperation.tests.support import make_agreement

    for name in SCOPED:  # their organisations first, so the agreement's supplier is the supplier user's company
        actors[name]
    return make_agreement(state)


def an_agreement(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _agreement(actors).pk}


def a_signed_pdf(actors: Actors) -> Mapping[str, Any]:
    from vegvis.access.principal import SYSTEM
    from vegvis.cooperation import services
    from vegvis.cooperation.tests.support import PDF, terms

    for name in SCOPED:
        actors[name]
    agreement = services.agreement_enter(
        actor=SYSTEM, data=terms(), signed_pdf=services.SignedPdf(content=PDF, filename="avtale.pdf")
    )
    return {"pk": agreement.pk, "document_pk": agreement.documents.get().pk}


def a_published_year(actors: Actors) -> Mapping[str, Any]:
    agreement = _agreement(actors, "published_disputed")
    return {"year": agreement.starts_on.year}


def a_download(fmt: str) -> Any:
    def build(actors: Actors) -> Mapping[str, Any]:
        return {**a_published_year(actors), "fmt": fmt}

    return build


expect("cooperation:register", kwargs=lambda actors: (_agreement(actors), {})[1], roles=staff_only(403, **ANY_ROLE))
expect(
    "cooperation:agreement_new",
    roles=staff_only(403, cooperation_administrator=200, supplier_user=200, supplier_user_other=200),
)
expect("cooperation:agreement", kwargs=an_agreement, roles=staff_only(403, **SEES_IT))
expect(
    "cooperation:agreement_correct",
    kwargs=an_agreement,
    roles=staff_only(403, cooperation_administrator=200, supplier_user=200, supplier_user_other=404),
)
expect(
    "cooperation:agreement_confirm",
    method="post",
    kwargs=an_agreement,
    data={"version": "1"},
    roles=staff_only(403, patient_organisation_user=TO_AGREEMENT, patient_organisation_user_other=404),
)
expect(
    "cooperation:agreement_dispute",
    kwargs=an_agreement,
    roles=staff_only(403, patient_organisation_user=200, patient_organisation_user_other=404),
)
expect(
    "cooperation:agreement_dispute",
    method="post",
    kwargs=an_agreement,
    data={"version": "1", "reason": "Beløpet er feil."},
    roles=staff_only(403, patient_organisation_user=TO_AGREEMENT, patient_organisation_user_other=404),
)
expect(
    "cooperation:agreement_publish",
    method="post",
    kwargs=an_agreement,
    data={"version": "1"},
    roles=staff_only(403, cooperation_administrator=TO_AGREEMENT),
)
expect("cooperation:agreement_document", kwargs=a_signed_pdf, roles=staff_only(403, **SEES_IT))

# The public register: open to all, never a person.
expect("cooperation:public", roles=everyone(200))
expect("cooperation:public_year", kwargs=a_published_year, roles=everyone(200))
expect("cooperation:public_download", kwargs=a_download("csv"), roles=everyone(200), export=True)
expect("cooperation:public_download", kwargs=a_download("json"), roles=everyone(200), export=True)


# The import page: anyone who enters agreements; a file waiting for someone else is 404, as one that does not exist.
def someone_elses_upload(actors: Actors) -> Mapping[str, Any]:
    from vegvis.reports import pending
    from vegvis.testing.factories import UserFactory

    other: Any = UserFactory(username="matrix.other_importer", role="cooperation_administrator")
    return {"token": pending.save(user_id=other.pk, name="avtaler.csv", content=b"organisasjon\n")}


ENTERS = {"cooperation_administrator": 200, "supplier_user": 200, "supplier_user_other": 200}
expect("cooperation:import", roles=staff_only(403, **ENTERS))
expect(
    "cooperation:import_preview",
    kwargs=someone_elses_upload,
    roles=staff_only(403, **dict.fromkeys(ENTERS, 404)),
)
expect("cooperation:import_template", roles=staff_only(403, **ENTERS))


# The API: the same rules. The scoped users of the other supplier or organisation get 404 for the agreement; an
# API caller without the permission 403, an anonymous one 401. The public operations are open to all, no person.
def an_agreement_id(actors: Actors) -> Mapping[str, Any]:
    return {"agreement_id": _agreement(actors).pk}


def new_terms(actors: Actors) -> Mapping[str, Any]:
    from vegvis.cooperation.tests.support import organisation, supplier

    for name in SCOPED:
        actors[name]
    return {
        "supplier_id": supplier().pk,
        "organisation_id": organisation().pk,
        "kind": "financial_support",
        "written": True,
        "starts_on": "2026-01-02",
        "amount_nok": "1000.00",
        "purpose": "Kurs",
        "exclusive": False,
        "transparency_clause": True,
        "market_value_stated": True,
    }


API_ANY = {"cooperation_administrator": 200, **dict.fromkeys(SCOPED, 200)}
expect(
    "api-v1:list_cooperation_agreements",
    kwargs=lambda actors: (_agreement(actors), {})[1],
    roles=api_staff_only(403, **API_ANY),
)
expect("api-v1:get_cooperation_agreement", kwargs=an_agreement_id, roles=api_staff_only(403, **SEES_IT))
expect(
    "api-v1:enter_cooperation_agreement",
    method="post",
    data=new_terms,
    content_type="application/json",
    # The other supplier's user may enter agreements, but not for this company: its supplier_id is refused.
    roles=api_staff_only(403, cooperation_administrator=201, supplier_user=201, supplier_user_other=422),
)
expect(
    "api-v1:confirm_cooperation_agreement",
    method="post",
    kwargs=an_agreement_id,
    data={"version": 1},
    content_type="application/json",
    roles=api_staff_only(403, patient_organisation_user=200, patient_organisation_user_other=404),
)
expect(
    "api-v1:dispute_cooperation_agreement",
    method="post",
    kwargs=an_agreement_id,
    data={"version": 1, "reason": "Beløpet er feil."},
    content_type="application/json",
    roles=api_staff_only(403, patient_organisation_user=200, patient_organisation_user_other=404),
)
expect("api-v1:list_cooperation_public_years", roles=everyone(200), export=True)
expect("api-v1:list_cooperation_public_agreements", kwargs=a_published_year, roles=everyone(200), export=True)
expect("api-v1:get_cooperation_public_totals", kwargs=a_published_year, roles=everyone(200), export=True)


# The register's administration: its administrators only (a global role); everyone else 403.
def a_supplier(actors: Actors) -> Mapping[str, Any]:
    from vegvis.cooperation.tests.support import supplier

    for name in SCOPED:
        actors[name]
    return {"pk": supplier().pk}


def an_organisation(actors: Actors) -> Mapping[str, Any]:
    from vegvis.cooperation.tests.support import organisation

    for name in SCOPED:
        actors[name]
    return {"pk": organisation().pk}


def a_position(actors: Actors) -> Mapping[str, Any]:
    from vegvis.cooperation.models import PositionOfTrust, SupplierEmployee
    from vegvis.cooperation.tests.support import organisation, supplier

    for name in SCOPED:
        actors[name]
    employee = SupplierEmployee.objects.create(supplier=supplier(), name="Kari Nordmann")
    position = PositionOfTrust.objects.create(
        employee=employee, organisation=organisation(), role="styremedlem", starts_on="2025-01-01"
    )
    return {"pk": position.pk}


ADMIN_ONLY = staff_only(403, cooperation_administrator=200)
TO_POSITIONS = Redirect("/samarbeid/forvaltning/tillitsverv/")
expect("cooperation:admin_overview", roles=ADMIN_ONLY)
expect("cooperation:admin_supplier", kwargs=a_supplier, roles=ADMIN_ONLY)
expect(
    "cooperation:admin_supplier",
    method="post",
    kwargs=a_supplier,
    data={"rule_sets": ["medtek"]},
    roles=staff_only(403, cooperation_administrator=Redirect("/samarbeid/forvaltning/")),
)
expect("cooperation:admin_organisation", kwargs=an_organisation, roles=ADMIN_ONLY)
expect(
    "cooperation:admin_organisation",
    method="post",
    kwargs=an_organisation,
    data={"action": "budget", "budget-year": "2026", "budget-amount": "412 345,50"},
    roles=staff_only(403, cooperation_administrator=Redirect("/samarbeid/forvaltning/organisasjon/", prefix=True)),
)
expect("cooperation:admin_positions", roles=ADMIN_ONLY)
expect("cooperation:admin_position_new", roles=ADMIN_ONLY)
expect("cooperation:admin_position", kwargs=a_position, roles=ADMIN_ONLY)
expect(
    "cooperation:admin_position_delete",
    method="post",
    kwargs=a_position,
    roles=staff_only(403, cooperation_administrator=TO_POSITIONS),
)


# Correcting, publishing and the signed PDF through the API.
def correction(actors: Actors) -> Mapping[str, Any]:
    return {**new_terms(actors), "version": 1, "amount_nok": "2000.00"}


def a_pdf_upload(actors: Actors) -> Mapping[str, Any]:
    import base64

    from vegvis.cooperation.tests.support import PDF

    return {"filename": "avtale.pdf", "content_base64": base64.b64encode(PDF).decode()}


def a_signed_pdf_id(actors: Actors) -> Mapping[str, Any]:
    found = a_signed_pdf(actors)
    return {"agreement_id": found["pk"], "document_id": found["document_pk"]}


expect(
    "api-v1:correct_cooperation_agreement",
    method="put",
    kwargs=an_agreement_id,
    data=correction,
    content_type="application/json",
    roles=api_staff_only(403, cooperation_administrator=200, supplier_user=200, supplier_user_other=404),
)
expect(
    "api-v1:publish_cooperation_agreement",
    method="post",
    kwargs=lambda actors: {"agreement_id": _agreement(actors, "confirmed").pk},
    data={"version": 2},
    content_type="application/json",
    roles=api_staff_only(403, cooperation_administrator=200),
)
expect("api-v1:list_cooperation_documents", kwargs=an_agreement_id, roles=api_staff_only(403, **SEES_IT))
expect(
    "api-v1:add_cooperation_document",
    method="post",
    kwargs=an_agreement_id,
    data=a_pdf_upload,
    content_type="application/json",
    roles=api_staff_only(403, cooperation_administrator=201, supplier_user=201, supplier_user_other=404),
)
expect("api-v1:get_cooperation_document", kwargs=a_signed_pdf_id, roles=api_staff_only(403, **SEES_IT))
