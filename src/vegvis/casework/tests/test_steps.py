"""The step-table kit on a tiny table of its own: what it derives, what it offers, and what it refuses and why."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django import forms
from django.utils import translation
from statemachine.exceptions import TransitionNotAllowed

from vegvis.access.principal import Grant, Principal
from vegvis.casework.steps import APART, NOT_OFFERED, Step, StepFormMixin, StepTable, TransitionRefused

STATES = {"draft": "Draft", "sent": "Sent", "answered": "Answered", "archived": "Archived"}
KINDS = {"letter": "Letter", "memo": "Memo"}
TAKEN: list[tuple[str, dict[str, Any]]] = []


class Document:
    """A stand-in for a case: a state, a kind, an office, and the data the guards look at."""

    def __init__(self, status: str = "draft", kind: str = "letter", *, office: str = "own", body: str = "text"):
        self.status = status
        self.kind = kind
        self.office = office
        self.body = body
        self.version = 3

    def get_kind_display(self) -> str:
        return KINDS[self.kind]


class SendForm(StepFormMixin, forms.Form):
    version = forms.IntegerField()
    recipient = forms.CharField()


class ArchiveForm(StepFormMixin, forms.Form):
    version = forms.IntegerField()

    def preview_arguments(self, case: Any) -> dict[str, Any]:
        return {"case": case, "note": "archived"}


def send(*, actor: Principal, case: Document, version: int, recipient: str, urgent: bool = False) -> str:
    TAKEN.append(("send", {"version": version, "recipient": recipient, "urgent": urgent}))
    return "sent"


def archive(*, actor: Principal, case: Document, version: int) -> str:
    TAKEN.append(("archive", {"version": version}))
    return "archived"


def archive_letter(*, actor: Principal, case: Document, note: str) -> dict[str, str]:
    return {"letter": f"{case.kind}: {note}"}


def has_body(case: Document) -> str | None:
    return None if case.body else "Write the letter first."


def own_office(principal: Principal, action: str, case: Document) -> bool:
    """The policy of this stand-in: every action on the own office's documents, nothing elsewhere."""
    return case.office == "own"


HERE = __name__
TABLE = StepTable(
    "DocumentWorkflow",
    states=STATES,
    initial="draft",
    kind_field="kind",
    kinds=KINDS,
    allows=own_office,
    steps=[
        Step(
            event="dispatch",
            label="Dispatch",
            edges={"draft": "sent"},
            permissions=("docs.send",),
            guards=(has_body,),
            form=f"{HERE}.SendForm",
            service=f"{HERE}.send",
        ),
        Step(
            event="dispatch_urgently",
            label="Dispatch urgently",
            edges={"draft": "sent"},
            permissions=("docs.send", "docs.lead"),
            kinds=frozenset({"letter"}),
            guards=(has_body,),
            form=SendForm,
            service=send,
            fixed={"urgent": True},
            button_label="Dispatch now, urgently",
        ),
        Step(
            event="register_answer",
            label="Register the answer",
            edges={"sent": "answered"},
            permissions=("docs.answer",),
            offered=NOT_OFFERED,
        ),
        Step(
            event="note",
            label="Add a note",
            edges={"sent": "sent", "answered": "answered"},
            permissions=("docs.send",),
            form=SendForm,
            service=send,
            offered=APART,
        ),
        Step(
            event="archive",
            label="Archive",
            edges={"answered": "archived", "sent": "archived"},
            permissions=("docs.lead",),
            policy_action="decide",
            form=ArchiveForm,
            service=archive,
            preview=f"{HERE}.archive_letter",
        ),
        Step(
            event="reopen",
            label="Reopen",
            edges={"archived": "draft"},
            permissions=("docs.lead",),
            form=ArchiveForm,
            service=archive,
        ),
    ],
)


def principal(*permissions: str) -> Principal:
    return Principal(user=None, grants={p: Grant(everywhere=True) for p in permissions})


def test_the_table_derives_the_permission_map_labels_kinds_and_letter_steps():
    assert TABLE.events == ("dispatch", "dispatch_urgently", "register_answer", "note", "archive", "reopen")
    assert TABLE.permissions["dispatch_urgently"] == ("docs.send", "docs.lead")
    assert TABLE.labels["archive"] == "Archive"
    assert TABLE.button_label("dispatch_urgently") == "Dispatch now, urgently"
    assert TABLE.button_label("dispatch") == "Dispatch"
    assert TABLE.kind_events["memo"] == {"dispatch", "register_answer", "note", "archive", "reopen"}
    assert TABLE.kind_events["letter"] == set(TABLE.events)
    assert TABLE.letter_steps == {"archive"}
    # Only the steps the pages and the API offer have forms and services there; dotted paths are imported.
    assert TABLE.forms == {
        "dispatch": SendForm,
        "dispatch_urgently": SendForm,
        "note": SendForm,
        "archive": ArchiveForm,
        "reopen": ArchiveForm,
    }
    assert TABLE.actions["dispatch_urgently"] == (send, {"urgent": True}) and TABLE.actions["dispatch"][0] is send


