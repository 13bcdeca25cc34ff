"""Forms of the treatment-abroad pages. They parse and validate input; the services make the changes."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegvis.abroad.models import (
    DUE_REASONS,
    LETTER_LANGUAGES,
    Assessment,
    Case,
    Expense,
    LetterTemplate,
    Method,
    Outcome,
    Route,
    TravelBooking,
)
from vegvis.access.principal import Principal
from vegvis.accounts.models import RoleAssignment, User
from vegvis.core import currency, icd10
from vegvis.core.forms import AmountField, DateField, Select, WholeNumberInput
from vegvis.core.models import Office, Organisation, Region
from vegvis.core.national_id import IdKind, NationalIdError, parse

TEXT = forms.Textarea(attrs={"rows": 4})
LONG_TEXT = forms.Textarea(attrs={"rows": 8})


def today() -> date:
    return timezone.localdate()


class VersionedForm(forms.Form):
    """Carries the case version the user saw, so a change made meanwhile by someone else is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ApplicationForm(forms.Form):
    national_id = forms.CharField(
        label=_("National identity number"), max_length=13, help_text=_("11 digits: fødselsnummer or D-number.")
    )
    id_kind = forms.ChoiceField(
        label=_("Kind of number"),
        choices=[("", _("Fødselsnummer or D-number (found from the digits)")), (IdKind.H_NUMBER.value, _("H-number"))],
        required=False,
    )
    patient_name = forms.CharField(label=_("Patient's name"), max_length=200)
    birth_date = DateField(
        label=_("Date of birth"),
        required=False,
        not_in_future=True,
        help_text=_("Needed only for numbers issued from 2032."),
    )
    home_region = forms.ModelChoiceField(
        label=_("Home region (regional health authority)"), queryset=Region.objects.all()
    )
    address_line = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("Postal town"), max_length=100, required=False)

    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    timing = forms.ChoiceField(label=_("Timing"), choices=Case.Timing.choices, initial=Case.Timing.PRIOR_APPROVAL)
    letter_language = forms.ChoiceField(
        label=_("Written language of letters"),
        choices=LETTER_LANGUAGES,
        initial="nb",
        required=False,  # not sent (an older client): bokmål, the default
        help_text=_("Bokmål or nynorsk: every letter of the case is written in it (målloven)."),
    )
    applicant = forms.ChoiceField(label=_("Applicant"), choices=Case.Applicant.choices)
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=200, required=False)
    received_date = DateField(label=_("Received"), initial=today, not_in_future=True)
    diagnosis_icd10 = forms.CharField(
        label=_("Main diagnosis (ICD-10)"), max_length=8, help_text=_("For example G40.2 or Z31.")
    )
    requested_treatment = forms.CharField(label=_("Requested treatment"), widget=TEXT, required=False)
    method = forms.ModelChoiceField(label=_("Method in Nye metoder"), queryset=Method.objects.all(), required=False)
    hospital = forms.ModelChoiceField(
        label=_("Hospital abroad"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL).exclude(country="NO"),
        required=False,
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Office.objects.all(),
        required=False,
        help_text=_(
            "Leave empty: the office for the patient's home region when you register for it, otherwise your own."
        ),
    )

    representative_name = forms.CharField(label=_("Representative's name"), max_length=200, required=False)
    representative_address = forms.CharField(
        label=_("Representative's address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    representative_scope = forms.CharField(
        label=_("Scope of the power of attorney"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    representative_signed_on = DateField(label=_("Power of attorney signed"), required=False, not_in_future=True)
    representative_valid_until = DateField(label=_("Power of attorney valid until"), required=False)

    def __init__(self, *args: Any, actor: Principal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if actor is not None:
            from vegvis.abroad.services.base import offices_registering_for

            # Only the offices the user may register for (issue 11: others ended in a 403 page).
            cast(forms.ModelChoiceField, self.fields["office"]).queryset = offices_registering_for(actor)

    def clean_national_id(self) -> str:
        # id_kind is cleaned after this field: an unknown value is refused there, next to it (not a server error).
        kind = next((k for k in IdKind if k.value == self.data.get("id_kind")), None)
        try:
            parsed = parse(
                self.cleaned_data["national_id"], allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS, kind=kind
            )
        except NationalIdError as error:
            raise forms.ValidationError(str(error)) from error
        self.parsed_id = parsed
        return parsed.value

    def clean_diagnosis_icd10(self) -> str:
        try:
            return icd10.validate(self.cleaned_data["diagnosis_icd10"])
        except icd10.Icd10Error as error:
            raise forms.ValidationError(str(error)) from error

    def clean_letter_language(self) -> str:
        return str(self.cleaned_data.get("letter_language") or "nb")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed = getattr(self, "parsed_id", None)
        if parsed is not None and parsed.birth_date is None and not data.get("birth_date"):
            self.add_error("birth_date", _("Numbers issued from 2032 carry no century: enter the date of birth."))
        if data.get("applicant") == Case.Applicant.REPRESENTATIVE:
            for name in ("representative_name", "representative_scope", "representative_signed_on"):
                if not data.get(name):
                    self.add_error(name, _("Required when a representative applies on the patient's behalf."))
        return data


class RequestInfoForm(VersionedForm):
    recipient = forms.CharField(label=_("To"), max_length=200)
    text = forms.CharField(label=_("What is missing"), widget=TEXT)


class RegisterInfoForm(VersionedForm):
    received_on = DateField(label=_("Received"), initial=today, not_in_future=True)
    sender = forms.CharField(label=_("From"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=TEXT, required=False)


def person_name(user: User) -> str:
    """How a user is named to other users: the full name, never the login name (issue 11)."""
    return user.get_full_name() or user.email or str(_("(user without a name)"))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class AdviserChoiceField(UserChoiceField):
    """Advisers by full name and, when their role names one, their expert community."""

    def label_from_instance(self, obj: Any) -> str:
        communities = sorted(
            {str(a.organisation) for a in getattr(obj, "adviser_assignments", []) if a.organisation is not None}
        )
        return f"{person_name(obj)} ({', '.join(communities)})" if communities else person_name(obj)


class RequestAssessmentForm(VersionedForm):
    expert_community = forms.ModelChoiceField(
        label=_("Expert community"), queryset=Organisation.objects.filter(kind=Organisation.Kind.EXPERT_COMMUNITY)
    )
    adviser = AdviserChoiceField(
        label=_("Medical adviser who answers in Vegvis"),
        queryset=User.objects.filter(assignments__role__code="medical_adviser", is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "pk")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RoleAssignment.objects.filter(role__code="medical_adviser").select_related("organisation"),
                to_attr="adviser_assignments",
            )
        ),
        required=False,
        help_text=_("Leave empty when the expert community answers by letter."),
    )
    question = forms.CharField(label=_("Question"), widget=TEXT)
    due_on = DateField(label=_("Answer due"), required=False, help_text=_("Default: three weeks."))


class AssessmentAnswerForm(forms.Form):
    # No choice is made for the adviser: the list starts empty and an answer without one is refused (issue 11).
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", _("Choose a recommendation")), *Assessment.Recommendation.choices],
        error_messages={"required": _("Choose whether you support treatment abroad.")},
    )
    conclusion = forms.CharField(label=_("Assessment"), widget=LONG_TEXT)


class AssessmentLetterForm(VersionedForm, AssessmentAnswerForm):
    assessment = forms.ModelChoiceField(label=_("Request it answers"), queryset=Assessment.objects.none())
    answered_on = DateField(label=_("Letter received"), initial=today, not_in_future=True)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["assessment"])
        field.queryset = case.assessments.filter(answered_on__isnull=True).select_related("expert_community")


class DecisionForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Decision"), choices=[])
    decided_on = DateField(label=_("Decision date"), initial=today, not_in_future=True)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        initial="pasient- og brukerrettighetsloven § 2-4 a, prioriteringsforskriften § 3",
    )
    grounds = forms.CharField(
        label=_("Grounds"), widget=LONG_TEXT, help_text=_("The rules, the facts and the main considerations.")
    )
    cover_treatment = forms.BooleanField(label=_("Treatment at the hospital abroad"), required=False, initial=True)
    cover_travel = forms.BooleanField(label=_("Travel for the patient"), required=False, initial=True)
    cover_stay = forms.BooleanField(label=_("Stay during the treatment"), required=False, initial=True)
    cover_companion = forms.BooleanField(label=_("Travel and stay for a companion"), required=False)
    cover_guarantee = forms.BooleanField(label=_("Payment guarantee to the hospital"), required=False, initial=True)
    period_from = DateField(label=_("Covered from"), required=False)
    period_to = DateField(label=_("Covered to"), required=False)
    coverage_note = forms.CharField(
        label=_("Other conditions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    method_override_reason = forms.CharField(
        label=_("Reason for overriding the Nye metoder decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Letter language"),
        choices=LetterTemplate.Language.choices,
        initial="nb",
        help_text=_("The case's written language unless you choose another for this letter."),
    )

    def __init__(self, *args: Any, granting: bool, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            # The case's written language (letters.letter_language); the field lets a single letter differ.
            self.fields["language"].initial = case.letter_language
        self.granting = granting
        if granting:
            cast(forms.ChoiceField, self.fields["outcome"]).choices = [
                (Outcome.GRANTED, Outcome.GRANTED.label),
                (Outcome.PARTLY_GRANTED, Outcome.PARTLY_GRANTED.label),
            ]
        else:
            # A rejection is a rejection: no choice to make, so no field to make it in.
            del self.fields["outcome"]
            for name in list(self.fields):
                if name.startswith("cover_") or name in {
                    "period_from",
                    "period_to",
                    "coverage_note",
                    "method_override_reason",
                }:
                    del self.fields[name]

    @property
    def chosen_outcome(self) -> str:
        return str(self.cleaned_data["outcome"]) if self.granting else Outcome.REJECTED

    def coverage(self) -> dict[str, Any]:
        data = self.cleaned_data
        coverage: dict[str, Any] = {
            key: bool(data.get(f"cover_{key}")) for key in ("treatment", "travel", "stay", "companion", "guarantee")
        }
        if data.get("period_from"):
            coverage["period_from"] = data["period_from"].strftime("%d.%m.%Y")
        if data.get("period_to"):
            coverage["period_to"] = data["period_to"].strftime("%d.%m.%Y")
        if data.get("coverage_note"):
            coverage["note"] = data["coverage_note"]
        return coverage


class WithdrawForm(VersionedForm):
    withdrawn_on = DateField(label=_("Withdrawn on"), initial=today, not_in_future=True)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class ExternalDecisionForm(VersionedForm):
    decided_by = forms.CharField(
        label=_("Decided by"), max_length=200, help_text=_("E.g. St. Olavs hospital, the region's proton group.")
    )
    decided_on = DateField(label=_("Decision date"), initial=today, not_in_future=True)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class AdviceForm(VersionedForm):
    given_on = DateField(label=_("Date"), initial=today, not_in_future=True)
    advice = forms.CharField(label=_("Advice to HELFO"), widget=LONG_TEXT)


class AppealForm(VersionedForm):
    received_date = DateField(label=_("Appeal received"), initial=today, not_in_future=True)
    grounds = forms.CharField(label=_("The patient's grounds"), widget=TEXT, required=False)
    late_reason = forms.CharField(
        label=_("Why a late appeal is taken up"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only when the appeal came after the deadline (forvaltningsloven § 31)."),
    )


class ReverseForm(VersionedForm):
    decided_on = DateField(label=_("Date"), initial=today, not_in_future=True)
    grounds = forms.CharField(label=_("Grounds for reversing"), widget=LONG_TEXT)


class ForwardForm(VersionedForm):
    forwarded_on = DateField(label=_("Forwarded on"), initial=today, not_in_future=True)
    comments = forms.CharField(label=_("The office's comments to the appeals body"), widget=LONG_TEXT, required=False)


class BoardDecisionForm(VersionedForm):
    received_on = DateField(label=_("Decision received"), initial=today, not_in_future=True)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class CloseForm(VersionedForm):
    closed_on = DateField(label=_("Closed on"), initial=today, not_in_future=True)


class ProvisionalReplyForm(VersionedForm):
    expected_by = DateField(label=_("Decision expected by"))
    reason = forms.CharField(label=_("Why the case takes time"), widget=TEXT)


class GuaranteeForm(VersionedForm):
    hospital = forms.ModelChoiceField(
        label=_("Hospital"), queryset=Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL)
    )
    amount = AmountField(label=_("Amount"), min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=currency.choices, widget=Select)
    issued_on = DateField(label=_("Issued on"), initial=today, not_in_future=True)
    valid_until = DateField(label=_("Valid until"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BookingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=TravelBooking.Kind.choices)
    travellers = forms.CharField(label=_("Travellers"), max_length=300, help_text=_("The patient and any companions."))
    companions = forms.IntegerField(
        label=_("Number of companions"), min_value=0, max_value=10, initial=0, widget=WholeNumberInput
    )
    starts_on = DateField(label=_("From"))
    ends_on = DateField(label=_("To"), required=False)
    description = forms.CharField(
        label=_("Details"), max_length=300, help_text=_("E.g. SAS Oslo–Stockholm 08:05, hotel near the hospital.")
    )
    booking_reference = forms.CharField(label=_("Booking reference"), max_length=60, required=False)


class StayNoteForm(VersionedForm):
    text = forms.CharField(label=_("What happened"), widget=TEXT)
    follow_up_on = DateField(label=_("Follow up on"), required=False)


class ExpenseForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Expense.Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Expense.Category.choices)
    creditor = forms.CharField(
        label=_("From"), max_length=200, required=False, help_text=_("The hospital, or the patient for a travel claim.")
    )
    reference = forms.CharField(label=_("Invoice number"), max_length=60, required=False)
    invoice_date = DateField(label=_("Invoice date"), initial=today, not_in_future=True)
    booked_date = DateField(label=_("Accounting date"), required=False, help_text=_("Default: the invoice date."))
    amount = AmountField(label=_("Amount"), min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=currency.choices, widget=Select)
    # Shown only when the amount looks wrong (issue 11): the person must tick it to save such an amount.
    amount_confirmed = forms.BooleanField(
        label=_("I have checked the amount against the invoice, and it is correct"),
        required=False,
        widget=forms.HiddenInput,
    )
    diagnosis_codes = forms.CharField(
        label=_("ICD-10 diagnoses (ISF)"), max_length=200, required=False, help_text=_("Separate with commas.")
    )
    procedure_codes = forms.CharField(label=_("Procedure codes NCSP/NCMP (ISF)"), max_length=200, required=False)
    drg = forms.CharField(
        label=_("DRG"), max_length=20, required=False, help_text=_("Set by the ISF system, registered here.")
    )

    def ask_to_confirm(self, warnings: list[str]) -> None:
        """The amount looked wrong: show why next to it, and the box that must be ticked to save it anyway."""
        field = self.fields["amount_confirmed"]
        field.widget = forms.CheckboxInput()
        advice = _("Correct the amount, or tick the box to save it as it is.")
        self.add_error("amount_confirmed", " ".join([*warnings, str(advice)]))

    @classmethod
    def for_correction(cls, expense: Expense, data: Any = None, *, version: int) -> ExpenseForm:
        initial = {name: getattr(expense, name) for name in cls.base_fields if hasattr(expense, name)}
        initial["version"] = version
        return cls(data, initial=initial)


class SettleForm(forms.Form):
    settled_on = DateField(label=_("Paid on"), initial=today, not_in_future=True)
    confirm = forms.BooleanField(
        label=_("I confirm that this invoice has been paid"),
        error_messages={"required": _("Tick the box to confirm that the invoice has been paid.")},
    )


class DocumentForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    document_date = DateField(label=_("Document date"), initial=today, not_in_future=True)
    correspondent = forms.CharField(label=_("From"), max_length=300)
    correspondent_is_private = forms.BooleanField(
        label=_("The sender is a private person (screened in the public journal)"), required=False, initial=True
    )
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"), required=False)


class MethodForm(forms.ModelForm):
    decided_on = DateField(label=_("Decided on"), required=False, not_in_future=True)

    class Meta:
        model = Method
        fields = ["name", "reference", "decision", "decided_on", "note"]
        widgets = {"note": TEXT}


class LetterTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "vv-textarea-tall"}),
        help_text=_(
            "Plain text. A blank line starts a new paragraph. A short line with text right below it becomes a "
            "heading; a part whose placeholders are empty for the case (no assessment yet) is left out, heading "
            "and all."
        ),
    )


class RatesForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file from Norges Bank"), help_text=_("The daily series B.<currency>.NOK.SP, as CSV.")
    )


class EmergencyAccessForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office that owns the case"), queryset=Office.objects.all())
    case_number = forms.CharField(label=_("Case number"), max_length=12, help_text=_("For example 2020/0012."))
    reason = forms.CharField(label=_("Why you need access now"), widget=TEXT, min_length=20)


class WorklistFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Needs"), required=False, choices=[], widget=Select)
    route = forms.ChoiceField(
        label=_("Route"), required=False, choices=[("", _("All routes")), *Route.choices], widget=Select
    )
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[], widget=Select)
    country = forms.CharField(label=_("Country (ISO code)"), required=False, max_length=2)
    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        required=False,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL).exclude(country="NO"),
        empty_label=_("All hospitals"),
        widget=Select,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Everything open")),
            ("overdue", _("Past the due date")),
            ("provisional_reply", DUE_REASONS["provisional_reply"]),
            ("assessment_overdue", DUE_REASONS["assessment"]),
            ("appeal_deadline", DUE_REASONS["appeal_deadline"]),
            ("appeal_reconsideration", DUE_REASONS["appeal_reconsideration"]),
            ("appeals_body", DUE_REASONS["appeals_body"]),
            ("unpaid_invoices", DUE_REASONS["invoice"]),
        ]
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", _("All regions")),
            *[(r.code, r.name) for r in Region.objects.all()],
        ]


