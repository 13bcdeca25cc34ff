"""Pages of the treatment-abroad module. Views parse, authorise through the permission layer, call a service
or selector, record reads in the audit trail and render; the rules live in services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vegvis.abroad import selectors, steps
from vegvis.abroad.forms import (
    FOLLOW_UP_FORMS,
    ApplicationForm,
    AssessmentAnswerForm,
    CaseCorrectForm,
    CaseReassignForm,
    EmergencyAccessForm,
    ExpenseForm,
    MethodForm,
    RatesForm,
    SettleForm,
    WorklistFilterForm,
)
from vegvis.abroad.letters import PLACEHOLDERS
from vegvis.abroad.models import (
    Assessment,
    Case,
    Document,
    Expense,
    LetterTemplate,
    Method,
    StayNote,
)
from vegvis.abroad.services import base, cases, decisions, followup, registers
from vegvis.access import policies
from vegvis.access.policies import get_visible_or_404, open_emergency_access
from vegvis.access.rules import principal, public, requires
from vegvis.audit.services import Action, audit_denied, audit_record, read_for, read_rows
from vegvis.casework.steps import NEXT_STEPS
from vegvis.core import rates
from vegvis.core.errors import DomainError
from vegvis.core.related import CaseFacts, related_for
from vegvis.core.uploads import UploadRefused, check_upload
from vegvis.records.files import serve_document_file
from vegvis.records.forms import LetterTemplateForm

CASE_FIELDS_SHOWN = [
    "name",
    "national_id",
    "birth_date",
    "address",
    "diagnosis",
    "requested_treatment",
    "documents",
    "expenses",
]


def _apply_errors(form: forms.BaseForm, error: ValidationError | DomainError) -> None:
    """Show a service's refusal next to the field it concerns, or above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    elif isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, str(error))
    else:
        form.add_error(None, error.messages)


# ---------------------------------------------------------------- worklist and search


