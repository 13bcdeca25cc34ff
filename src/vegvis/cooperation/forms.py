"""The register's forms: an agreement (entered or corrected), the organisation's dispute, the public filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from vegvis.cooperation.models import Agreement, Cover, Kind, RuleSetName
from vegvis.cooperation.services import AgreementData, EventData, LogoUseData, SignedPdf
from vegvis.core.forms import AmountField, DateField, Select, WholeNumberInput
from vegvis.core.models import Organisation
from vegvis.core.uploads import UploadRefused, check_upload

TEXT = forms.Textarea(attrs={"rows": 3})
YES_NO = [("ja", _("Yes")), ("nei", _("No"))]


class YesNo(forms.TypedChoiceField):
    """A required yes/no answer: radio buttons, so "no" is an answer given, not a box left empty."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO, coerce=lambda value: value == "ja", widget=forms.RadioSelect, empty_value=None, **kwargs
        )


class AgreementForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Organisation.objects.none(), widget=Select)
    organisation = forms.ModelChoiceField(
        label=_("Patient organisation"), queryset=Organisation.objects.none(), widget=Select
    )
    third_party = forms.CharField(
        label=_("Third party acting for the supplier"),
        required=False,
        max_length=200,
        help_text=_("The company's name, if any. It is published with the agreement."),
    )
    kind = forms.ChoiceField(label=_("Kind of agreement"), choices=Kind.choices, widget=Select)
    written = YesNo(label=_("Is there a written agreement?"))
    signed_on = DateField(label=_("Signed"), required=False, help_text=_("Empty when not signed."))
    starts_on = DateField(label=_("Cooperation starts"))
    ends_on = DateField(label=_("Cooperation ends"), required=False, help_text=_("Empty when open-ended."))
    amount_nok = AmountField(label=_("Amount (NOK)"), required=False, min_value=0)
    in_kind_value_nok = AmountField(label=_("Value given in kind (NOK)"), required=False, min_value=0)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=TEXT, max_length=5000)
    exclusive = YesNo(label=_("Is the agreement exclusive?"))
    transparency_clause = YesNo(label=_("Does it have a transparency clause?"))
    market_value_stated = YesNo(label=_("Does it state the market value of each party's contribution?"))
    event_name = forms.CharField(label=_("Event supported"), required=False, max_length=200)
    event_country = forms.ChoiceField(
        label=_("Country of the event"), required=False, choices=[("", "—"), *countries], widget=Select
    )
    event_covers = forms.MultipleChoiceField(
        label=_("The support for the event covers"),
        required=False,
        choices=Cover.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    logo_approved_on = DateField(label=_("Use of logo or material: approved by the organisation"), required=False)
    logo_purpose = forms.CharField(label=_("Use of logo or material: purpose"), required=False, max_length=300)
    logo_manner = forms.CharField(label=_("Use of logo or material: manner"), required=False, max_length=300)
    signed_pdf = forms.FileField(label=_("The signed agreement (PDF)"), required=False)

    def __init__(self, *args: Any, suppliers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.PATIENT_ORGANISATION
        )

    @classmethod
    def initial_from(cls, agreement: Agreement) -> dict[str, Any]:
        yes_no = {True: "ja", False: "nei"}
        initial: dict[str, Any] = {
            "supplier": agreement.supplier_id,
            "organisation": agreement.organisation_id,
            "third_party": agreement.third_party,
            "kind": agreement.kind,
            "written": yes_no[agreement.written],
            "signed_on": agreement.signed_on,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
            "amount_nok": agreement.amount_nok,
            "in_kind_value_nok": agreement.in_kind_value_nok,
            "purpose": agreement.purpose,
            "exclusive": yes_no[agreement.exclusive],
            "transparency_clause": yes_no[agreement.transparency_clause],
            "market_value_stated": yes_no[agreement.market_value_stated],
        }
        event = getattr(agreement, "event", None)
        if event is not None:
            initial |= {"event_name": event.name, "event_country": str(event.country), "event_covers": event.covers}
        logo = agreement.logo_uses.first()
        if logo is not None:
            initial |= {"logo_approved_on": logo.approved_on, "logo_purpose": logo.purpose, "logo_manner": logo.manner}
        return initial

    def clean_signed_pdf(self) -> SignedPdf | None:
        upload = self.cleaned_data.get("signed_pdf")
        if not upload:
            return None
        try:
            check_upload(upload, allowed={"application/pdf"})
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from refused
        return SignedPdf(content=upload.read(), filename=upload.name or "avtale.pdf")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The cooperation cannot end before it starts."))
        has_event = any(data.get(name) for name in ("event_name", "event_country", "event_covers"))
        if has_event and not data.get("event_country"):
            self.add_error("event_country", _("Choose the country where the event takes place."))
        return data

    def agreement_data(self) -> AgreementData:
        data = self.cleaned_data
        event = (
            EventData(name=data["event_name"], country=data["event_country"], covers=tuple(data["event_covers"]))
            if data.get("event_country")
            else None
        )
        has_logo = any(data.get(name) for name in ("logo_approved_on", "logo_purpose", "logo_manner"))
        logo_uses = (
            (
                LogoUseData(
                    approved_on=data["logo_approved_on"], purpose=data["logo_purpose"], manner=data["logo_manner"]
                ),
            )
            if has_logo
            else ()
        )
        return AgreementData(
            supplier=data["supplier"],
            organisation=data["organisation"],
            kind=data["kind"],
            third_party=data["third_party"],
            written=data["written"],
            signed_on=data["signed_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            amount_nok=data["amount_nok"],
            in_kind_value_nok=data["in_kind_value_nok"],
            purpose=data["purpose"],
            exclusive=data["exclusive"],
            transparency_clause=data["transparency_clause"],
            market_value_stated=data["market_value_stated"],
            event=event,
            logo_uses=logo_uses,
        )


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("Why the organisation disputes the agreement"), widget=TEXT, max_length=2000)


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    supplier = forms.TypedChoiceField(label=_("Supplier"), required=False, coerce=int, empty_value=None, widget=Select)
    organisation = forms.TypedChoiceField(
        label=_("Patient organisation"), required=False, coerce=int, empty_value=None, widget=Select
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices], widget=Select
    )
    min_total = AmountField(label=_("Total from (NOK)"), required=False, min_value=0, help_text="")
    max_total = AmountField(label=_("Total up to (NOK)"), required=False, min_value=0, help_text="")

    def __init__(
        self, *args: Any, suppliers: QuerySet[Organisation], organisations: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", _("All suppliers")), *((o.pk, o.name) for o in suppliers)]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", _("All organisations")),
            *((o.pk, o.name) for o in organisations),
        ]


