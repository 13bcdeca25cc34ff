"""The consultation's workflow as one table (``vegvis.casework.steps``): draft → open for input → closed → response
being written → submitted → published. The case page's buttons and the API's allowed steps come from it; every step
is taken by ``services.consultation_step``.

Closing may be undone (input reopened) while the response is not yet being written, and a publication withdrawn
(back to submitted); late input is accepted until
the response is submitted (``models.TAKES_INPUT``) and marked late.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegvis.casework.steps import Step, StepTable
from vegvis.consultations.models import Status

RUN = ("consultations.run_consultation",)
SERVICE = "vegvis.consultations.services.consultation_step"
FORM = "vegvis.consultations.forms.StepForm"


def has_invited(consultation: Any) -> str | None:
    if not consultation.pk or not consultation.invited.exists():
        return _("Invite at least one member body first.")
    return None


def every_input_used(consultation: Any) -> str | None:
    if consultation.inputs.filter(use__isnull=True).exists():
        return _("Record for every input whether and how it was used first.")
    if not consultation.sections.exists():
        return _("Write at least one section of the response first.")
    return None


def _step(event: str, label: Any, edges: dict[str, str], guards: tuple[Any, ...] = ()) -> Step:
    return Step(
        event=event,
        label=label,
        edges=edges,
        permissions=RUN,
        guards=guards,
        form=FORM,
        service=SERVICE,
        fixed={"event": event},
    )


TABLE = StepTable(
    "ConsultationWorkflow",
    states={status.value: status.label for status in Status},
    initial=Status.DRAFT,
    steps=[
        _step("open_for_input", gettext_lazy("Open for input"), {Status.DRAFT: Status.OPEN}, (has_invited,)),
        _step("close_for_input", gettext_lazy("Close for input"), {Status.OPEN: Status.CLOSED}),
        _step("reopen_for_input", gettext_lazy("Reopen for input"), {Status.CLOSED: Status.OPEN}),
        _step("start_response", gettext_lazy("Start writing the response"), {Status.CLOSED: Status.WRITING}),
        _step(
            "submit_response",
            gettext_lazy("Register the response as submitted"),
            {Status.WRITING: Status.SUBMITTED},
            (every_input_used,),
        ),
        _step("publish", gettext_lazy("Publish the response and the inputs"), {Status.SUBMITTED: Status.PUBLISHED}),
        # Taken down again, e.g. when an input turns out to hold personal data: mark it exempt, then publish anew.
        _step("withdraw_publication", gettext_lazy("Withdraw the publication"), {Status.PUBLISHED: Status.SUBMITTED}),
    ],
)