@requires("abroad.view_case")
def worklist(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    scope = "mine" if request.GET.get("vis") == "mine" else "office"
    form = WorklistFilterForm(request.GET or None)
    flt = selectors.WorklistFilter(scope=scope, after=selectors.parse_cursor(request.GET.get("etter")))
    if form.is_valid():
        data = form.cleaned_data
        flt.category = data["category"]
        flt.route = data["route"]
        flt.region = data["region"]
        flt.country = data["country"]
        flt.hospital = data["hospital"].pk if data["hospital"] else None
    rows = selectors.worklist(who, flt)
    read_rows(who, rows, label=_("Worklist"), shown=["name", "case_number", "route", "status"])
    query = request.GET.copy()
    query.pop("etter", None)
    cursor = selectors.next_cursor(rows)
    return render(
        request,
        "abroad/worklist.html",
        {
            "rows": rows,
            "form": form,
            "scope": scope,
            "next_url": f"?{query.urlencode()}&etter={cursor}" if cursor else None,
            "first_url": f"?{query.urlencode()}" if flt.after else None,
        },
    )


@requires("abroad.view_case")
def search(request: HttpRequest) -> HttpResponse:
    """Search is sent by POST, because the text may be a national id, which must never stand in a URL."""
    who = principal(request)
    text = request.POST.get("q", "") if request.method == "POST" else ""
    rows = selectors.search(who, text) if text else []
    if text:
        # The search text may be a national id: the audit keeps only that a search was made and what it showed.
        audit_record(
            principal=who,
            action=Action.SEARCH,
            label=_("Case search"),
            person_ids=[c.patient_id for c in rows],
            detail={"hits": len(rows)},
        )
    # The emergency route is offered on every search to those who may use it, whether or not another office has a
    # matching case: saying so would tell the user what the search may not show them.
    number = selectors.CASE_NUMBER.match(text)
    return render(
        request,
        "abroad/search.html",
        {
            "rows": rows,
            "searched": bool(text),
            "emergency_route": who.has("access.use_emergency_access"),
            "searched_number": f"{int(number.group(1)):04d}/{int(number.group(2)):04d}" if number else "",
        },
    )


# ---------------------------------------------------------------- cases


@requires("abroad.handle_case")
def case_new(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    form = ApplicationForm(request.POST or None, actor=who)
    if request.method == "POST" and form.is_valid():
        try:
            case = cases.application_register(actor=who, values=form.cleaned_data)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s is registered.") % {"number": case.number})
            region = form.cleaned_data["home_region"]
            if not case.office.regions.filter(pk=region.pk).exists():
                messages.info(
                    request,
                    _("%(office)s handles the case; it counts for the patient's home region, %(region)s.")
                    % {"office": case.office.name, "region": region.name},
                )
            return redirect("abroad:case", pk=case.pk)
    return render(request, "abroad/application_form.html", {"form": form})


@requires("abroad.view_case", "abroad.assess_case")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    case = selectors.case_for_page(who, pk)
    emergency = selectors.is_emergency_view(who, case)
    show_full_id = who.has("core.view_full_national_id")
    can_handle = policies.policy_for(Case).can(who, "handle", case)
    available = base.available_events(who, case)  # the API's allowed_events are the same (abroad.steps)
    events = [(e, steps.TABLE.button_label(e)) for e in available if steps.TABLE.step(e).offered == NEXT_STEPS]
    documents = list(selectors.case_documents(case))
    expenses = list(selectors.case_expenses(case))
    attestable = {e.pk for e in expenses if followup.may_attest(who, e)} if can_handle else set()
    read_for(
        who,
        case,
        emergency=emergency,
        shown=CASE_FIELDS_SHOWN if show_full_id else [f for f in CASE_FIELDS_SHOWN if f != "national_id"],
    )
    return render(
        request,
        "abroad/case_detail.html",
        {
            "case": case,
            "emergency": emergency,
            "national_id": case.patient.national_id if show_full_id else case.patient.masked_national_id,
            "events": events,
            "can_handle": can_handle,
            "method_consequence": decisions.method_consequence(case),
            "documents": documents,
            "expenses": expenses,
            "expenses_total": sum((e.amount_nok for e in expenses), start=0),
            "attestable": attestable,
            "assessments": case.assessments.select_related("expert_community", "adviser"),
            "appeals": case.appeals.all(),
            "decisions": selectors.decision_history(case),
            "appeal_deadline": selectors.appeal_deadline(case),
            "guarantees": case.guarantees.select_related("hospital"),
            "bookings": case.bookings.all(),
            "stay_notes": case.stay_notes.all(),
            # A withheld patient's log is not this office's to read (it would name the register's person).
            "show_access_log": who.has("core.view_access_log") and not case.patient_withheld,
            "can_provisional_reply": "send_provisional_reply" in available,
            # Other systems' records of this case's drug and patient, each through its own policies.
            "related": related_for(
                who,
                CaseFacts(
                    person_id=None if case.patient_withheld else case.patient_id,
                    treatment_text=case.requested_treatment,
                    method_id=case.method_id,
                ),
            ),
            **_case_handling_context(case, can_handle=can_handle, emergency=emergency),
        },
    )


# ---------------------------------------------------------------- reassignment and corrections (issue 11)


def _case_handling_context(case: Case, *, can_handle: bool, emergency: bool) -> dict[str, Any]:
    """The case page's reassignment form and correction link: for the office's own staff, not emergency access."""
    if not can_handle or emergency:
        return {"reassign_form": None, "can_correct": False}
    return {
        "reassign_form": CaseReassignForm(case=case, initial={"version": case.version}),
        "can_correct": True,
    }


def _case_handling_page(request: HttpRequest, pk: int) -> tuple[Any, Case]:
    who = principal(request)
    case = selectors.case_for_page(who, pk)
    policies.require(who, "handle", case)
    return who, case


@requires("abroad.handle_case")
def case_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the case to another case handler of its office (a form on the case page, and this page)."""
    who, case = _case_handling_page(request, pk)
    form = CaseReassignForm(request.POST or None, case=case, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            cases.case_reassign(
                actor=who, case=case, version=form.cleaned_data["version"], handler=form.cleaned_data["handler"]
            )
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Case %(number)s is now handled by %(name)s.")
                % {"number": case.number, "name": form.cleaned_data["handler"].get_full_name()},
            )
            return redirect("abroad:case", pk=case.pk)
    read_for(who, case, shown=["name", "case_number"])
    return render(request, "abroad/case_form.html", {"case": case, "form": form, "title": _("Reassign the case")})


@requires("abroad.handle_case")
def case_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the case's route (before the decision), method, hospital, diagnosis and requested treatment."""
    who, case = _case_handling_page(request, pk)
    form = CaseCorrectForm(request.POST or None, case=case, route_correctable=cases.route_correctable(case))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            cases.case_correct(actor=who, case=case, version=version, **data)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The case data is corrected."))
            return redirect("abroad:case", pk=case.pk)
    read_for(who, case, shown=["name", "case_number", "diagnosis", "requested_treatment"])
    return render(request, "abroad/case_form.html", {"case": case, "form": form, "title": _("Correct case data")})


@requires("abroad.handle_case", "abroad.decide_case")
def case_action(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    """One step of the workflow: the form for it, and the change when it is sent."""
    who = principal(request)
    if event not in steps.TABLE.actions:
        raise Http404
    case = selectors.case_for_page(who, pk)
    form = steps.TABLE.form(event, case, request.POST or None)
    sends_letter = event in steps.TABLE.letter_steps
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        try:
            if sends_letter and "confirm" not in request.POST:
                # An irreversible letter: first the letter as it will be sent, then the explicit confirmation.
                letter = steps.TABLE.preview(event, who, case, form)
            else:
                steps.TABLE.take(event, who, case, form)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            if sends_letter and "confirm" not in request.POST:
                read_for(who, case, shown=["name", "address", "letter"])
                return render(
                    request,
                    "abroad/case_letter_preview.html",
                    {
                        "case": case,
                        "form": form,
                        "title": steps.TABLE.labels[event],
                        "event": event,
                        "letter": letter,
                        "confirm_label": LETTER_CONFIRM.get(event, LETTER_CONFIRM["decide"]),
                    },
                )
            messages.success(request, _("Done: %(step)s.") % {"step": steps.TABLE.labels[event]})
            return redirect("abroad:case", pk=case.pk)
    read_for(who, case, shown=["name", "case_number"])
    return render(
        request,
        "abroad/case_form.html",
        {
            "case": case,
            "form": form,
            "title": steps.TABLE.labels[event],
            "method_consequence": decisions.method_consequence(case),
            "event": event,
            "sends_letter": sends_letter,
        },
    )


LETTER_CONFIRM = {
    "decide": gettext_lazy("Make the decision and send the letter"),
    "forward_appeal": gettext_lazy("Forward the appeal and send the letter"),
}


FOLLOW_UPS: dict[str, Callable[..., Any]] = {
    "provisional_reply": cases.case_send_provisional_reply,
    "guarantee": followup.guarantee_issue,
    "booking": followup.booking_add,
    "stay_note": followup.stay_note_add,
    "expense": followup.expense_add,
    "document": cases.document_register_incoming,
}


def _follow_up(who: Any, case: Case, what: str, form: forms.Form, request: HttpRequest) -> None:
    data = dict(form.cleaned_data)
    if what == "document":
        upload = request.FILES.get("file")
        data.pop("file", None)
        data.update(content=None, filename="", content_type="")
        if upload is not None:
            try:
                data["content_type"] = check_upload(upload)
            except UploadRefused as error:
                raise ValidationError({"file": str(error)}) from error
            data["content"], data["filename"] = upload.read(), upload.name or "dokument"
    FOLLOW_UPS[what](actor=who, case=case, **data)


FOLLOW_UP_TITLES = {
    "provisional_reply": _("Send provisional reply"),
    "guarantee": _("Payment guarantee"),
    "booking": _("Book travel or stay"),
    "stay_note": _("Note from the stay"),
    "expense": _("Register invoice or travel claim"),
    "document": _("Register incoming document"),
}


@requires("abroad.handle_case")
def case_follow_up(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    who = principal(request)
    if what not in FOLLOW_UP_FORMS:
        raise Http404
    case = selectors.case_for_page(who, pk)
    policies.require(who, "handle", case)
    form = FOLLOW_UP_FORMS[what](
        request.POST or None,
        request.FILES or None,
        initial={
            "version": case.version,
            "travellers": case.patient_display_name,
            "hospital": case.hospital_id,
            "creditor": str(case.hospital or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            _follow_up(who, case, what, form, request)
        except followup.ImplausibleAmount as warning:
            cast(ExpenseForm, form).ask_to_confirm(warning.warnings)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved: %(what)s.") % {"what": FOLLOW_UP_TITLES[what]})
            return redirect("abroad:case", pk=case.pk)
    read_for(who, case, shown=["name", "case_number"])
    return render(
        request,
        "abroad/case_form.html",
        {"case": case, "form": form, "title": FOLLOW_UP_TITLES[what], "multipart": what == "document"},
    )


@requires("abroad.handle_case")
def expense_settle(request: HttpRequest, pk: int, expense_pk: int) -> HttpResponse:
    """Mark an attested invoice as paid, after a confirmation page that shows what is being paid."""
    who = principal(request)
    expense = get_visible_or_404(
        who, Expense.objects.select_related("case__patient", "registered_by", "attested_by"), pk=expense_pk, case_id=pk
    )
    policies.require(who, "handle", expense.case)
    form = SettleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            followup.expense_settle(actor=who, expense=expense, settled_on=form.cleaned_data["settled_on"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The invoice is marked as paid."))
        return redirect("abroad:case", pk=pk)
    case = expense.case
    read_for(who, case, shown=["name", "case_number", "expenses"])
    return render(
        request,
        "abroad/expense_settle.html",
        {"case": case, "expense": expense, "form": form, "title": _("Mark invoice as paid")},
    )


@require_POST
@requires("abroad.handle_case")
def expense_attest(request: HttpRequest, pk: int, expense_pk: int) -> HttpResponse:
    who = principal(request)
    expense = get_visible_or_404(who, Expense.objects.select_related("case"), pk=expense_pk, case_id=pk)
    try:
        followup.expense_attest(actor=who, expense=expense)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invoice is attested for payment."))
    return redirect("abroad:case", pk=pk)


@requires("abroad.handle_case")
def expense_correct(request: HttpRequest, pk: int, expense_pk: int) -> HttpResponse:
    """Correct an invoice until it is paid; the service audits the old and new values."""
    who = principal(request)
    expense = get_visible_or_404(who, Expense.objects.select_related("case__patient"), pk=expense_pk, case_id=pk)
    case = expense.case
    policies.require(who, "handle", case)
    if expense.state == Expense.State.SETTLED:
        messages.error(request, _("The invoice is paid and can no longer be corrected."))
        return redirect("abroad:case", pk=pk)
    form = ExpenseForm.for_correction(expense, request.POST or None, version=case.version)
    if request.method == "POST" and form.is_valid():
        try:
            followup.expense_correct(actor=who, expense=expense, **form.cleaned_data)
        except followup.ImplausibleAmount as warning:
            form.ask_to_confirm(warning.warnings)
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The invoice is corrected."))
            return redirect("abroad:case", pk=pk)
    read_for(who, case, shown=["name", "case_number", "expenses"])
    return render(request, "abroad/case_form.html", {"case": case, "form": form, "title": _("Correct invoice")})


@require_POST
@requires("abroad.handle_case")
def stay_note_resolve(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    who = principal(request)
    case = selectors.case_for_page(who, pk)
    note = get_object_or_404(StayNote, pk=note_pk, case=case)
    followup.stay_note_resolve(actor=who, note=note)
    return redirect("abroad:case", pk=pk)


@requires("abroad.view_case", "abroad.assess_case")
def document_file(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    return serve_document_file(
        principal(request),
        Document.objects.select_related("case"),
        person_id=lambda document: document.case.patient_id,
        pk=document_pk,
        case_id=pk,
    )


# ---------------------------------------------------------------- medical advisers


@requires("abroad.assess_case")
def adviser_assessments(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    rows = list(selectors.adviser_assessments(who))
    read_rows(
        who,
        rows,
        label=_("Assessments to give"),
        shown=["name", "case_number"],
        person_ids=[a.case.patient_id for a in rows],
    )
    return render(request, "abroad/adviser_assessments.html", {"rows": rows})


@requires("abroad.assess_case")
def assessment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    who = principal(request)
    assessment = get_visible_or_404(
        who, Assessment.objects.select_related("case", "case__patient", "expert_community"), pk=pk
    )
    if who.user is None or assessment.adviser_id != who.user.pk:
        # Another adviser's assessment (perhaps in a case this adviser also assesses) does not exist for them.
        audit_denied(who, obj=assessment, label=assessment.case.number, detail={"action": "assess"})
        raise Http404
    case = assessment.case
    form = AssessmentAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cases.assessment_answer(
                actor=who,
                assessment=assessment,
                recommendation=form.cleaned_data["recommendation"],
                conclusion=form.cleaned_data["conclusion"],
            )
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your assessment is registered in case %(number)s.") % {"number": case.number})
            return redirect("abroad:adviser_assessments")
    read_for(who, case, shown=["name", "diagnosis", "requested_treatment", "documents"])
    return render(
        request,
        "abroad/assessment_answer.html",
        {"assessment": assessment, "case": case, "form": form, "documents": selectors.case_documents(case)},
    )


# ---------------------------------------------------------------- registers


@requires("abroad.view_case", "abroad.manage_methods")
def methods(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "abroad/methods.html",
        {"methods": Method.objects.all(), "can_edit": principal(request).has("abroad.manage_methods")},
    )


@requires("abroad.manage_methods")
def method_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    method = get_object_or_404(Method, pk=pk) if pk else None
    form = MethodForm(request.POST or None, instance=method)
    if request.method == "POST" and form.is_valid():
        try:
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            registers.method_save(actor=principal(request), method=method, **values)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The register is updated."))
            return redirect("abroad:methods")
    return render(
        request,
        "abroad/simple_form.html",
        {"form": form, "title": _("Method in Nye metoder"), "back": reverse("abroad:methods")},
    )


@requires("abroad.manage_letter_templates")
def letter_templates(request: HttpRequest) -> HttpResponse:
    return render(request, "abroad/letter_templates.html", {"templates": LetterTemplate.objects.all()})


@requires("abroad.manage_letter_templates")
def letter_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(LetterTemplate, pk=pk)
    form = LetterTemplateForm(request.POST or None, initial={"subject": template.subject, "body": template.body})
    if request.method == "POST" and form.is_valid():
        try:
            registers.letter_template_save(actor=principal(request), template=template, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The letter template is saved. Letters already sent are not changed."))
            return redirect("abroad:letter_templates")
    return render(
        request, "abroad/letter_template_form.html", {"form": form, "template": template, "placeholders": PLACEHOLDERS}
    )


@requires("abroad.import_cases")
def exchange_rates(request: HttpRequest) -> HttpResponse:
    from vegvis.core.models import ExchangeRate

    form = RatesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, allowed={"text/csv", "text/plain"})
            result = rates.rates_import(upload.read().decode("utf-8-sig"))
        except (UploadRefused, UnicodeDecodeError) as error:
            form.add_error("file", str(error) if isinstance(error, UploadRefused) else _("The file is not UTF-8 text."))
        except rates.RateFileError as error:
            for problem in error.problems[:50]:
                form.add_error("file", problem)
        else:
            messages.success(
                request,
                _("%(created)s new and %(updated)s updated rates imported.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("abroad:exchange_rates")
    latest = (
        ExchangeRate.objects.order_by("currency", "-date").distinct("currency")
        if _is_pg()
        else ExchangeRate.objects.order_by("-date")[:20]
    )
    return render(request, "abroad/exchange_rates.html", {"form": form, "latest": latest})


def _is_pg() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@requires("access.use_emergency_access")
def emergency_access(request: HttpRequest) -> HttpResponse:
    who = principal(request)
    asked = selectors.CASE_NUMBER.match(request.GET.get("sak", ""))
    initial = {"case_number": f"{int(asked.group(1)):04d}/{int(asked.group(2)):04d}"} if asked else {}
    form = EmergencyAccessForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        number = selectors.CASE_NUMBER.match(form.cleaned_data["case_number"])
        case = None
        if number:
            case = Case.objects.filter(
                office=form.cleaned_data["office"], number=f"{int(number.group(1)):04d}/{int(number.group(2)):04d}"
            ).first()
        if case is None:
            form.add_error("case_number", _("No case with this number at that office."))
        else:
            open_emergency_access(principal=who, obj=case, reason=form.cleaned_data["reason"])
            # No message here: the case page's own banner says it (one banner, not two).
            return redirect("abroad:case", pk=case.pk)
    return render(request, "abroad/emergency_access.html", {"form": form})


# ---------------------------------------------------------------- public journal


@public
def public_journal(request: HttpRequest) -> HttpResponse:
    """The offices' public journal (offentleglova): registrations with the screened parts shown as ******.

    Newest first, paged by a cursor on (registered_on, id) so it stays fast however long the journal grows.
    """
    from vegvis.core.models import Office

    office_code = request.GET.get("kontor", "")
    rows, cursor = selectors.journal_page(office_code=office_code, after=request.GET.get("etter"))
    query = request.GET.copy()
    query.pop("etter", None)
    return render(
        request,
        "abroad/public_journal.html",
        {
            "rows": rows,
            "offices": Office.objects.all(),
            "office_code": office_code,
            "next_url": f"?{query.urlencode()}&etter={cursor}" if cursor else None,
        },
    )
