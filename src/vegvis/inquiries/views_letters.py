"""The desk's letter pages: a step's letter checked before it is sent, and an association lead's letter templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegvis.access.principal import Principal
from vegvis.access.rules import principal, requires
from vegvis.audit.services import read_for
from vegvis.core.models import Organisation
from vegvis.inquiries import letters, steps
from vegvis.inquiries.forms import LetterTemplateForm
from vegvis.inquiries.models import Case, LetterTemplate
from vegvis.inquiries.services import letters as letter_services

CONFIRM = {
    "request_records": gettext_lazy("Send the request and store it in the case file"),
    "remind_record_request": gettext_lazy("Send the reminder and store it in the case file"),
    "send_complaint": gettext_lazy("Send the cover letter and store it in the case file"),
    "send_npe_claim": gettext_lazy("Send the claim's cover letter and store it in the case file"),
    "send_power_of_attorney_form": gettext_lazy("Send the form and store it in the case file"),
}


def preview(request: HttpRequest, who: Principal, case: Case, event: str, form: Any) -> HttpResponse:
    """The letter exactly as it will be sent (the PDF draws the same data); nothing is saved until confirmed."""
    letter = steps.TABLE.preview(event, who, case, form)
    read_for(who, case, shown=["name", "address", "letter"])
    return render(
        request,
        "inquiries/letters/preview.html",
        {
            "case": case,
            "form": form,
            "title": steps.TABLE.labels[event],
            "event": event,
            "letter": letter,
            "confirm_label": CONFIRM[event],
        },
    )


# ---------------------------------------------------------------- the letter templates (an association's lead)


def _organisations(who: Principal) -> Any:
    grant = who.grant("inquiries.manage_letter_templates")
    associations = Organisation.objects.filter(kind=Organisation.Kind.PATIENT_ORGANISATION)
    return associations if grant.everywhere else associations.filter(pk__in=grant.organisation_ids)


@requires("inquiries.manage_letter_templates")
def letter_templates(request: HttpRequest) -> HttpResponse:
    """Each letter in each language, as the association's letters use it: its own text, or the default."""
    rows = []
    for organisation in _organisations(principal(request)):
        for kind in LetterTemplate.Kind:
            for language in LetterTemplate.Language:
                template = letters.template_for(organisation, kind.value, language.value)
                rows.append(
                    {
                        "organisation": organisation,
                        "kind": kind,
                        "language": language,
                        "template": template,
                        "own": template.organisation_id == organisation.pk and template.language == language.value,
                    }
                )
    return render(request, "inquiries/letters/templates.html", {"rows": rows})


@requires("inquiries.manage_letter_templates")
def letter_template_edit(request: HttpRequest, organisation: int, kind: str, language: str) -> HttpResponse:
    who = principal(request)
    # Another association's templates are as unknown as a missing one.
    association = get_object_or_404(_organisations(who), pk=organisation)
    if kind not in LetterTemplate.Kind.values or language not in LetterTemplate.Language.values:
        raise Http404
    template = letters.template_for(association, kind, language)
    form = LetterTemplateForm(request.POST or None, initial={"subject": template.subject, "body": template.body})
    if request.method == "POST" and form.is_valid():
        try:
            letter_services.letter_template_save(
                actor=who, organisation=association, kind=kind, language=language, **form.cleaned_data
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(request, _("The letter template is saved. Letters already sent are not changed."))
            return redirect("inquiries:letter_templates")
    return render(
        request,
        "inquiries/letters/template_form.html",
        {
            "form": form,
            "association": association,
            "kind_label": LetterTemplate.Kind(kind).label,
            "language_label": LetterTemplate.Language(language).label,
            "placeholders": letters.PLACEHOLDERS,
        },
    )


# ---------------------------------------------------------------- the deletion log (retention.py writes it)

COUNT_LABELS = {
    "documents": gettext_lazy("documents"),
    "files": gettext_lazy("stored files"),
    "persons": gettext_lazy("persons in the register"),
    "powerofattorney": gettext_lazy("powers of attorney"),
    "recordrequest": gettext_lazy("record requests"),
    "complaint": gettext_lazy("complaints"),
    "compensationclaim": gettext_lazy("compensation claims"),
    "assessment": gettext_lazy("assessments"),
    "meeting": gettext_lazy("meetings"),
    "emergency_grants": gettext_lazy("emergency access grants"),
    "inquiries_attached": gettext_lazy("inquiries added to the case"),
}
ANONYMISED = "anonymised: "


def deletion_row(entry: Any) -> dict[str, Any]:
    """A log row as the page shows it. The kind follows from the rules: an inquiry never triaged and an
    information case are deleted, an assistance case anonymised (its rule is logged with ``anonymised:``)."""
    anonymised = entry.rule.startswith(ANONYMISED)
    if entry.object_type == "inquiries.inquiry":
        kind = _("Inquiry never triaged")
    else:
        kind = _("Assistance case") if anonymised else _("Information case")
    counts = entry.counts if isinstance(entry.counts, dict) else {}
    return {
        "entry": entry,
        "kind": kind,
        "done": _("Anonymised") if anonymised else _("Deleted"),
        "rule": entry.rule.removeprefix(ANONYMISED),
        "counts": ", ".join(
            f"{COUNT_LABELS[key]}: {value}"
            for key, value in counts.items()
            if key in COUNT_LABELS and isinstance(value, int) and value
        ),
    }


@requires("inquiries.view_deletion_log")
def deletion_log(request: HttpRequest) -> HttpResponse:
    """What the retention job deleted or anonymised at the association, newest first, page by page (keyset)."""
    from vegvis.inquiries import selectors

    who = principal(request)
    organisations = selectors.deletion_log_organisations(who)
    raw = request.GET.get("forening", "")
    chosen = None
    if raw:
        # Another association's log is as unknown as a missing one (and so is a number no id column holds).
        if not (raw.isdigit() and len(raw) <= 9):
            raise Http404
        chosen = get_object_or_404(organisations, pk=int(raw))
    rows, cursor = selectors.deletion_log_page(who, organisation=chosen, after=request.GET.get("etter"))
    return render(
        request,
        "inquiries/deletion_log.html",
        {
            "rows": [deletion_row(entry) for entry in rows],
            "next_cursor": cursor,
            "organisations": organisations,
            "chosen": chosen,
            "several": len(organisations) > 1,
            "first_page": not request.GET.get("etter"),
        },
    )
