"""Early access: compassionate-use programmes under the national standard agreements, the patients treated in them,
and experimental treatment of single patients outside clinical studies (DOMAIN.md §5, issue 16)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vegvis.core.atc import validate_atc
from vegvis.core.models import Organisation, Person, Region

# The series of casework.numbering: treatments are numbered per hospital and year.
TREATMENT_NUMBER_KIND = "earlyaccess"
EXPERIMENTAL_NUMBER_KIND = "earlyaccess-experimental"

# core.LegalDeadline keys (seeded in migration 0002; an administrator edits the periods).
SHORT_DURATION_DEADLINE = "earlyaccess_short_duration"
EXEMPTION_DEADLINE = "earlyaccess_exemption_validity"
EXEMPTION_WARNING = "earlyaccess_exemption_warning"  # how long before expiry the worklist flags it

# The payer no cost entry may name: the patient never pays for experimental treatment (national guideline 2019).
PATIENT_PAYER = "patient"


class OrganisationRegion(models.Model):
    """The regional health authority a Norwegian hospital (health trust) belongs to, or which an RHF's own
    organisation is. A hospital's agreements are its region's; a regional user's overview is its region's."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="earlyaccess_region", verbose_name=_("organisation")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("regional health authority")
    )

    class Meta:
        verbose_name = _("organisation's health region")
        verbose_name_plural = _("organisations' health regions")

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.region.short_name}"


class Basis(models.TextChoices):
    PROGRAMME = "programme", _("Approved compassionate-use programme")
    EXEMPTION = "exemption", _("Named-patient exemption")


class AgreementKind(models.TextChoices):
    STANDARD = "standard", _("National standard agreement")
    SHORT_DURATION = "short_duration", _("Standard agreement for short expected duration")


