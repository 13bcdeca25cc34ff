"""Treatment abroad: cases from receipt to the last invoice, with the case file, appeals and follow-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegvis.core.models import Office, Organisation, Person, PowerOfAttorney, Region
from vegvis.records.models import CaseDocument, LetterTemplateBase


class Route(models.TextChoices):
    TREATMENT_ABROAD = "treatment_abroad", _("Application for treatment abroad (pbrl § 2-4 a)")
    PGD = "pgd", _("Preimplantation genetic diagnosis (PGD)")
    PARTICLE_THERAPY = "particle_therapy", _("Particle therapy referral")
    NORDIC_DRUG_PROTOCOL = "nordic_drug_protocol", _("Nordic drug protocol for children (referral)")
    HELFO_ADVICE = "helfo_advice", _("Advice to HELFO on an EEA refund")


ROUTE_SHORT = {
    Route.TREATMENT_ABROAD: _("Treatment abroad"),
    Route.PGD: _("PGD"),
    Route.PARTICLE_THERAPY: _("Particle therapy"),
    Route.NORDIC_DRUG_PROTOCOL: _("Nordic protocol"),
    Route.HELFO_ADVICE: _("Advice to HELFO"),
}

# Routes counted as applications in the annual report; the others are referrals or advice.
APPLICATION_ROUTES = frozenset({Route.TREATMENT_ABROAD, Route.PGD})
# Routes the offices administer but whose decision is made by another body.
EXTERNALLY_DECIDED_ROUTES = frozenset({Route.PGD, Route.PARTICLE_THERAPY, Route.NORDIC_DRUG_PROTOCOL})


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_RECEIVED = "info_received", _("Information received")
    ASSESSMENT_REQUESTED = "assessment_requested", _("Medical assessment requested")
    ASSESSMENT_RECEIVED = "assessment_received", _("Medical assessment received")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appeal under reconsideration")
    AT_APPEALS_BODY = "at_appeals_body", _("Appeal with the appeals body")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in Status if s != Status.CLOSED]
# What a case is waiting for (Case.due_reason), as the worklist says it.
DUE_REASONS = {
    "provisional_reply": _("Provisional reply due"),
    "decision": _("Decision due"),
    "assessment": _("Medical assessment due"),
    "appeal_deadline": _("Appeal deadline running"),
    "appeal_reconsideration": _("Appeal to reconsider"),
    "appeals_body": _("Waiting for the appeals body"),
    "invoice": _("Invoice to pay"),
    "stay_follow_up": _("Follow up the stay"),
    "follow_up": _("Follow-up"),
}
# The colour of a decision's outcome: a grant green, a partial grant yellow, a rejection red.
OUTCOME_COLOR = {"granted": "success", "partly_granted": "warning", "rejected": "danger"}
DUE_REASONS_PASSED = {"appeal_deadline": _("Appeal deadline expired")}

# The colour of a status tag (Designsystemet's data-color), in lists and on the case page: appeals want attention,
# a rejection is red as its decision is.
STATUS_COLOR = {
    Status.REJECTED: "danger",
    Status.APPEALED: "warning",
    Status.AT_APPEALS_BODY: "warning",
    Status.FOLLOW_UP: "success",
    Status.CLOSED: "neutral",
}
UNDECIDED_STATUSES = [
    Status.RECEIVED,
    Status.INFO_REQUESTED,
    Status.INFO_RECEIVED,
    Status.ASSESSMENT_REQUESTED,
    Status.ASSESSMENT_RECEIVED,
]


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ADVICE_GIVEN = "advice_given", _("Advice given")


GRANT_OUTCOMES = frozenset({Outcome.GRANTED, Outcome.PARTLY_GRANTED})


class Method(models.Model):
    """A method in the national system for new methods (Nye metoder) and Beslutningsforum's decision."""

    class Decision(models.TextChoices):
        INTRODUCED = "introduced", _("Introduced in Norway")
        NOT_INTRODUCED = "not_introduced", _("Not introduced")
        UNDER_ASSESSMENT = "under_assessment", _("Under assessment")

    name = models.CharField(_("method"), max_length=200, unique=True)
    reference = models.CharField(_("Nye metoder ID"), max_length=40, blank=True)
    decision = models.CharField(_("national decision"), max_length=20, choices=Decision.choices)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("method (Nye metoder)")
        verbose_name_plural = _("methods (Nye metoder)")
        permissions = [("manage_methods", "Edit the register of national decisions on new methods")]

    def __str__(self) -> str:
        return self.name


