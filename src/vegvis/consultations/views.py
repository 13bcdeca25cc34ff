"""Pages of the consultations: parse, authorise, call a service or selector, audit reads, render.

The secretariat's pages (the worklist, a consultation with its inputs beside the response, the steps, the use of
each input, the exports), a member body's pages (its invitations, its input and versions), and the public pages
(published consultations, their responses and the inputs not exempt)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegvis.access import policies
from vegvis.access.rules import principal, public, requires
from vegvis.audit.services import read_for
from vegvis.consultations import deadlines, exports, selectors, services, similarity, steps
from vegvis.consultations.forms import (
    ConsultationForm,
    InputForm,
    IntroductionForm,
    IssuerDocumentForm,
    SectionForm,
    UseForm,
)
from vegvis.consultations.models import RESPONSE_OPEN, TAKES_INPUT, Consultation, Document, Status
from vegvis.consultations.policies import RUN, SUBMIT
from vegvis.core.errors import DomainError
from vegvis.records.files import file_response, serve_document_file

ANY_ROLE = (RUN, SUBMIT)
SHOWN = ["consultation", "inputs", "authors"]


def _apply_errors(form: forms.BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


def _runs(request: HttpRequest, pk: int) -> Consultation:
    """The consultation, for its own organisation's secretariat only (404 outside its scope, 403 for a body)."""
    who = principal(request)
    found = selectors.consultation_for(who, pk)
    policies.require(who, "handle", found)
    return found


# ---------------------------------------------------------------- the secretariat


