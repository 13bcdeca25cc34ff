"""Who gets what from early access's pages.

The treatments are at the matrix's hospital (Helse Sør-Øst): its clinician sees them; the clinician of the hospital
in Helse Vest gets 404 for them, exactly as for a treatment that does not exist; no other role sees a patient
(403). The pharmacy and the national administrator keep programmes and agreements; the regional staff and the
national administrator see the overview, which is aggregates only (`export=True`: the privacy scan reads it), and
the other region's staff get 404 for Helse Sør-Øst's downloads.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from vegvis.testing.access_matrix import Actors, Redirect, api_staff_only, everyone, expect, staff_only

CLINICIANS = ("earlyaccess_clinician", "earlyaccess_clinician_other")
ALL = (
    *CLINICIANS,
    "earlyaccess_pharmacy",
    "earlyaccess_regional",
    "earlyaccess_regional_other",
    "earlyaccess_national",
)
KEEPERS = {"earlyaccess_pharmacy": 200, "earlyaccess_national": 200}
OWN_HOSPITAL = {"earlyaccess_clinician": 200, "earlyaccess_clinician_other": 404}


def _actors(actors: Actors) -> None:
    from vegvis.earlyaccess.tests.support import organisations

    organisations()
    for name in ALL:
        actors[name]


def a_programme(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.tests.support import programme

    _actors(actors)
    return {"pk": programme().pk}


def an_exemption_programme(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.models import AgreementKind, Basis
    from vegvis.earlyaccess.tests.support import programme

    _actors(actors)
    return {"pk": programme(AgreementKind.STANDARD, basis=Basis.EXEMPTION).pk}


def a_treatment(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.tests.support import start

    _actors(actors)
    return {"pk": start().pk}


def an_experimental(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.tests.support import experimental

    _actors(actors)
    return {"pk": experimental().pk}


def nothing_but_a_treatment(actors: Actors) -> Mapping[str, Any]:
    a_treatment(actors)
    an_experimental(actors)
    return {}


def an_overview_download(actors: Actors) -> Mapping[str, Any]:
    nothing_but_a_treatment(actors)
    return {"code": "helse-sor-ost", "year": timezone.localdate().year, "fmt": "xlsx"}


expect("earlyaccess:public", kwargs=lambda actors: (a_programme(actors), {})[1], roles=everyone(200), export=True)
expect(
    "earlyaccess:programmes",
    kwargs=lambda actors: (a_programme(actors), {})[1],
    roles=staff_only(403, **dict.fromkeys(ALL, 200)),
)
expect("earlyaccess:programme_new", roles=staff_only(403, **KEEPERS))
expect("earlyaccess:programme", kwargs=a_programme, roles=staff_only(403, **dict.fromkeys(ALL, 200)))
expect("earlyaccess:programme_edit", kwargs=a_programme, roles=staff_only(403, **KEEPERS))
expect("earlyaccess:agreement_new", kwargs=a_programme, roles=staff_only(403, **KEEPERS))
expect("earlyaccess:exemption_new", kwargs=an_exemption_programme, roles=staff_only(403, **KEEPERS))

expect(
    "earlyaccess:worklist",
    kwargs=lambda actors: (a_treatment(actors), {})[1],
    roles=staff_only(403, **dict.fromkeys(CLINICIANS, 200)),
    shows_personal_data=("earlyaccess_clinician",),
)
expect("earlyaccess:treatment_start", roles=staff_only(403, **dict.fromkeys(CLINICIANS, 200)))
expect("earlyaccess:treatment", kwargs=a_treatment, roles=staff_only(403, **OWN_HOSPITAL), shows_personal_data=True)
expect("earlyaccess:treatment_stop", kwargs=a_treatment, roles=staff_only(403, **OWN_HOSPITAL))
expect(
    "earlyaccess:experimental_list",
    kwargs=lambda actors: (an_experimental(actors), {})[1],
    roles=staff_only(403, **dict.fromkeys(CLINICIANS, 200)),
    shows_personal_data=("earlyaccess_clinician",),
)
expect("earlyaccess:experimental_new", roles=staff_only(403, **dict.fromkeys(CLINICIANS, 200)))
expect(
    "earlyaccess:experimental", kwargs=an_experimental, roles=staff_only(403, **OWN_HOSPITAL), shows_personal_data=True
)
expect("earlyaccess:experimental_end", kwargs=an_experimental, roles=staff_only(403, **OWN_HOSPITAL))
expect("earlyaccess:adverse_event_new", kwargs=an_experimental, roles=staff_only(403, **OWN_HOSPITAL))
expect("earlyaccess:evaluation_new", kwargs=an_experimental, roles=staff_only(403, **OWN_HOSPITAL))
expect("earlyaccess:cost_new", kwargs=an_experimental, roles=staff_only(403, **OWN_HOSPITAL))

OVERVIEW = {"earlyaccess_regional": 200, "earlyaccess_regional_other": 200, "earlyaccess_national": 200}
expect("earlyaccess:overview", kwargs=nothing_but_a_treatment, roles=staff_only(403, **OVERVIEW), export=True)
expect(
    "earlyaccess:overview_download",
    kwargs=an_overview_download,
    roles=staff_only(403, **{**OVERVIEW, "earlyaccess_regional_other": 404}),
    export=True,
)


# ---------------------------------------------------------------- the forms, submitted (the attack pass)
# Each role submits a valid form; the builders make a fresh object per request. Only the keepers' and the own
# hospital's clinician's submissions are saved (a redirect to the new or changed page); the other hospital's
# clinician gets 404 for the treatment, or its own form back when naming a hospital that is not theirs.

TODAY = "%d.%m.%Y"


def _today() -> str:
    return timezone.localdate().strftime(TODAY)


def a_programme_without_agreements(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.tests.support import programme

    _actors(actors)
    return {"pk": programme(regions=()).pk}


def programme_form(actors: Actors) -> Mapping[str, Any]:
    from vegvis.core.models import Organisation
    from vegvis.earlyaccess.tests.support import SUPPLIER, hospital
    from vegvis.testing.factories import named_organisation

    _actors(actors)
    return {
        "drug_name": "Nyttmab", "active_substance": "nyttmab", "atc_code": "L01FX",
        "supplier": named_organisation(SUPPLIER, Organisation.Kind.SUPPLIER).pk,
        "indication": "Sjelden lymfomtype", "basis": "programme", "agreement_kind": "short_duration",
        "cost_terms": "Vederlagsfritt.", "owner": hospital().pk,
    }  # fmt: skip


def agreement_form(actors: Actors) -> Mapping[str, Any]:
    from vegvis.testing.factories import region

    return {"region": region("helse-sor-ost").pk, "signed_on": _today(), "reference": "SA-2026-1"}


def start_form(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.tests.support import hospital, programme
    from vegvis.testing.factories import region, synthetic_id

    _actors(actors)
    return {
        "name": "Ola Testesen", "national_id": synthetic_id(), "home_region": region().pk,
        "programme": programme().pk, "hospital": hospital().pk, "consultant": "Overlege Kari", "started_on": _today(),
    }  # fmt: skip


def experimental_form(actors: Actors) -> Mapping[str, Any]:
    from dataclasses import asdict

    from vegvis.earlyaccess.tests.support import hospital, plan
    from vegvis.testing.factories import region, synthetic_id

    _actors(actors)
    values = {k: (v.strftime(TODAY) if hasattr(v, "strftime") else v) for k, v in asdict(plan()).items()}
    return {**values, "name": "Kari Testesen", "national_id": synthetic_id(), "home_region": region().pk,
            "hospital": hospital().pk}  # fmt: skip


KEEPER_SAVES = {"earlyaccess_pharmacy": Redirect("/tidlig-tilgang/programmer/", prefix=True)}
KEEPER_SAVES["earlyaccess_national"] = KEEPER_SAVES["earlyaccess_pharmacy"]
expect("earlyaccess:programme_new", method="post", data=programme_form, roles=staff_only(403, **KEEPER_SAVES))
expect(
    "earlyaccess:agreement_new",
    method="post",
    kwargs=a_programme_without_agreements,
    data=agreement_form,
    roles=staff_only(403, **KEEPER_SAVES),
)
expect(
    "earlyaccess:exemption_new",
    method="post",
    kwargs=an_exemption_programme,
    data=lambda actors: {"granted_on": _today(), "valid_until": _today(), "reference": "FR-1"},
    roles=staff_only(403, **KEEPER_SAVES),
)
expect(
    "earlyaccess:treatment_start",
    method="post",
    data=start_form,
    roles=staff_only(
        403,
        earlyaccess_clinician=Redirect("/tidlig-tilgang/pasienter/", prefix=True),
        earlyaccess_clinician_other=200,  # the Oslo hospital is not one of theirs: the form comes back
    ),
)
expect(
    "earlyaccess:treatment_stop",
    method="post",
    kwargs=a_treatment,
    data=lambda actors: {"version": "1", "stopped_on": _today(), "reason": "completed"},
    roles=staff_only(
        403,
        earlyaccess_clinician=Redirect("/tidlig-tilgang/pasienter/", prefix=True),
        earlyaccess_clinician_other=404,
    ),
)
expect(
    "earlyaccess:experimental_new",
    method="post",
    data=experimental_form,
    roles=staff_only(
        403,
        earlyaccess_clinician=Redirect("/tidlig-tilgang/utprovende/", prefix=True),
        earlyaccess_clinician_other=200,
    ),
)
TO_EXPERIMENTAL = Redirect("/tidlig-tilgang/utprovende/", prefix=True)
expect(
    "earlyaccess:experimental_end",
    method="post",
    kwargs=an_experimental,
    data=lambda actors: {"version": "1", "ended_on": _today(), "reason": "planned", "note": ""},
    roles=staff_only(403, earlyaccess_clinician=TO_EXPERIMENTAL, earlyaccess_clinician_other=404),
)
for name, form in (
    (
        "adverse_event_new",
        {"occurred_on": "", "seriousness": "serious", "description": "Utslett", "outcome": "recovered"},
    ),
    ("evaluation_new", {"evaluated_on": "", "benefit": "some", "risk": "acceptable", "assessment": "Stabil"}),
    ("cost_new", {"incurred_on": "", "description": "Infusjon", "amount": "412 345,50", "payer": "hospital"}),
):
    expect(
        f"earlyaccess:{name}",
        method="post",
        kwargs=an_experimental,
        data=lambda actors, form=form: {k: (v or _today()) for k, v in form.items()},
        roles=staff_only(403, earlyaccess_clinician=TO_EXPERIMENTAL, earlyaccess_clinician_other=404),
    )


# ---------------------------------------------------------------- the API: the same rules
# The other hospital's clinician gets 404 for a patient, as one that does not exist, and 422 for a body naming a
# hospital that is not theirs; a role without the operation's permission (regional staff and the pharmacy on a
# patient, the clinicians on a programme's keeping) 403; an anonymous caller 401. Every POST body is made anew per
# request.


def _iso() -> str:
    return timezone.localdate().isoformat()


def a_programme_id(actors: Actors) -> Mapping[str, Any]:
    return {"programme_id": a_programme(actors)["pk"]}


def a_treatment_id(actors: Actors) -> Mapping[str, Any]:
    return {"treatment_id": a_treatment(actors)["pk"]}


def an_experimental_id(actors: Actors) -> Mapping[str, Any]:
    return {"treatment_id": an_experimental(actors)["pk"]}


def programme_body(actors: Actors) -> Mapping[str, Any]:
    form = programme_form(actors)
    return {**{k: v for k, v in form.items() if k not in ("supplier", "owner")},
            "supplier_id": form["supplier"], "owner_id": form["owner"]}  # fmt: skip


def start_body(actors: Actors) -> Mapping[str, Any]:
    from vegvis.earlyaccess.tests.support import hospital, programme
    from vegvis.testing.factories import synthetic_id

    _actors(actors)
    return {
        "name": "Ola Testesen", "national_id": synthetic_id(), "home_region": "helse-sor-ost",
        "programme_id": programme().pk, "hospital_id": hospital().pk, "consultant": "Overlege Kari",
        "started_on": _iso(),
    }  # fmt: skip


def experimental_body(actors: Actors) -> Mapping[str, Any]:
    from dataclasses import asdict

    from vegvis.earlyaccess.tests.support import hospital, plan
    from vegvis.testing.factories import synthetic_id

    _actors(actors)
    values = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(plan()).items()}
    return {**values, "name": "Kari Testesen", "national_id": synthetic_id(), "home_region": "helse-sor-ost",
            "hospital_id": hospital().pk}  # fmt: skip


API_ALL = dict.fromkeys(ALL, 200)
API_KEEPERS = {"earlyaccess_pharmacy": 201, "earlyaccess_national": 201}
API_OWN_HOSPITAL = {"earlyaccess_clinician": 200, "earlyaccess_clinician_other": 404}
API_OWN_HOSPITAL_MADE = {"earlyaccess_clinician": 201, "earlyaccess_clinician_other": 404}
API_OWN_HOSPITAL_ONLY = {"earlyaccess_clinician": 201, "earlyaccess_clinician_other": 422}  # names the Oslo hospital

expect(
    "api-v1:list_earlyaccess_programmes",
    kwargs=lambda actors: (a_programme(actors), {})[1],
    roles=api_staff_only(403, **API_ALL),
)
expect("api-v1:get_earlyaccess_programme", kwargs=a_programme_id, roles=api_staff_only(403, **API_ALL))
expect(
    "api-v1:register_earlyaccess_programme",
    method="post",
    data=programme_body,
    content_type="application/json",
    roles=api_staff_only(403, **API_KEEPERS),
)
expect(
    "api-v1:register_earlyaccess_agreement",
    method="post",
    kwargs=lambda actors: {"programme_id": a_programme_without_agreements(actors)["pk"]},
    data=lambda actors: {"region": "helse-sor-ost", "signed_on": _iso(), "reference": "SA-2026-1"},
    content_type="application/json",
    roles=api_staff_only(403, **API_KEEPERS),
)
expect(
    "api-v1:register_earlyaccess_exemption",
    method="post",
    kwargs=lambda actors: {"programme_id": an_exemption_programme(actors)["pk"]},
    data=lambda actors: {"granted_on": _iso(), "valid_until": _iso(), "reference": "FR-1"},
    content_type="application/json",
    roles=api_staff_only(403, **API_KEEPERS),
)

expect(
    "api-v1:list_earlyaccess_treatments",
    kwargs=lambda actors: (a_treatment(actors), {})[1],
    roles=api_staff_only(403, **dict.fromkeys(CLINICIANS, 200)),
    shows_personal_data=("earlyaccess_clinician",),
)
expect(
    "api-v1:get_earlyaccess_treatment",
    kwargs=a_treatment_id,
    roles=api_staff_only(403, **API_OWN_HOSPITAL),
    shows_personal_data=True,
)
expect(
    "api-v1:start_earlyaccess_treatment",
    method="post",
    data=start_body,
    content_type="application/json",
    roles=api_staff_only(403, **API_OWN_HOSPITAL_ONLY),
)
expect(
    "api-v1:stop_earlyaccess_treatment",
    method="post",
    kwargs=a_treatment_id,
    data=lambda actors: {"version": 1, "stopped_on": _iso(), "reason": "completed"},
    content_type="application/json",
    roles=api_staff_only(403, **API_OWN_HOSPITAL),
)

expect(
    "api-v1:list_earlyaccess_experimental",
    kwargs=lambda actors: (an_experimental(actors), {})[1],
    roles=api_staff_only(403, **dict.fromkeys(CLINICIANS, 200)),
    shows_personal_data=("earlyaccess_clinician",),
)
expect(
    "api-v1:get_earlyaccess_experimental",
    kwargs=an_experimental_id,
    roles=api_staff_only(403, **API_OWN_HOSPITAL),
    shows_personal_data=True,
)
expect(
    "api-v1:register_earlyaccess_experimental",
    method="post",
    data=experimental_body,
    content_type="application/json",
    roles=api_staff_only(403, **API_OWN_HOSPITAL_ONLY),
)
for operation, body in (
    (
        "register_earlyaccess_adverse_event",
        {"occurred_on": "", "seriousness": "serious", "description": "Utslett", "outcome": "recovered"},
    ),
    ("register_earlyaccess_evaluation", {"evaluated_on": "", "benefit": "some", "risk": "acceptable",
                                         "assessment": "Stabil"}),
    ("register_earlyaccess_cost", {"incurred_on": "", "description": "Infusjon", "amount_nok": "412345.50",
                                   "payer": "hospital"}),
):  # fmt: skip
    expect(
        f"api-v1:{operation}",
        method="post",
        kwargs=an_experimental_id,
        data=lambda actors, body=body: {k: (v or _iso()) for k, v in body.items()},
        content_type="application/json",
        roles=api_staff_only(403, **API_OWN_HOSPITAL_MADE),
    )


# The overview: aggregates only; the other region's staff get 404 for Helse Sør-Øst's, as for a region not theirs.
expect(
    "api-v1:get_earlyaccess_overview",
    kwargs=lambda actors: {"region": "helse-sor-ost", "year": an_overview_download(actors)["year"]},
    roles=api_staff_only(403, **{**OVERVIEW, "earlyaccess_regional_other": 404}),
    export=True,
)