# The series treatment abroad's case numbers are counted in (casework.numbering): YYYY/NNNN per office and year.
CASE_NUMBER_KIND = "abroad"


# Bokmål or nynorsk: the two written forms a letter can be sent in (the same codes as LetterTemplate.Language).
LETTER_LANGUAGES = [("nb", _("Bokmål")), ("nn", _("Nynorsk"))]
LETTER_LANGUAGE_CODES = frozenset({"nb", "nn"})


class Case(models.Model):
    class Applicant(models.TextChoices):
        HOSPITAL_DOCTOR = "hospital_doctor", _("Hospital doctor")
        GP = "gp", _("General practitioner")
        PATIENT = "patient", _("The patient")
        REPRESENTATIVE = "representative", _("Representative with power of attorney")
        REFERRING_BODY = "referring_body", _("Referring body (proton group, paediatric oncology, HELFO)")

    class Timing(models.TextChoices):
        PRIOR_APPROVAL = "prior_approval", _("Prior approval")
        REFUND_AFTER = "refund_after", _("Refund after treatment (no patient-injury cover)")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cases", verbose_name=_("office"))
    patient = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="abroad_cases", verbose_name=_("patient")
    )
    route = models.CharField(_("route"), max_length=30, choices=Route.choices)
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("case number"), max_length=12, editable=False)
    external_id = models.CharField(_("id in source system"), max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED)
    version = models.PositiveIntegerField(default=1, editable=False)

    # The patient as the application gave them, when that is not what the person register holds (issue 10, item 4):
    # - ``stated_name``: the name given, when it differs from the register's (the register's name is kept; the
    #   case page shows the difference to those who may see the person);
    # - ``patient_withheld``: the national id belonged to a person the registering office could not see (another
    #   office's patient). The case then shows only what the application gave (name, address, region); it does not
    #   make the register's person visible, and the register's data is not changed.
    patient_withheld = models.BooleanField(default=False, editable=False)
    stated_name = models.CharField(_("name given in the application"), max_length=200, blank=True, editable=False)
    stated_address = models.CharField(_("address given in the application"), max_length=300, blank=True, editable=False)
    stated_home_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    applicant = models.CharField(_("applicant"), max_length=20, choices=Applicant.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=200, blank=True)
    referring_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referring hospital or body"),
    )
    power_of_attorney = models.ForeignKey(
        PowerOfAttorney,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abroad_cases",
        verbose_name=_("power of attorney"),
    )
    timing = models.CharField(_("timing"), max_length=20, choices=Timing.choices, default=Timing.PRIOR_APPROVAL)
    # The written language (målform) of every letter the case sends (målloven: an answer in the person's own
    # form). Set at registration, changed through case_correct; see letters.letter_language.
    letter_language = models.CharField(
        _("written language of letters"), max_length=2, choices=LETTER_LANGUAGES, default="nb"
    )
    received_date = models.DateField(_("received"))
    diagnosis_icd10 = models.CharField(_("main diagnosis (ICD-10)"), max_length=8)
    diagnosis_chapter = models.CharField(max_length=8, editable=False)
    requested_treatment = models.TextField(_("requested treatment"), blank=True)
    method = models.ForeignKey(
        Method, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("method")
    )
    hospital = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abroad_cases",
        verbose_name=_("hospital abroad"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abroad_cases",
        verbose_name=_("case handler"),
    )

    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    coverage = models.JSONField(_("what is covered"), default=dict, blank=True)
    method_override_reason = models.TextField(_("reason for overriding the Nye metoder decision"), blank=True)
    # The outcome after any appeal, kept in step by the services; the annual report counts grants from it.
    final_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, editable=False)
    provisional_reply_sent_on = models.DateField(_("provisional reply sent"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    # What needs doing next and by when, kept in step by every service that changes the case (worklists sort on it).
    due_on = models.DateField(null=True, blank=True, editable=False)
    due_reason = models.CharField(max_length=40, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "serial"], name="case_number_unique_per_office"),
        ]
        indexes = [
            # Worklists: open cases of an office (or a handler) by what is due first.
            models.Index(fields=["office", "status", "due_on", "id"], name="case_office_worklist"),
            models.Index(fields=["office", "due_on", "id"], name="case_office_open_due", condition=~Q(status="closed")),
            models.Index(
                fields=["handler", "due_on", "id"], name="case_handler_open_due", condition=~Q(status="closed")
            ),
            models.Index(fields=["number"], name="case_number_lookup"),
            models.Index(fields=["received_date", "route"], name="case_received_route"),
            models.Index(fields=["patient"], name="case_patient"),
            # Cases with a withheld patient, searched by the name the application gave (few; see selectors.search).
            models.Index(fields=["office", "id"], name="case_patient_withheld", condition=Q(patient_withheld=True)),
            # Full-text (Norwegian) and trigram indexes exist on PostgreSQL only: migration 0002.
        ]
        permissions = [
            ("handle_case", "Register and handle cases"),
            ("decide_case", "Make decisions in cases"),
            ("assess_case", "Give medical assessments in assigned cases"),
            ("import_cases", "Import cases from other systems"),
            ("manage_letter_templates", "Edit letter templates"),
        ]

    def __str__(self) -> str:
        return self.number

    # How the audit trail names a read of the case (audit.services.read_for): by number, and whose data it is.
    @property
    def audit_label(self) -> str:
        return self.number

    @property
    def audit_person_id(self) -> int | None:
        return self.patient_id

    @property
    def patient_display_name(self) -> str:
        """The patient's name as this case may show it (see ``patient_withheld``)."""
        return self.stated_name if self.patient_withheld else self.patient.name

    @property
    def patient_display_address(self) -> list[str]:
        if self.patient_withheld:
            return [self.stated_address] if self.stated_address else []
        return self.patient.postal_lines

    @property
    def patient_display_region(self) -> Region | None:
        return self.stated_home_region if self.patient_withheld else self.patient.home_region

    @property
    def name_differs(self) -> bool:
        """The application gave another name than the register's (shown without the register's name when withheld)."""
        return bool(self.stated_name) and not self.patient_withheld and self.stated_name != self.patient.name

    @property
    def route_short(self) -> str:
        return str(ROUTE_SHORT[Route(self.route)])

    @property
    def status_label(self) -> str:
        # Not get_status_display(): Django rebuilds a hashable copy of all the choices on every call.
        return str(Status(self.status).label)

    @property
    def status_color(self) -> str:
        return STATUS_COLOR.get(Status(self.status), "info")

    @property
    def final_outcome_color(self) -> str:
        return OUTCOME_COLOR.get(self.final_outcome, "neutral")

    @property
    def due_label(self) -> str:
        """What the worklist says is due next ("Provisional reply due"), or nothing; a deadline that has passed
        while the case waited for it says so (the stored reason is written when the case changes, not daily)."""
        if self.due_reason in DUE_REASONS_PASSED and self.due_on is not None and self.due_on < timezone.localdate():
            return str(DUE_REASONS_PASSED[self.due_reason])
        return str(DUE_REASONS.get(self.due_reason, ""))

    @property
    def is_application(self) -> bool:
        return self.route in APPLICATION_ROUTES

    @property
    def is_externally_decided(self) -> bool:
        return self.route in EXTERNALLY_DECIDED_ROUTES

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class Assessment(models.Model):
    """A request for a medical assessment from a Norwegian expert community, and its answer."""

    class Recommendation(models.TextChoices):
        SUPPORTS = "supports", _("Supports treatment abroad")
        DOES_NOT_SUPPORT = "does_not_support", _("Does not support treatment abroad")
        UNCLEAR = "unclear", _("Unclear / needs more information")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    expert_community = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert community")
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("medical adviser (answers in Vegvis)"),
    )
    question = models.TextField(_("question to the expert community"))
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("answer due"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    by_letter = models.BooleanField(_("answered by letter"), default=False)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices, blank=True)
    conclusion = models.TextField(_("assessment"), blank=True)

    RECOMMENDATION_COLOR: dict[str, str] = {
        "supports": "success",
        "does_not_support": "danger",
        "unclear": "warning",
    }

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("medical assessment")
        verbose_name_plural = _("medical assessments")
        indexes = [models.Index(fields=["adviser", "answered_on"], name="assessment_adviser_open")]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.expert_community}"

    @property
    def recommendation_color(self) -> str:
        """The tag colour of the recommendation: green supports, red does not support, yellow unclear."""
        return self.RECOMMENDATION_COLOR.get(self.recommendation, "neutral")