@requires(RUN)
def worklist(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    rows = selectors.worklist(who)
    return render(request, "consultations/worklist.html", {"rows": rows, "today": timezone.localdate()})


def _consultation_form(request: HttpRequest, instance: Consultation | None) -> HttpResponse:
    who = principal(request)
    organisation = instance.organisation if instance else selectors.run_organisations(who).first()
    if organisation is None:
        raise PermissionDenied
    form = ConsultationForm(
        request.POST or None,
        initial=ConsultationForm.initial_from(instance) if instance else {},
        bodies=selectors.member_bodies(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                saved = services.consultation_create(
                    actor=who, organisation=organisation, data=form.data_object(), invited=form.cleaned_data["invited"]
                )
            else:
                saved = services.consultation_update(
                    actor=who,
                    consultation=instance,
                    version=_int(request.POST.get("version")),
                    data=form.data_object(),
                    invited=form.cleaned_data["invited"],
                )
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The consultation is saved."))
            for warning in selectors.consultation_warnings(saved):
                messages.warning(request, warning)
            return redirect("consultations:consultation", pk=saved.pk)
    title = _("Change consultation %(number)s") % {"number": instance.number} if instance else _("New consultation")
    return render(request, "consultations/form.html", {"form": form, "consultation": instance, "title": title})


@requires(RUN)
def consultation_new(request: HttpRequest) -> HttpResponse:
    return _consultation_form(request, None)


@requires(RUN)
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _consultation_form(request, _runs(request, pk))


@requires(RUN)
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = _runs(request, pk)
    inputs = selectors.inputs_of(who, found)
    invited = list(found.invited.select_related("organisation"))
    answered = {item.body_id for item in inputs}
    read_for(who, found, shown=SHOWN)
    return render(
        request,
        "consultations/consultation.html",
        {
            "consultation": found,
            "inputs": inputs,
            "near_duplicates": selectors.near_duplicates(inputs),
            "threshold": similarity.percent_text(similarity.THRESHOLD),
            "sections": selectors.sections_of(found),
            "issuer_documents": selectors.issuer_documents(found),
            "links": list(found.links.all()),
            "not_answered": [body for body in invited if body.pk not in answered],
            "invited": invited,
            "warnings": selectors.consultation_warnings(found),
            "events": [(e, steps.TABLE.button_label(e)) for e in steps.TABLE.available_steps(who, found)],
            "blocked": [
                steps.TABLE.refusal(found, e)
                for e in steps.TABLE.allowed_events(found)
                if steps.TABLE.may_take(who, found, e) and steps.TABLE.refusal(found, e)
            ],
            "writing": found.status in (*RESPONSE_OPEN, Status.OPEN),
            "editable": found.status not in (Status.SUBMITTED, Status.PUBLISHED),
        },
    )


@require_POST
@requires(RUN)
def consultation_step(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    who = principal(request)
    if event not in steps.TABLE.actions:
        raise Http404
    found = _runs(request, pk)
    form = steps.TABLE.form(event, found, request.POST)
    if not form.is_valid():
        messages.error(request, _("The step could not be taken: reload the page and try again."))
        return redirect("consultations:consultation", pk=found.pk)
    try:
        steps.TABLE.take(event, who, found, form)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": steps.TABLE.labels[event]})
    return redirect("consultations:consultation", pk=found.pk)


@requires(RUN)
def input_use(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    item = selectors.input_for(who, pk)
    policies.require(who, "record_use", item)
    use = getattr(item, "use", None)
    form = UseForm(
        request.POST or None,
        initial={
            "use": use.use if use else None,
            "explanation": use.explanation if use else "",
            "contains_personal_data": item.contains_personal_data,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.input_use_record(actor=who, input=item, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The use of input %(number)s is recorded.") % {"number": item.number})
            return redirect("consultations:consultation", pk=item.consultation_id)
    read_for(who, item, shown=["input", "author"])
    return render(
        request,
        "consultations/input_use.html",
        {"form": form, "item": item, "consultation": item.consultation, "versions": list(item.versions.all())},
    )


@requires(RUN)
def section_edit(request: HttpRequest, pk: int, section: int | None = None) -> HttpResponse:
    who = principal(request)
    found = _runs(request, pk)
    instance = found.sections.filter(pk=section).first() if section else None
    if section and instance is None:
        raise Http404
    initial: dict[str, Any] = {"order": found.sections.count() + 1}
    if instance:
        initial = {
            "heading": instance.heading,
            "text": instance.text,
            "order": instance.order,
            "inputs": list(instance.inputs.values_list("pk", flat=True)),
        }
    form = SectionForm(request.POST or None, initial=initial, consultation=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_save(actor=who, consultation=found, section=instance, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The section is saved."))
            return redirect("consultations:consultation", pk=found.pk)
    title = _("Change section") if instance else _("New section of the response")
    return render(request, "consultations/form.html", {"form": form, "consultation": found, "title": title})


@requires(RUN)
def introduction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = _runs(request, pk)
    form = IntroductionForm(
        request.POST or None, initial={"version": found.version, "text": found.response_introduction}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_introduction_save(
                actor=who, consultation=found, version=form.cleaned_data["version"], text=form.cleaned_data["text"]
            )
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The introduction is saved."))
            return redirect("consultations:consultation", pk=found.pk)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "consultation": found, "title": _("Introduction of the response")},
    )


@requires(RUN)
def issuer_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    found = _runs(request, pk)
    form = IssuerDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["file"]
        try:
            for attachment in files:
                services.issuer_document_add(
                    actor=who, consultation=found, title=form.cleaned_data["title"], attachment=attachment
                )
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The document is registered in the case file."))
            return redirect("consultations:consultation", pk=found.pk)
    return render(
        request,
        "consultations/form.html",
        {"form": form, "consultation": found, "title": _("Add the issuer's document"), "multipart": True},
    )


@requires(*ANY_ROLE)
def document_file(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    return serve_document_file(principal(request), Document.objects.select_related("case"), pk=document_pk, case_id=pk)


@requires(RUN)
def response_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = _runs(request, pk)
    response = HttpResponse(exports.response_pdf(principal(request), found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="horingssvar-{found.number.replace("/", "-")}.pdf"'
    return response


@requires(RUN)
def response_docx(request: HttpRequest, pk: int) -> HttpResponse:
    found = _runs(request, pk)
    response = HttpResponse(
        exports.response_docx(principal(request), found),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="horingssvar-{found.number.replace("/", "-")}.docx"'
    return response


@requires(RUN)
def register_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    found = _runs(request, pk)
    response = HttpResponse(
        exports.register_xlsx(principal(request), found),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="innspill-{found.number.replace("/", "-")}.xlsx"'
    return response


# ---------------------------------------------------------------- a member body's user


@requires(SUBMIT)
def body_list(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    return render(
        request,
        "consultations/body_list.html",
        {"invitations": selectors.invitations(who), "today": timezone.localdate()},
    )


@requires(SUBMIT)
def body_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """The consultation as the body sees it: the issuer's material, its own input with its versions, and the form
    to send or revise it while that is allowed."""
    who = principal(request)
    found = selectors.consultation_for(who, pk)
    invitation = selectors.invitation_for(who, found)
    own = invitation.input
    now = timezone.now()
    open_for_input = found.status in TAKES_INPUT and (own is None or deadlines.may_revise(now, found.internal_deadline))
    form = InputForm(
        request.POST or None,
        request.FILES or None,
        initial={"text": own.text, "contains_personal_data": own.contains_personal_data, "version": own.version}
        if own
        else {},
    )
    if own and own.contains_personal_data:  # a revision cannot lift the mark (see services.input_revise)
        form.fields["contains_personal_data"].disabled = True
        form.fields["contains_personal_data"].help_text = _(
            "The input is marked as containing personal data; only the secretariat can lift the mark."
        )
    if request.method == "POST":
        if not open_for_input and own is not None and found.status in TAKES_INPUT:
            form.is_valid()
            form.add_error(
                None,
                _("The input can be revised only until the internal deadline, %(day)s.")
                % {"day": found.internal_deadline.strftime("%d.%m.%Y")},
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if own is None:
                    saved = services.input_submit(
                        actor=who,
                        consultation=found,
                        body=invitation.body,
                        text=data["text"],
                        contains_personal_data=data["contains_personal_data"],
                        attachments=data["attachments"],
                    )
                else:
                    saved = services.input_revise(
                        actor=who,
                        input=own,
                        version=data["version"] or -1,
                        text=data["text"],
                        contains_personal_data=data["contains_personal_data"],
                        attachments=data["attachments"],
                    )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                if saved.late:
                    messages.warning(
                        request,
                        _("Input %(number)s is registered, after the internal deadline.") % {"number": saved.number},
                    )
                else:
                    messages.success(request, _("Input %(number)s is registered.") % {"number": saved.number})
                return redirect("consultations:body_consultation", pk=found.pk)
    versions = list(own.versions.order_by("-sequence")) if own else []
    attachments = list(own.documents.filter(kind=Document.Kind.ATTACHMENT)) if own else []
    if own:
        read_for(who, own, shown=["input", "versions"])
    return render(
        request,
        "consultations/body_consultation.html",
        {
            "consultation": found,
            "invitation": invitation,
            "own": own,
            "versions": versions,
            "attachments": attachments,
            "form": form if (open_for_input or (own is None and found.status in TAKES_INPUT)) else None,
            "issuer_documents": selectors.issuer_documents(found),
            "links": list(found.links.all()),
        },
    )


# ---------------------------------------------------------------- public


@public
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "consultations/public_list.html", {"rows": list(selectors.published()[:200])})


@public
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_consultation(pk)
    return render(
        request,
        "consultations/public_detail.html",
        {
            "consultation": found,
            "sections": selectors.sections_of(found),
            "inputs": selectors.public_inputs(found),
            "links": list(found.links.all()),
        },
    )


@public
def public_attachment(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    return file_response(selectors.public_attachment(pk, document_pk))