# ---------------------------------------------------------------- the register's administration


class RuleSetsForm(forms.Form):
    rule_sets = forms.MultipleChoiceField(
        label=_("Rule sets the supplier is bound by"),
        choices=RuleSetName.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one rule set.")},
    )


class HomeCountryForm(forms.Form):
    country = forms.ChoiceField(label=_("Home country"), choices=countries, widget=Select)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999, widget=WholeNumberInput)
    amount = AmountField(
        label=_("Budget (NOK)"),
        required=False,
        min_value=0,
        help_text=_("For example 412 345,50. Leave empty to remove the budget for the year."),
    )


class PositionForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Organisation.objects.none(), widget=Select)
    employee_name = forms.CharField(label=_("The employee's name"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Patient organisation"), queryset=Organisation.objects.none(), widget=Select
    )
    role = forms.CharField(
        label=_("Position"), required=False, max_length=200, help_text=_("For example board member.")
    )
    starts_on = DateField(label=_("From"))
    ends_on = DateField(label=_("To"), required=False, help_text=_("Empty while the position is held."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.SUPPLIER
        ).order_by("name")
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.PATIENT_ORGANISATION
        ).order_by("name")

    def clean_employee_name(self) -> str:
        return str(self.cleaned_data["employee_name"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The position cannot end before it starts."))
        return data
