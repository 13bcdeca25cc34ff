"""Early access's forms: thin; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vegvis.core.atc import validate_atc
from vegvis.core.forms import AmountField, DateField, Select
from vegvis.core.models import Organisation, Region
from vegvis.earlyaccess.models import (
    PATIENT_PAYER,
    AgreementKind,
    Basis,
    Benefit,
    EndReason,
    EventOutcome,
    Payer,
    Programme,
    Risk,
    Seriousness,
    StopReason,
)
from vegvis.earlyaccess.services import PATIENT_NEVER_PAYS, ExperimentalData, ProgrammeData

TEXT = forms.Textarea(attrs={"rows": 3})


class NotShownBackInput(forms.TextInput):
    """A national id is never rendered back into the page."""

    def format_value(self, value: Any) -> str | None:
        return None


class ProgrammeForm(forms.Form):
    drug_name = forms.CharField(label=_("Drug name"), max_length=200)
    active_substance = forms.CharField(label=_("Active substance"), max_length=200)
    atc_code = forms.CharField(
        label=_("ATC code"), max_length=10, required=False, validators=[validate_atc], help_text=_("When known.")
    )
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Organisation.objects.none(), widget=Select)
    indication = forms.CharField(label=_("Indication"), widget=TEXT, max_length=4000)
    basis = forms.ChoiceField(label=_("Basis"), choices=Basis.choices, widget=forms.RadioSelect)
    agreement_kind = forms.ChoiceField(
        label=_("Standard agreement"), choices=AgreementKind.choices, widget=forms.RadioSelect
    )
    marketing_authorised_on = DateField(label=_("Marketing authorisation"), required=False)
    method = forms.TypedChoiceField(
        label=_("Nye metoder method"), required=False, coerce=int, empty_value=None, widget=Select
    )
    cost_terms = forms.CharField(
        label=_("Cost terms as written in the agreement"), widget=TEXT, required=False, max_length=4000
    )
    owner = forms.ModelChoiceField(label=_("Hospital"), queryset=Organisation.objects.none(), widget=Select)

    def __init__(
        self, *args: Any, hospitals: QuerySet[Organisation], methods: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = hospitals  # type: ignore[attr-defined]
        self.fields["method"].choices = [("", "—"), *methods]  # type: ignore[attr-defined]

    def data_for_service(self) -> ProgrammeData:
        d = self.cleaned_data
        return ProgrammeData(
            drug_name=d["drug_name"],
            active_substance=d["active_substance"],
            atc_code=d["atc_code"],
            supplier=d["supplier"],
            indication=d["indication"],
            basis=d["basis"],
            agreement_kind=d["agreement_kind"],
            marketing_authorised_on=d["marketing_authorised_on"],
            method_id=d["method"],
            cost_terms=d["cost_terms"],
            owner=d["owner"],
        )


class ProgrammeEditForm(ProgrammeForm):
    """The programme's fields but its hospital, with the version read (a changed programme is not overwritten)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, programme: Any, methods: list[tuple[int, str]], **kwargs: Any) -> None:
        self.programme = programme
        initial = {
            name: getattr(programme, name)
            for name in ("drug_name", "active_substance", "atc_code", "indication", "basis", "agreement_kind")
        } | {
            "supplier": programme.supplier_id,
            "marketing_authorised_on": programme.marketing_authorised_on,
            "method": programme.method_id,
            "cost_terms": programme.cost_terms,
            "version": programme.version,
        }
        super().__init__(*args, hospitals=Organisation.objects.none(), methods=methods, initial=initial, **kwargs)
        del self.fields["owner"]

    def data_for_service(self) -> ProgrammeData:
        self.cleaned_data["owner"] = self.programme.owner
        return super().data_for_service()


class AgreementForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Regional health authority"), queryset=Region.objects.none(), widget=Select)
    signed_on = DateField(label=_("Agreement date"))
    reference = forms.CharField(label=_("Agreement reference"), max_length=100)

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class ExemptionForm(forms.Form):
    granted_on = DateField(label=_("Granted"))
    valid_until = DateField(label=_("Valid until"), help_text=_("At most a year after it was granted."))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class PatientFields(forms.Form):
    """The patient by national id (never shown back, never in a URL or a log), registered if new."""

    name = forms.CharField(label=_("The patient's name"), max_length=200)
    national_id = forms.CharField(
        label=_("National identity number"),
        max_length=13,
        help_text=_("11 digits."),
        widget=NotShownBackInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    home_region = forms.ModelChoiceField(
        label=_("Home region (regional health authority)"), queryset=Region.objects.all(), widget=Select
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # a bound form is shown again only when something was refused: the id is not in it
            self.fields["national_id"].help_text = _("11 digits. Type it again: it is never shown back.")

    def clean_national_id(self) -> str:
        from vegvis.core.national_id import NationalIdError, parse

        try:
            return parse(
                self.cleaned_data["national_id"].strip(), allow_synthetic=settings.VEGVIS_ALLOW_SYNTHETIC_IDS
            ).value
        except NationalIdError as error:
            raise forms.ValidationError(str(error)) from error


class StartForm(PatientFields):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), widget=Select)
    hospital = forms.ModelChoiceField(label=_("Hospital"), queryset=Organisation.objects.none(), widget=Select)
    consultant = forms.CharField(label=_("Responsible senior consultant"), max_length=200)
    started_on = DateField(label=_("Start date"))
    expected_end_on = DateField(
        label=_("Expected end"),
        required=False,
        help_text=_("Empty under the short-duration agreement: six months after the start."),
    )

    def __init__(self, *args: Any, programmes: QuerySet[Any], hospitals: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["hospital"].queryset = hospitals  # type: ignore[attr-defined]


class StopForm(forms.Form):
    stopped_on = DateField(label=_("Stop date"), not_in_future=True)
    reason = forms.ChoiceField(label=_("Reason for stopping"), choices=StopReason.choices, widget=Select)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False, max_length=4000)