@pytest.mark.parametrize(
    ("state", "event"), list(itertools.product(STATES, ["dispatch", "register_answer", "note", "archive", "reopen"]))
)
def test_the_state_machine_is_built_from_the_edges(state, event):
    case = Document(state)
    step = TABLE.step(event)
    machine_allows = {e.id for e in TABLE.machine_for(case).allowed_events}
    assert (event in machine_allows) == (state in step.edges) == (event in TABLE.allowed_events(case))
    if state in step.edges:
        TABLE.move(case, event)
        assert case.status == step.edges[state]
    else:
        with pytest.raises(TransitionRefused):
            TABLE.move(case, event)
        with pytest.raises(TransitionNotAllowed):
            TABLE.machine_for(case).send(event)
        assert case.status == state


def test_available_steps_need_the_state_kind_data_permission_and_policy():
    everyone = principal("docs.send", "docs.lead", "docs.answer")
    assert TABLE.available_steps(everyone, Document("draft")) == ["dispatch", "dispatch_urgently"]
    assert TABLE.available_steps(everyone, Document("draft", "memo")) == ["dispatch"]  # kind
    assert TABLE.available_steps(everyone, Document("draft", body="")) == []  # guard
    assert TABLE.available_steps(principal("docs.send"), Document("draft")) == [
        "dispatch",
        "dispatch_urgently",
    ]  # any one
    assert TABLE.available_steps(principal("docs.answer"), Document("draft")) == []  # permission
    assert TABLE.available_steps(everyone, Document("draft", office="other")) == []  # the case's policy
    # The answer is taken on its own page, never offered; a step offered apart is still offered.
    assert TABLE.available_steps(everyone, Document("sent")) == ["note", "archive"]
    assert TABLE.available_steps(principal("docs.answer"), Document("sent")) == []
    assert TABLE.may_take(principal("docs.answer"), Document("sent"), "register_answer")


def test_check_step_refuses_with_the_reason_of_the_kind_the_state_or_the_guard():
    refusals = {
        ("draft", "memo", "text", "dispatch_urgently"): "“Dispatch urgently” is not possible for Memo.",
        ("draft", "letter", "text", "archive"): "“Archive” is not possible while the case is “Draft”.",
        ("draft", "letter", "", "dispatch"): "Write the letter first.",
    }
    with translation.override("en"):
        for (state, kind, body, event), reason in refusals.items():
            case = Document(state, kind, body=body)
            assert TABLE.refusal(case, event) == reason
            with pytest.raises(TransitionRefused) as refused:
                TABLE.check_step(case, event)
            assert str(refused.value) == reason
    assert TABLE.refusal(Document("draft"), "dispatch") is None
    TABLE.check_step(Document("draft"), "dispatch")
    with translation.override("nb"):
        assert TABLE.refusal(Document("draft"), "archive") == "«Archive» er ikke mulig når saken har status «Draft»."
    assert TransitionRefused.status == 409 and TransitionRefused.code == "transition_refused"


def test_the_form_service_and_letter_of_a_step():
    TAKEN.clear()
    case = Document("draft")
    unbound = TABLE.form("dispatch", case)
    assert isinstance(unbound, SendForm) and unbound.initial == {"version": 3}
    form = TABLE.form("dispatch_urgently", case, {"version": "3", "recipient": "Kari"})
    assert form.is_valid()
    assert TABLE.take("dispatch_urgently", principal(), case, form) == "sent"
    assert TAKEN == [("send", {"version": 3, "recipient": "Kari", "urgent": True})]

    sent = Document("sent")
    archive_form = TABLE.form("archive", sent, {"version": "3"})
    assert archive_form.is_valid()
    assert TABLE.preview("archive", principal(), sent, archive_form) == {"letter": "letter: archived"}
    with pytest.raises(ValueError, match="sends no letter"):
        TABLE.preview("dispatch", principal(), case, form)
    TABLE.resolve_all()


def test_a_table_that_contradicts_itself_is_refused_when_it_is_built():
    def table(*steps: Step, kinds: Any = KINDS) -> StepTable:
        return StepTable("Broken", states=STATES, initial="draft", kind_field="kind", kinds=kinds, steps=steps)

    send_step = TABLE.step("dispatch")
    with pytest.raises(ValueError, match="python-statemachine uses"):
        table(Step(event="send", label="Send", edges={"draft": "sent"}, permissions=("p",), offered=NOT_OFFERED))
    with pytest.raises(ValueError, match="listed twice"):
        table(send_step, send_step)
    with pytest.raises(ValueError, match="unknown states"):
        table(Step(event="x", label="X", edges={"draft": "lost"}, permissions=("p",), offered=NOT_OFFERED))
    with pytest.raises(ValueError, match="needs a form and a service"):
        table(Step(event="x", label="X", edges={"draft": "sent"}, permissions=("p",)))
    with pytest.raises(ValueError, match="kinds the table does not list"):
        table(
            Step(
                event="x",
                label="X",
                edges={"draft": "sent"},
                permissions=("p",),
                kinds=frozenset({"fax"}),
                offered=NOT_OFFERED,
            )
        )
    broken = StepTable(
        "Typo",
        states={"draft": "Draft", "sent": "Sent"},
        initial="draft",
        steps=[
            Step(
                event="x",
                label="X",
                edges={"draft": "sent", "sent": "draft"},
                permissions=("p",),
                form="no.such.Form",
                service=send,
            )
        ],
    )
    with pytest.raises(ImportError):
        broken.resolve_all()
