"""The consultations' forms: thin, the rules live in the services. Dates are dd.mm.åååå (core.forms.DateField);
attachments are checked by content (core.uploads) before a service sees them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vegvis.casework.steps import Step, StepFormMixin
from vegvis.consultations.models import Consultation, Input, MemberBody, Use
from vegvis.consultations.services import Attachment, ConsultationData
from vegvis.core.forms import DateField
from vegvis.core.uploads import UploadRefused, check_upload

TEXT = forms.Textarea(attrs={"rows": 8})
MAX_ATTACHMENTS = 5


class StepForm(StepFormMixin, forms.Form):
    """A step of the table: it takes nothing but the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_step(cls, step: Step, case: Any, data: Any = None, files: Any = None) -> Any:
        return cls(data, initial={"version": case.version})


class BodyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.organisation.name


class ConsultationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=200)
    issuer_reference = forms.CharField(label=_("Issuer's reference"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False)
    issued_on = DateField(label=_("Sent on consultation by the issuer"))
    issuer_deadline = DateField(label=_("The issuer's deadline"))
    internal_deadline = DateField(label=_("Internal deadline for input"))
    links = forms.CharField(
        label=_("The issuer's links"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One a line: the title, a space and the address (https://…)."),
    )
    invited = BodyChoiceField(
        label=_("Invited bodies"),
        queryset=MemberBody.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = bodies  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(consultation: Consultation) -> dict[str, Any]:
        return {
            "version": consultation.version,
            **{
                name: getattr(consultation, name)
                for name in (
                    "issuer",
                    "issuer_reference",
                    "title",
                    "description",
                    "issued_on",
                    "issuer_deadline",
                    "internal_deadline",
                )
            },
            "links": "\n".join(f"{link.title} {link.url}" for link in consultation.links.all()),
            "invited": list(consultation.invited.values_list("pk", flat=True)),
        }

    def clean_links(self) -> list[tuple[str, str]]:
        validate = forms.URLField(assume_scheme="https")
        found = []
        for line in self.cleaned_data["links"].splitlines():
            line = line.strip()
            if not line:
                continue
            title, _space, url = line.rpartition(" ")
            url = validate.clean(url)
            if not url.startswith(("https://", "http://")):
                raise forms.ValidationError(_("Give each link's address as https://…"))
            found.append(((title or url)[:200], url))
        return found

    def data_object(self) -> ConsultationData:
        data = self.cleaned_data
        return ConsultationData(
            issuer=data["issuer"],
            issuer_reference=data["issuer_reference"],
            title=data["title"],
            description=data["description"],
            issued_on=data["issued_on"],
            issuer_deadline=data["issuer_deadline"],
            internal_deadline=data["internal_deadline"],
            links=tuple(data["links"]),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` files (PDF, PNG, JPEG), each checked by its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Attachment]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(count)s attachments.") % {"count": MAX_ATTACHMENTS})
        attachments = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                content_type = check_upload(upload)
            except UploadRefused as error:
                raise forms.ValidationError(str(error)) from error
            attachments.append(
                Attachment(content=upload.read(), filename=upload.name or "vedlegg", content_type=content_type)
            )
        return attachments


class InputForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Input"), widget=forms.Textarea(attrs={"rows": 14}), max_length=100_000)
    attachments = AttachmentsField(label=_("Attachments (PDF, PNG or JPEG)"), required=False)
    contains_personal_data = forms.BooleanField(
        label=_("The input contains personal data (it is then not published)"), required=False
    )


class UseForm(forms.Form):
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices, widget=forms.RadioSelect(attrs={"class": "ds-input"}))
    explanation = forms.CharField(label=_("How it was used, in a sentence"), max_length=500)
    contains_personal_data = forms.BooleanField(
        label=_("The input contains personal data (it is then not published)"), required=False
    )


class InputChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.body.organisation.name}"


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=TEXT, max_length=100_000)
    # A text box with the numeric keyboard, never the browser's number box (which changes on a scroll).
    order = forms.IntegerField(
        label=_("Order"), min_value=1, max_value=999, initial=1, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    inputs = InputChoiceField(
        label=_("Inputs bearing on it"),
        queryset=Input.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inputs"].queryset = consultation.inputs.select_related("body__organisation")  # type: ignore[attr-defined]


class IntroductionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Introduction of the response"), widget=TEXT, required=False, max_length=20_000)


class IssuerDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = AttachmentsField(label=_("The document (PDF)"))