class ExperimentalEndForm(forms.Form):
    ended_on = DateField(label=_("End date"), not_in_future=True)
    reason = forms.ChoiceField(label=_("Reason for ending"), choices=EndReason.choices, widget=Select)
    note = forms.CharField(
        label=_("Note"),
        widget=TEXT,
        required=False,
        max_length=4000,
        help_text=_("Required when the reason is «Other»."),
    )


class ExperimentalForm(PatientFields):
    hospital = forms.ModelChoiceField(label=_("Hospital"), queryset=Organisation.objects.none(), widget=Select)
    treatment = forms.CharField(label=_("Treatment"), max_length=300)
    consultant = forms.CharField(label=_("Responsible senior consultant"), max_length=200)
    started_on = DateField(label=_("Start date"))
    why_no_study = forms.CharField(label=_("Why a clinical study is not possible"), widget=TEXT, max_length=4000)
    soundness = forms.CharField(label=_("Judgement that the treatment is sound"), widget=TEXT, max_length=4000)
    consent_on = DateField(label=_("Consent given"), not_in_future=True)
    consent_taken_by = forms.CharField(label=_("Consent taken by"), max_length=200)
    consent_information = forms.CharField(label=_("Information given to the patient"), widget=TEXT, max_length=4000)
    purpose = forms.CharField(label=_("Purpose"), widget=TEXT, max_length=4000)
    goals = forms.CharField(label=_("Goals"), widget=TEXT, max_length=4000)
    frequency_and_duration = forms.CharField(label=_("Frequency and duration"), widget=TEXT, max_length=4000)
    monitoring = forms.CharField(label=_("Monitoring"), widget=TEXT, max_length=4000)
    responsible_persons = forms.CharField(label=_("Responsible persons"), widget=TEXT, max_length=4000)
    stop_criteria = forms.CharField(label=_("Stop criteria"), widget=TEXT, max_length=4000)
    evaluation_plan = forms.CharField(label=_("Evaluation plan"), widget=TEXT, max_length=4000)
    risk_analysis = forms.CharField(label=_("Risk analysis"), widget=TEXT, max_length=4000)

    def __init__(self, *args: Any, hospitals: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = hospitals  # type: ignore[attr-defined]

    def data_for_service(self) -> ExperimentalData:
        names = ExperimentalData.__dataclass_fields__
        return ExperimentalData(**{name: self.cleaned_data[name] for name in names})


class AdverseEventForm(forms.Form):
    occurred_on = DateField(label=_("Date"), not_in_future=True)
    seriousness = forms.ChoiceField(label=_("Seriousness"), choices=Seriousness.choices, widget=Select)
    description = forms.CharField(label=_("Description"), widget=TEXT, max_length=4000)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EventOutcome.choices, widget=Select)


class EvaluationForm(forms.Form):
    evaluated_on = DateField(label=_("Date"), not_in_future=True)
    benefit = forms.ChoiceField(label=_("Benefit"), choices=Benefit.choices, widget=forms.RadioSelect)
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices, widget=forms.RadioSelect)
    assessment = forms.CharField(label=_("Assessment"), widget=TEXT, max_length=4000)


class CostForm(forms.Form):
    incurred_on = DateField(label=_("Date"), not_in_future=True)
    description = forms.CharField(label=_("What for"), max_length=300)
    amount = AmountField(label=_("Amount (NOK)"), min_value=0)
    payer = forms.ChoiceField(label=_("Payer"), choices=Payer.choices, widget=Select)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("payer") == PATIENT_PAYER:
            # Said plainly, not "not one of the choices", when a client sends the patient as payer.
            self.errors.pop("payer", None)
            self.add_error("payer", _(PATIENT_NEVER_PAYS))
        return data


class OverviewForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Regional health authority"), queryset=Region.objects.none(), widget=Select)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, widget=Select)

    def __init__(self, *args: Any, regions: QuerySet[Region], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, y) for y in years]  # type: ignore[attr-defined]
