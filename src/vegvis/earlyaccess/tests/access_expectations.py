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

from vegvis.testing.access_matrix import Actors, everyone, expect, staff_only

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