class Document(CaseDocument):
    """A registration in the case file: a letter or incoming document, with its public-journal entry."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application")
        INFO_REQUEST = "info_request", _("Request for information")
        INFO_RECEIVED = "info_received", _("Additional information")
        ASSESSMENT_REQUEST = "assessment_request", _("Request for medical assessment")
        ASSESSMENT = "assessment", _("Medical assessment")
        PROVISIONAL_REPLY = "provisional_reply", _("Provisional reply")
        DECISION = "decision", _("Decision letter")
        EXTERNAL_DECISION = "external_decision", _("Decision from another body")
        APPEAL = "appeal", _("Appeal")
        APPEAL_DECISION = "appeal_decision", _("Reconsideration of appeal")
        APPEAL_FORWARDED = "appeal_forwarded", _("Appeal forwarded to the appeals body")
        BOARD_DECISION = "board_decision", _("Decision of the appeals body")
        PAYMENT_GUARANTEE = "payment_guarantee", _("Payment guarantee")
        INVOICE = "invoice", _("Invoice")
        TRAVEL = "travel", _("Travel and stay")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="abroad/%Y/", blank=True)

    class Meta(CaseDocument.Meta):
        # The names the constraint and the index had before the records kit; the PostgreSQL trigger is
        # abroad_document_sealed (migration 0005).
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="document_number_unique_per_case")]
        indexes = [models.Index(fields=["registered_on", "id"], name="document_journal")]


class LetterTemplate(LetterTemplateBase):
    """Letter texts an office lead edits; rendered with the case's facts into the decision PDF."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Decision: granted")
        PARTLY_GRANTED = "partly_granted", _("Decision: partly granted")
        REJECTED = "rejected", _("Decision: rejected")
        PROVISIONAL_REPLY = "provisional_reply", _("Provisional reply")
        APPEAL_REVERSED = "appeal_reversed", _("Appeal: decision reversed")
        APPEAL_FORWARDED = "appeal_forwarded", _("Appeal: forwarded to the appeals body")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)

    class Meta(LetterTemplateBase.Meta):
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="letter_template_unique")]


