"""Who gets what from the consultations' pages and API.

The consultation belongs to the matrix's secretariat's organisation; both matrix body users' bodies are invited.
The input the expectations build is the first body's (`member_body_user`): the other body's user gets 404 for it
and its attachment while the consultation is unpublished, exactly as for one that does not exist; another
organisation's secretariat gets 404 for every round, input and document of the organisation (its own worklist and
new-consultation form open). Roles without the consultations' permissions get 403; the public pages are open to all
and show no person.
"""

from collections.abc import Mapping
from typing import Any

from vegvis.testing.access_matrix import Actors, Redirect, api_staff_only, everyone, expect, staff_only

BODIES = ("member_body_user", "member_body_user_other")
OTHER = "consultation_secretariat_other"
SECRETARIAT = {"consultation_secretariat": 200, OTHER: 404}  # an object page: the other organisation's gets 404
OWN_PAGES = {"consultation_secretariat": 200, OTHER: 200}
TO_CONSULTATION = Redirect("/horinger/sekretariat/", prefix=True)


def _ready(actors: Actors) -> None:
    for name in ("consultation_secretariat", *BODIES):
        actors[name]


def _consultation(actors: Actors, state: str = "open") -> Any:
    from vegvis.consultations.tests.support import make_consultation

    _ready(actors)
    return make_consultation(state)


def _input(actors: Actors, state: str = "open") -> Any:
    from vegvis.consultations import services
    from vegvis.consultations.tests.support import PDF, make_consultation, send_input

    _ready(actors)
    consultation = make_consultation(state)
    return send_input(
        consultation,
        text="Innspill fra onkologene.",
        attachments=[services.Attachment(content=PDF, filename="innspill.pdf", content_type="application/pdf")],
    )


def a_consultation(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _consultation(actors).pk}


def a_writing_section(actors: Actors) -> Mapping[str, Any]:
    consultation = _consultation(actors, "writing")
    return {"pk": consultation.pk, "section": consultation.sections.get().pk}


def an_input(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _input(actors).pk}


def an_attachment(actors: Actors) -> Mapping[str, Any]:
    item = _input(actors)
    return {"pk": item.consultation_id, "document_pk": item.documents.get(kind="attachment").pk}


def a_published(actors: Actors) -> Mapping[str, Any]:
    return {"pk": _consultation(actors, "published").pk}


def a_public_attachment(actors: Actors) -> Mapping[str, Any]:
    from vegvis.access.principal import SYSTEM
    from vegvis.consultations import services
    from vegvis.consultations.models import Use
    from vegvis.consultations.tests.support import step

    item = _input(actors, "open")
    services.input_use_record(actor=SYSTEM, input=item, use=Use.USED, explanation="Brukt.")
    consultation = item.consultation
    step(consultation, "close_for_input")
    step(consultation, "start_response")
    services.section_save(actor=SYSTEM, consultation=consultation, heading="Svar", text="Tekst", order=1)
    step(consultation, "submit_response")
    step(consultation, "publish")
    return {"pk": consultation.pk, "document_pk": item.documents.get(kind="attachment").pk}


def current_version(actors: Actors) -> Mapping[str, Any]:
    from vegvis.consultations.models import Consultation

    return {"version": str(Consultation.objects.latest("pk").version)}


# The secretariat's pages.
expect("consultations:worklist", roles=staff_only(403, **OWN_PAGES))
expect("consultations:consultation_new", roles=staff_only(403, **OWN_PAGES))
expect("consultations:consultation", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT))
expect("consultations:consultation_edit", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT))
expect(
    "consultations:consultation_step",
    method="post",
    kwargs=lambda actors: {**a_consultation(actors), "event": "close_for_input"},
    data=current_version,
    roles=staff_only(403, consultation_secretariat=TO_CONSULTATION, **{OTHER: 404}),
)
expect("consultations:section_new", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT))
expect("consultations:section_edit", kwargs=a_writing_section, roles=staff_only(403, **SECRETARIAT))
expect("consultations:introduction_edit", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT))
expect("consultations:issuer_document_add", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT))
expect("consultations:input_use", kwargs=an_input, roles=staff_only(403, **SECRETARIAT))
expect("consultations:response_pdf", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT), export=True)
expect("consultations:response_docx", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT), export=True)
expect("consultations:register_xlsx", kwargs=a_consultation, roles=staff_only(403, **SECRETARIAT), export=True)

# A body's input and its attachment: the secretariat and the own body; the other body's user gets 404 before
# publication (a body's user cannot read another body's unpublished input).
expect(
    "consultations:document_file",
    kwargs=an_attachment,
    roles=staff_only(
        403, consultation_secretariat=200, member_body_user=200, member_body_user_other=404, **{OTHER: 404}
    ),
)

# A member body's pages.
expect("consultations:body_list", roles=staff_only(403, **dict.fromkeys(BODIES, 200)))
expect("consultations:body_consultation", kwargs=a_consultation, roles=staff_only(403, **dict.fromkeys(BODIES, 200)))

# The public pages: open to all, never a person.
expect("consultations:public", roles=everyone(200))
expect("consultations:public_detail", kwargs=a_published, roles=everyone(200))
expect("consultations:public_attachment", kwargs=a_public_attachment, roles=everyone(200), export=True)


# The API: the same rules; anonymous 401, a role without the permissions 403, outside the scope 404.
def a_consultation_id(actors: Actors) -> Mapping[str, Any]:
    return {"consultation_id": _consultation(actors).pk}


def an_input_id(actors: Actors) -> Mapping[str, Any]:
    return {"input_id": _input(actors).pk}


def input_version(actors: Actors) -> Mapping[str, Any]:
    from vegvis.consultations.models import Input

    return {"version": Input.objects.latest("pk").version, "text": "Ny versjon.", "contains_personal_data": False}


def step_payload(actors: Actors) -> Mapping[str, Any]:
    from vegvis.consultations.models import Consultation

    return {"event": "close_for_input", "version": Consultation.objects.latest("pk").version}


ANY = {"consultation_secretariat": 200, **dict.fromkeys(BODIES, 200)}
expect(
    "api-v1:list_consultations",
    kwargs=lambda actors: (_consultation(actors), {})[1],
    roles=api_staff_only(403, **ANY, **{OTHER: 200}),  # the other organisation's list: its own, none of these
)
expect("api-v1:get_consultation", kwargs=a_consultation_id, roles=api_staff_only(403, **ANY, **{OTHER: 404}))
expect(
    "api-v1:submit_consultation_input",
    method="post",
    kwargs=a_consultation_id,
    data={"text": "Vårt innspill.", "contains_personal_data": False},
    content_type="application/json",
    roles=api_staff_only(403, member_body_user=201, member_body_user_other=201),
)
expect(
    "api-v1:revise_consultation_input",
    method="post",
    kwargs=an_input_id,
    data=input_version,
    content_type="application/json",
    roles=api_staff_only(403, member_body_user=200, member_body_user_other=404),
)
expect(
    "api-v1:record_consultation_input_use",
    method="post",
    kwargs=an_input_id,
    data={"use": "used", "explanation": "Tatt inn i punkt 2."},
    content_type="application/json",
    roles=api_staff_only(403, **SECRETARIAT),
)
expect(
    "api-v1:take_consultation_step",
    method="post",
    kwargs=a_consultation_id,
    data=step_payload,
    content_type="application/json",
    roles=api_staff_only(403, **SECRETARIAT),
)
