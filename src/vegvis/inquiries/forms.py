"""The desk's forms: thin, the rules live in the services. Dates are dd.mm.åååå (core.forms.DateField), money
through core.forms.AmountField, files checked by content (core.uploads)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vegvis.casework.steps import Step, StepFormMixin
from vegvis.core.forms import AmountField, DateField
from vegvis.core.uploads import UploadRefused, check_upload
from vegvis.inquiries.models import (
    Case,
    Channel,
    CompensationClaim,
    Complaint,
    ContactedBy,
    FailureType,
    Kind,
    Outcome,
    Scope,
    Service,
)
from vegvis.records.models import LetterLanguage

TEXT = forms.Textarea(attrs={"rows": 6})
ADDRESS = forms.Textarea(attrs={"rows": 3})
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.WEB_FORM]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class RecordRequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.provider} ({obj.sent_on:%d.%m.%Y})"


class ComplaintChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.provider} ({obj.get_recipient_display()})"


class InquiryForm(forms.Form):
    """A phone call, e-mail or letter registered by staff."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    contacted_by = forms.ChoiceField(label=_("Who made contact"), choices=ContactedBy.choices)
    contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    service = forms.ChoiceField(label=_("Service concerned"), choices=Service.choices)
    provider = forms.CharField(label=_("Health provider, if named"), max_length=200, required=False)
    account = forms.CharField(label=_("The account in the person's words"), widget=TEXT, max_length=20000)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Association"), queryset=organisations, empty_label=None
            )
            self.order_fields(["organisation"])


class PublicInquiryForm(forms.Form):
    """The public web form: no login, a consent with its text, and a trap field people never see."""

    contacted_by = forms.ChoiceField(label=_("Are you the patient?"), choices=ContactedBy.choices)
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Your e-mail"),
        required=False,
        help_text=_("If you give it, we send you a receipt with the reference number only."),
    )
    contact_phone = forms.CharField(label=_("Your phone number"), max_length=40, required=False)
    service = forms.ChoiceField(label=_("Which service is it about?"), choices=Service.choices)
    provider = forms.CharField(label=_("Name of the health provider, if you want to"), max_length=200, required=False)
    account = forms.CharField(label=_("What happened? Tell it in your own words"), widget=TEXT, max_length=20000)
    consent = forms.BooleanField(label=_("I agree that the association processes what I have written"))
    # The honeypot: hidden from people (and from screen readers), filled in by robots that fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("contact_email") or data.get("contact_phone")):
            raise forms.ValidationError(_("Give an e-mail address or a phone number, so that we can reach you."))
        return data

    @property
    def is_trapped(self) -> bool:
        return bool(self.data.get("website"))


class TriageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of case"),
        choices=Kind.choices,
        help_text=_(
            "An information case is advice in one or two conversations; in an assistance case the association "
            "acts for the person under a power of attorney."
        ),
    )


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    case_worker = UserChoiceField(label=_("Case worker"), queryset=None, required=False)
    medical_adviser = UserChoiceField(label=_("Medical adviser"), queryset=None, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from vegvis.inquiries.selectors import desk_users

        super().__init__(*args, **kwargs)
        worker_field, adviser_field = self.fields["case_worker"], self.fields["medical_adviser"]
        assert isinstance(worker_field, forms.ModelChoiceField) and isinstance(adviser_field, forms.ModelChoiceField)
        worker_field.queryset = desk_users(case.organisation_id, "inquiries.handle_case")
        adviser_field.queryset = desk_users(case.organisation_id, "inquiries.assess_case")


# ---------------------------------------------------------------- the steps' forms


class StepForm(StepFormMixin, forms.Form):
    """A step's form, built for its case (with the uploaded files, when the step takes one)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    multipart = False

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)

    @classmethod
    def for_step(cls, step: Step, case: Any, data: Any = None, files: Any = None) -> Any:
        return cls(data, files, case=case, initial={"version": case.version})


class LetterStepForm(StepForm):
    """A step that sends a letter: its written form, the case's unless chosen here (the choice is kept on the case;
    empty from the API: the case's)."""

    language = forms.ChoiceField(label=_("Letter language"), choices=LetterLanguage.choices, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["language"].initial = case.letter_language
        self.order_fields([name for name in self.fields if name != "language"])


class PowerOfAttorneyForm(StepForm):
    multipart = True
    granted_by = forms.CharField(label=_("Signed by"), max_length=200)
    scope_records = forms.BooleanField(label=Scope.RECORDS.label, required=False)
    scope_complaints = forms.BooleanField(label=Scope.COMPLAINTS.label, required=False)
    scope_compensation = forms.BooleanField(label=Scope.COMPENSATION.label, required=False)
    scope_meetings = forms.BooleanField(label=Scope.MEETINGS.label, required=False)
    signed_on = DateField(label=_("Signed on"), not_in_future=True)
    valid_until = DateField(label=_("Valid until"), required=False, help_text=_("Empty: until revoked."))
    scan = forms.FileField(label=_("The signed power of attorney (PDF, PNG or JPEG)"))

    def clean_scan(self) -> Any:
        upload = self.cleaned_data["scan"]
        try:
            self.scan_type = check_upload(upload)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload

    def step_arguments(self, case: Any) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        upload = data.pop("scan")
        scopes = [scope for scope in Scope.values if data.pop(f"scope_{scope}")]
        return {
            "case": case,
            **data,
            "scopes": scopes,
            "content": upload.read(),
            "filename": upload.name or "fullmakt.pdf",
            "content_type": self.scan_type,
        }


class RecordRequestForm(LetterStepForm):
    provider = forms.CharField(label=_("Health provider"), max_length=200)
    provider_address = forms.CharField(
        label=_("The provider's postal address"), widget=ADDRESS, max_length=500, required=False
    )
    sent_on = DateField(label=_("Sent on"), not_in_future=True, help_text=_("The answer is due one month later."))


class RecordsReceivedForm(StepForm):
    request = RecordRequestChoiceField(label=_("Request answered"), queryset=None, empty_label=None)
    received_on = DateField(label=_("Records received on"), not_in_future=True)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["request"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.record_requests.filter(received_on__isnull=True)


class RecordReminderForm(LetterStepForm):
    """The reminder to a provider whose answer is past due: which request, and where the letter goes."""

    request = RecordRequestChoiceField(label=_("Request past due"), queryset=None, empty_label=None)
    provider_address = forms.CharField(
        label=_("The provider's postal address"), widget=ADDRESS, max_length=500, required=False
    )
    sent_on = DateField(label=_("Sent on"), not_in_future=True)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from django.utils import timezone

        super().__init__(*args, case=case, **kwargs)
        field = self.fields["request"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.record_requests.filter(received_on__isnull=True, due_on__lt=timezone.localdate())
        self.initial.setdefault("sent_on", timezone.localdate())


class ComplaintForm(StepForm):
    recipient = forms.ChoiceField(label=_("Sent to"), choices=Complaint.Recipient.choices)
    provider = forms.CharField(label=_("The complaint concerns"), max_length=200)
    decision_on = DateField(
        label=_("Date of the decision or event complained of"),
        not_in_future=True,
        help_text=_("The complaint deadline is four weeks from this date."),
    )
    sent_on = DateField(label=_("Sent on"), required=False, not_in_future=True, help_text=_("Empty: not sent yet."))


class ComplaintSentForm(LetterStepForm):
    complaint = ComplaintChoiceField(label=_("Complaint"), queryset=None, empty_label=None)
    sent_on = DateField(label=_("Sent on"), not_in_future=True)
    recipient_address = forms.CharField(
        label=_("The recipient's postal address"), widget=ADDRESS, max_length=500, required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["complaint"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.complaints.filter(sent_on__isnull=True)


class ClaimForm(StepForm):
    act_on = DateField(label=_("Date of the act that caused the injury"), not_in_future=True)
    knew_on = DateField(
        label=_("Date the patient knew or should have known of the injury"),
        not_in_future=True,
        help_text=_("The claim is time-barred 3 years from this date, and in any case 20 years after the act."),
    )
    claimed_loss = AmountField(label=_("Claimed loss (NOK)"), required=False)


class ClaimSentForm(LetterStepForm):
    sent_on = DateField(label=_("Sent to NPE on"), not_in_future=True)
    npe_reference = forms.CharField(label=_("NPE's reference"), max_length=40, required=False)


class DecisionForm(StepForm):
    decision = forms.ChoiceField(label=_("NPE's decision"), choices=CompensationClaim.Decision.choices)
    decision_received_on = DateField(
        label=_("Decision received on"),
        not_in_future=True,
        help_text=_("The appeal deadline to Pasientskadenemnda is three weeks from this date."),
    )
    amount_granted = AmountField(label=_("Amount granted (NOK)"), required=False)


class AppealForm(StepForm):
    appealed_on = DateField(label=_("Appeal sent on"), not_in_future=True)


class BoardDecisionForm(StepForm):
    board_decision = forms.ChoiceField(
        label=_("Pasientskadenemnda's decision"), choices=CompensationClaim.Decision.choices
    )
    board_decided_on = DateField(label=_("Decided on"), not_in_future=True)
    amount_granted = AmountField(label=_("Amount granted (NOK)"), required=False)


class CloseForm(StepForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    failure_type = forms.ChoiceField(
        label=_("Failure type found"), choices=[("", "–"), *FailureType.choices], required=False
    )
    outcome_note = forms.CharField(label=_("What was advised or achieved"), widget=TEXT, required=False)
    amount_granted = AmountField(label=_("Amount granted (NOK)"), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case.kind == Kind.INFORMATION:
            field = self.fields["outcome"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(o.value, o.label) for o in (Outcome.ADVICE_GIVEN, Outcome.WITHDRAWN)]
            for name in ("failure_type", "amount_granted"):
                del self.fields[name]


class ReopenForm(StepForm):
    reason = forms.CharField(label=_("Why the case is reopened"), widget=TEXT, max_length=2000)


# ---------------------------------------------------------------- letters


class PowerOfAttorneyLetterForm(LetterStepForm):
    """The power-of-attorney form sent to the person to sign: what it covers, and where it goes."""

    scope_records = forms.BooleanField(label=Scope.RECORDS.label, required=False, initial=True)
    scope_complaints = forms.BooleanField(label=Scope.COMPLAINTS.label, required=False, initial=True)
    scope_compensation = forms.BooleanField(label=Scope.COMPENSATION.label, required=False, initial=True)
    scope_meetings = forms.BooleanField(label=Scope.MEETINGS.label, required=False, initial=True)
    address = forms.CharField(label=_("The person's postal address"), widget=ADDRESS, max_length=500, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        person = case.person if case.person_id else None
        if person is not None and person.address_line:
            self.fields["address"].initial = f"{person.address_line}\n{person.postal_code} {person.city}".strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"scope_{scope}") for scope in Scope.values):
            raise forms.ValidationError(_("Choose what the power of attorney covers."))
        return data

    def step_arguments(self, case: Any) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        scopes = [scope for scope in Scope.values if data.pop(f"scope_{scope}")]
        return {"case": case, **data, "scopes": scopes}


class LetterTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 24}), max_length=20000)


# ---------------------------------------------------------------- assessments and meetings


class AssessmentRequestForm(StepForm):
    assessor = forms.ChoiceField(label=_("Who assesses the case"), choices=[])
    adviser = UserChoiceField(label=_("Medical adviser"), queryset=None, required=False)
    expert_name = forms.CharField(label=_("External expert"), max_length=200, required=False)
    question = forms.CharField(label=_("Question"), widget=TEXT, max_length=4000)
    due_on = DateField(label=_("Answer due"), help_text=_("The case shows it as due on this date."))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from vegvis.inquiries.models import Assessment
        from vegvis.inquiries.selectors import desk_users

        super().__init__(*args, case=case, **kwargs)
        assessor, adviser = self.fields["assessor"], self.fields["adviser"]
        assert isinstance(assessor, forms.ChoiceField) and isinstance(adviser, forms.ModelChoiceField)
        assessor.choices = Assessment.Assessor.choices
        adviser.queryset = desk_users(case.organisation_id, "inquiries.assess_case")
        self.initial.setdefault("due_on", timezone.localdate() + timedelta(days=21))


class AssessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.expert_name} ({obj.requested_on:%d.%m.%Y})"


class ExpertAssessmentForm(StepForm):
    assessment = AssessmentChoiceField(label=_("Assessment"), queryset=None, empty_label=None)
    answered_on = DateField(label=_("Received on"), not_in_future=True)
    conclusion = forms.CharField(label=_("The expert's assessment"), widget=TEXT, max_length=20000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["assessment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.assessments.filter(assessor="expert", answered_on__isnull=True)


class AdviserAssessmentForm(StepForm):
    conclusion = forms.CharField(label=_("Your assessment"), widget=TEXT, max_length=20000)


class MeetingForm(StepForm):
    provider = forms.CharField(label=_("Health provider"), max_length=200)
    held_on = DateField(label=_("Date of the meeting"), help_text=_("A planned meeting gets its notes afterwards."))
    participants = forms.CharField(label=_("Participants"), max_length=500, required=False)
    notes = forms.CharField(label=_("Notes"), widget=TEXT, max_length=20000, required=False)


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.provider} ({obj.held_on:%d.%m.%Y})"


class MeetingNotesForm(StepForm):
    meeting = MeetingChoiceField(label=_("Meeting"), queryset=None, empty_label=None)
    notes = forms.CharField(label=_("Notes"), widget=TEXT, max_length=20000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.meetings.filter(notes="")


class NotShownBackInput(forms.TextInput):
    """A text field whose value is never rendered back into the page (a national id after a refusal)."""

    def format_value(self, value: Any) -> str | None:
        return None


class TriagePersonForm(TriageForm):
    """Triage with the person: their national id (validated, looked up by keyed hash, never shown back, never in a
    URL or a log) links or registers them; name and date of birth find the same person's open cases too."""

    name = forms.CharField(label=_("The person's name"), max_length=200, required=False)
    national_id = forms.CharField(
        label=_("National identity number"),
        max_length=13,
        required=False,
        help_text=_("11 digits. Links the inquiry to the person, registering them if new."),
        widget=NotShownBackInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_date = DateField(label=_("Date of birth"), required=False, not_in_future=True)
    home_region: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Home region (regional health authority)"),
        queryset=None,
        required=False,
        help_text=_("Needed with the national identity number."),
    )

    def __init__(self, *args: Any, triage: bool = True, **kwargs: Any) -> None:
        from vegvis.core.models import Region

        super().__init__(*args, **kwargs)
        self.triage = triage  # False: only looking for the person's other cases
        field = self.fields["home_region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Region.objects.all()

    def clean_national_id(self) -> str:
        from django.conf import settings

        from vegvis.core.national_id import NationalIdError, parse

        text = self.cleaned_data["national_id"].strip()
        if not text:
            return ""
        try:
            return parse(text, allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS).value
        except NationalIdError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.triage:
            return data
        if data.get("national_id") and not data.get("home_region"):
            self.add_error("home_region", _("Choose the person's home region."))
        if data.get("national_id") and not data.get("name"):
            self.add_error("name", _("Give the person's name."))
        return data