class Appeal(models.Model):
    class OfficeOutcome(models.TextChoices):
        PENDING = "pending", _("Under reconsideration")
        REVERSED = "reversed", _("Reversed by the office")
        FORWARDED = "forwarded", _("Upheld and forwarded")

    class BoardOutcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld by the appeals body")
        REVERSED = "reversed", _("Reversed by the appeals body")

    class Body(models.TextChoices):
        KLAGENEMNDA = "klagenemnda", _("Klagenemnda for behandling i utlandet")
        STATSFORVALTEREN = "statsforvalteren", _("Statsforvalteren")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    received_date = models.DateField(_("appeal received"))
    deadline = models.DateField(_("appeal deadline"))
    late = models.BooleanField(_("received after the deadline"), default=False)
    late_reason = models.TextField(_("why a late appeal is taken up"), blank=True)
    grounds = models.TextField(_("the patient's grounds"), blank=True)
    office_outcome = models.CharField(
        _("office's reconsideration"), max_length=20, choices=OfficeOutcome.choices, default=OfficeOutcome.PENDING
    )
    office_date = models.DateField(_("reconsidered on"), null=True, blank=True)
    appeals_body = models.CharField(_("appeals body"), max_length=20, choices=Body.choices)
    board_outcome = models.CharField(
        _("appeals body's decision"), max_length=20, choices=BoardOutcome.choices, blank=True
    )
    board_date = models.DateField(_("decision received"), null=True, blank=True)

    class Meta:
        ordering = ["-received_date", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["received_date"]),
            models.Index(fields=["office_date"]),
            models.Index(fields=["board_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_office_outcome_display()}"


COVERAGE_LABELS = {
    "treatment": _("Treatment at the hospital abroad"),
    "travel": _("Travel for the patient"),
    "stay": _("Stay during the treatment"),
    "companion": _("Travel and stay for a companion"),
    "guarantee": _("Payment guarantee to the hospital"),
}


class Decision(models.Model):
    """One decision in a case, as made: the original decision, the office's reversal on appeal, the appeals
    body's decision. Rows are only added, never changed, so the case keeps its whole decision history."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Decision")
        OFFICE_REVERSAL = "office_reversal", _("Reversed by the office after appeal")
        APPEALS_BODY = "appeals_body", _("Decision of the appeals body")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(_("decided by"), max_length=200)
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    coverage = models.JSONField(_("what is covered"), default=dict, blank=True)
    appeal = models.ForeignKey(
        "Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions", verbose_name=_("appeal")
    )
    letter = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("letter")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "decided_on", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_kind_display()} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"Decision {self.pk} is part of the record and cannot be changed")
        super().save(*args, **kwargs)

    @property
    def outcome_color(self) -> str:
        return OUTCOME_COLOR.get(self.outcome, "neutral")

    @property
    def coverage_lines(self) -> list[str]:
        """What a grant covers, as the case handler ticked it."""
        coverage = self.coverage or {}
        lines = [str(label) for key, label in COVERAGE_LABELS.items() if coverage.get(key)]
        if coverage.get("period_from") or coverage.get("period_to"):
            lines.append(f"{coverage.get('period_from', '')}–{coverage.get('period_to', '')}")
        if coverage.get("note"):
            lines.append(str(coverage["note"]))
        return lines


class PaymentGuarantee(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="guarantees")
    hospital = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("hospital"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("payment guarantee")
        verbose_name_plural = _("payment guarantees")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.amount} {self.currency}"


class TravelBooking(models.Model):
    class Kind(models.TextChoices):
        FLIGHT = "flight", _("Flight")
        TRAIN = "train", _("Train")
        TAXI = "taxi", _("Taxi or car")
        ACCOMMODATION = "accommodation", _("Accommodation")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    travellers = models.CharField(_("travellers"), max_length=300, help_text=_("The patient and any companions."))
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    description = models.CharField(_("details"), max_length=300)
    booking_reference = models.CharField(_("booking reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("travel or stay booking")
        verbose_name_plural = _("travel and stay bookings")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.description}"


class StayNote(models.Model):
    """A problem during the stay abroad that needs the office's follow-up."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stay_notes")
    written_on = models.DateField(_("written on"))
    text = models.TextField(_("what happened"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-written_on", "-id"]
        verbose_name = _("note from the stay")
        verbose_name_plural = _("notes from the stay")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.text[:40]}"


class Expense(models.Model):
    """An invoice or travel-expense claim, in any currency, converted to NOK at the rate of its date."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        TRAVEL_CLAIM = "travel_claim", _("Travel-expense claim")

    class Category(models.TextChoices):
        TREATMENT = "treatment", _("Treatment")
        TRAVEL = "travel", _("Travel")
        STAY = "stay", _("Stay")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPROVED = "approved", _("Attested")
        SETTLED = "settled", _("Settled")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="expenses")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    creditor = models.CharField(_("from"), max_length=200, blank=True)
    reference = models.CharField(_("invoice number"), max_length=60, blank=True)
    invoice_date = models.DateField(_("invoice date"))
    booked_date = models.DateField(_("booked (accounting date)"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    exchange_rate = models.DecimalField(_("NOK per unit"), max_digits=18, decimal_places=8, default=Decimal(1))
    amount_nok = models.DecimalField(_("amount in NOK"), max_digits=14, decimal_places=2)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    # Attestation (issue 11): registered by one person, attested by another of the office, then paid.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last corrected by"),
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attested by"),
    )
    attested_at = models.DateTimeField(_("attested at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("marked as paid by"),
    )
    diagnosis_codes = models.CharField(_("ICD-10 diagnoses"), max_length=200, blank=True)
    procedure_codes = models.CharField(_("procedure codes (NCSP/NCMP)"), max_length=200, blank=True)
    drg = models.CharField(_("DRG (from the ISF system)"), max_length=20, blank=True)

    class Meta:
        ordering = ["invoice_date", "id"]
        verbose_name = _("invoice or claim")
        verbose_name_plural = _("invoices and claims")
        indexes = [
            models.Index(fields=["booked_date"], name="expense_booked"),
            models.Index(fields=["case", "state"], name="expense_case_state"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.amount} {self.currency}"