# ---------------------------------------------------------------- reassignment and corrections (issue 11)


class CaseReassignForm(VersionedForm):
    handler = UserChoiceField(
        label=_("New case handler"),
        queryset=User.objects.none(),
        help_text=_("Active case handlers at the case's office."),
        error_messages={"invalid_choice": _("Choose an active case handler at the case's office.")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from vegvis.abroad.selectors import office_case_handlers

        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["handler"])
        field.queryset = office_case_handlers(case.office_id).exclude(pk=case.handler_id or 0)
        field.empty_label = str(_("Choose a case handler"))


class CaseCorrectForm(VersionedForm):
    route = forms.ChoiceField(
        label=_("Route"),
        choices=Route.choices,
        help_text=_("Can be corrected until the decision is made."),
    )
    diagnosis_icd10 = forms.CharField(
        label=_("Main diagnosis (ICD-10)"), max_length=8, help_text=_("For example G40.2 or Z31.")
    )
    requested_treatment = forms.CharField(label=_("Requested treatment"), widget=TEXT, required=False)
    method = forms.ModelChoiceField(label=_("Method in Nye metoder"), queryset=Method.objects.all(), required=False)
    hospital = forms.ModelChoiceField(
        label=_("Hospital abroad"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL).exclude(country="NO"),
        required=False,
    )
    letter_language = forms.ChoiceField(
        label=_("Written language of letters"),
        choices=LETTER_LANGUAGES,
        required=False,  # not sent: unchanged
        help_text=_("The letters the case sends from now on; letters already sent are not changed."),
    )

    def __init__(self, *args: Any, case: Case, route_correctable: bool, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": case.version,
                "route": case.route,
                "diagnosis_icd10": case.diagnosis_icd10,
                "requested_treatment": case.requested_treatment,
                "method": case.method_id,
                "hospital": case.hospital_id,
                "letter_language": case.letter_language,
            },
        )
        super().__init__(*args, **kwargs)
        self.case = case
        if not route_correctable:
            route = self.fields["route"]
            route.disabled = True
            route.help_text = _("The decision is made: the route can no longer be corrected.")

    def clean_diagnosis_icd10(self) -> str:
        try:
            return icd10.validate(self.cleaned_data["diagnosis_icd10"])
        except icd10.Icd10Error as error:
            raise forms.ValidationError(str(error)) from error

    def clean_letter_language(self) -> str:
        return str(self.cleaned_data.get("letter_language") or self.case.letter_language)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "request_info": RequestInfoForm,
    "register_info": RegisterInfoForm,
    "request_assessment": RequestAssessmentForm,
    "register_assessment": AssessmentLetterForm,
    "grant": DecisionForm,
    "reject": DecisionForm,
    "withdraw": WithdrawForm,
    "record_external_grant": ExternalDecisionForm,
    "record_external_rejection": ExternalDecisionForm,
    "give_advice": AdviceForm,
    "register_appeal": AppealForm,
    "reverse_on_appeal": ReverseForm,
    "forward_appeal": ForwardForm,
    "record_appeal_upheld": BoardDecisionForm,
    "record_appeal_reversed": BoardDecisionForm,
    "close": CloseForm,
}

FOLLOW_UP_FORMS: dict[str, type[forms.Form]] = {
    "provisional_reply": ProvisionalReplyForm,
    "guarantee": GuaranteeForm,
    "booking": BookingForm,
    "stay_note": StayNoteForm,
    "expense": ExpenseForm,
    "document": DocumentForm,
}