class Programme(models.Model):
    """A drug without marketing authorisation offered free of charge by its supplier until Beslutningsforum
    decides. Not personal data: the public list shows these fields (but never a patient)."""

    drug_name = models.CharField(_("drug name"), max_length=200)
    active_substance = models.CharField(_("active substance"), max_length=200)
    atc_code = models.CharField(_("ATC code"), max_length=7, blank=True, validators=[validate_atc])
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="earlyaccess_supplied", verbose_name=_("supplier")
    )
    indication = models.TextField(_("indication"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    agreement_kind = models.CharField(_("standard agreement"), max_length=20, choices=AgreementKind.choices)
    marketing_authorised_on = models.DateField(_("marketing authorisation"), null=True, blank=True)
    # The method in the national system for new methods, shared with treatment abroad (read through
    # abroad.selectors.method_decisions; docs/modules/earlyaccess.md, "The methods register").
    method = models.ForeignKey(
        "abroad.Method",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Nye metoder method"),
    )
    cost_terms = models.TextField(_("cost terms as written in the agreement"), blank=True)
    # The hospital whose pharmacy registered the programme and keeps it.
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="earlyaccess_programmes", verbose_name=_("hospital")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["drug_name", "pk"]
        verbose_name = _("early-access programme")
        verbose_name_plural = _("early-access programmes")
        permissions = [
            ("manage_programme", "Register programmes, exemptions and regional agreements"),
            ("view_overview", "See the regional overview of early access (aggregates only)"),
        ]

    def __str__(self) -> str:
        return f"{self.drug_name} ({self.active_substance})"


class Exemption(models.Model):
    """A named-patient exemption from the Norwegian Medical Products Agency, granted for at most a year; each
    renewal is a new row, so the renewals are the rows after the first."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="exemptions")
    granted_on = models.DateField(_("granted"))
    valid_until = models.DateField(_("valid until"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "granted_on", "pk"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("granted_on")), name="earlyaccess_exemption_ends_after_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.granted_on} – {self.valid_until}"


class RegionalAgreement(models.Model):
    """The programme's signed standard agreement for one regional health authority (concluded by Sykehusinnkjøp);
    no patient in that region's hospitals may start before ``signed_on``."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="agreements")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    signed_on = models.DateField(_("agreement date"))
    reference = models.CharField(_("agreement reference"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "region__order"]
        verbose_name = _("regional agreement")
        verbose_name_plural = _("regional agreements")
        constraints = [models.UniqueConstraint(fields=["programme", "region"], name="earlyaccess_agreement_per_region")]

    def __str__(self) -> str:
        return f"{self.programme}: {self.region.short_name} {self.signed_on}"


class StopReason(models.TextChoices):
    COMPLETED = "completed", _("Treatment completed")
    NO_EFFECT = "no_effect", _("Lack of effect")
    ADVERSE = "adverse", _("Adverse effects")
    AUTHORISED = "authorised", _("Drug authorised or decided by Beslutningsforum")
    PATIENT_CHOICE = "patient_choice", _("The patient's wish")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")


class PatientTreatment(models.Model):
    """One patient treated with a programme's drug at a hospital."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="treatments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("patient"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="earlyaccess_treatments", verbose_name=_("hospital")
    )
    # The hospital's region when the treatment started: what the overview counts by, and what policies filter by.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("number"), max_length=20, editable=False)
    # A national id typed for a person the clinician could not see (registered by another system or hospital):
    # the treatment keeps and shows the name as typed, never the register's (as treatment abroad's withheld
    # patient); it does not make the register's person visible (policies._persons_of_visible_treatments).
    patient_withheld = models.BooleanField(default=False, editable=False)
    stated_name = models.CharField(_("name as typed"), max_length=200, blank=True, editable=False)
    consultant = models.CharField(_("responsible senior consultant"), max_length=200)
    started_on = models.DateField(_("start date"))
    expected_end_on = models.DateField(_("expected end"), null=True, blank=True)
    stopped_on = models.DateField(_("stop date"), null=True, blank=True)
    stop_reason = models.CharField(_("reason for stopping"), max_length=20, choices=StopReason.choices, blank=True)
    stop_note = models.TextField(_("note on stopping"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("early-access treatment")
        verbose_name_plural = _("early-access treatments")
        permissions = [
            ("view_treatment", "See the hospital's patients in early access and experimental treatment"),
            ("manage_treatment", "Start, stop and follow up the hospital's patients"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "year", "serial"], name="earlyaccess_treatment_number"),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="earlyaccess_treatment_stops_after_start",
            ),
        ]
        indexes = [models.Index(fields=["hospital", "stopped_on"]), models.Index(fields=["region", "started_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return f"early access {self.number}"

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    @property
    def patient_name(self) -> str:
        """The patient's name as this treatment may show it (see ``patient_withheld``)."""
        return self.stated_name if self.patient_withheld else self.person.name


class EndReason(models.TextChoices):
    """Why an experimental treatment ended (the plan's stop criteria, the guideline's reporting)."""

    PLANNED = "planned", _("Planned end")
    STOP_CRITERION = "stop_criterion", _("Stop criterion met")
    ADVERSE_EVENT = "adverse_event", _("Adverse event")
    PATIENT_CHOICE = "patient_choice", _("The patient's wish")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")


class ExperimentalTreatment(models.Model):
    """A single patient's experimental treatment outside a clinical study: why no study, the judgement that it is
    sound, the consent and the plan (national guideline for experimental treatment, 2019)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("patient"))
    hospital = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="earlyaccess_experimental", verbose_name=_("hospital")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("number"), max_length=20, editable=False)
    # A national id typed for a person the clinician could not see (registered by another system or hospital):
    # the treatment keeps and shows the name as typed, never the register's (as treatment abroad's withheld
    # patient); it does not make the register's person visible (policies._persons_of_visible_treatments).
    patient_withheld = models.BooleanField(default=False, editable=False)
    stated_name = models.CharField(_("name as typed"), max_length=200, blank=True, editable=False)
    treatment = models.CharField(_("treatment"), max_length=300)
    consultant = models.CharField(_("responsible senior consultant"), max_length=200)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(_("note on ending"), blank=True)
    why_no_study = models.TextField(_("why a clinical study is not possible"))
    soundness = models.TextField(_("judgement that the treatment is sound"))
    consent_on = models.DateField(_("consent given"))
    consent_taken_by = models.CharField(_("consent taken by"), max_length=200)
    consent_information = models.TextField(_("information given to the patient"))
    purpose = models.TextField(_("purpose"))
    goals = models.TextField(_("goals"))
    frequency_and_duration = models.TextField(_("frequency and duration"))
    monitoring = models.TextField(_("monitoring"))
    responsible_persons = models.TextField(_("responsible persons"))
    stop_criteria = models.TextField(_("stop criteria"))
    evaluation_plan = models.TextField(_("evaluation plan"))
    risk_analysis = models.TextField(_("risk analysis"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("experimental treatment")
        verbose_name_plural = _("experimental treatments")
        constraints = [
            models.UniqueConstraint(fields=["hospital", "year", "serial"], name="earlyaccess_experimental_number"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="earlyaccess_experimental_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["hospital", "ended_on"]), models.Index(fields=["region", "started_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return f"experimental {self.number}"

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    @property
    def patient_name(self) -> str:
        """The patient's name as this treatment may show it (see ``patient_withheld``)."""
        return self.stated_name if self.patient_withheld else self.person.name


class Seriousness(models.TextChoices):
    NON_SERIOUS = "non_serious", _("Not serious")
    SERIOUS = "serious", _("Serious")
    LIFE_THREATENING = "life_threatening", _("Life-threatening")
    FATAL = "fatal", _("Fatal")


class EventOutcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    RECOVERING = "recovering", _("Recovering")
    NOT_RECOVERED = "not_recovered", _("Not recovered")
    SEQUELAE = "sequelae", _("Recovered with sequelae")
    FATAL = "fatal", _("Fatal")
    UNKNOWN = "unknown", _("Unknown")


class AdverseEvent(models.Model):
    treatment = models.ForeignKey(ExperimentalTreatment, on_delete=models.PROTECT, related_name="adverse_events")
    occurred_on = models.DateField(_("date"))
    seriousness = models.CharField(_("seriousness"), max_length=20, choices=Seriousness.choices)
    description = models.TextField(_("description"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=EventOutcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["treatment", "occurred_on", "pk"]
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")

    def __str__(self) -> str:
        return f"{self.treatment.number}: {self.occurred_on} {self.seriousness}"


class Benefit(models.TextChoices):
    CLEAR = "clear", _("Clear benefit")
    SOME = "some", _("Some benefit")
    NONE = "none", _("No benefit")
    UNCLEAR = "unclear", _("Too early to say")


class Risk(models.TextChoices):
    ACCEPTABLE = "acceptable", _("Acceptable")
    UNCERTAIN = "uncertain", _("Uncertain")
    UNACCEPTABLE = "unacceptable", _("Not acceptable")


class Evaluation(models.Model):
    treatment = models.ForeignKey(ExperimentalTreatment, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField(_("date"))
    benefit = models.CharField(_("benefit"), max_length=20, choices=Benefit.choices)
    risk = models.CharField(_("risk"), max_length=20, choices=Risk.choices)
    assessment = models.TextField(_("assessment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["treatment", "evaluated_on", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.treatment.number}: {self.evaluated_on}"


class Payer(models.TextChoices):
    HOSPITAL = "hospital", _("The hospital")
    REGION = "region", _("The regional health authority")
    SUPPLIER = "supplier", _("The supplier")


class CostEntry(models.Model):
    treatment = models.ForeignKey(ExperimentalTreatment, on_delete=models.PROTECT, related_name="costs")
    incurred_on = models.DateField(_("date"))
    description = models.CharField(_("what for"), max_length=300)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=12, decimal_places=2)
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["treatment", "incurred_on", "pk"]
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        constraints = [
            # The patient never pays (national guideline): refused by the service, and here for any other path.
            models.CheckConstraint(condition=~Q(payer=PATIENT_PAYER), name="earlyaccess_cost_patient_never_pays"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="earlyaccess_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.treatment.number}: {self.incurred_on} {self.amount}"
