"""The inquiry desk: inquiries from patients and relatives, the cases they become, and what the association does in
them (power of attorney, record requests, complaints, compensation claims to NPE and appeals)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegvis.core.models import Organisation, Person
from vegvis.records.models import CaseDocument, LetterLanguage, LetterTemplateBase

# The series of casework.numbering: cases and inquiries are numbered per association and year.
CASE_NUMBER_KIND = "inquiries"
INQUIRY_NUMBER_KIND = "inquiries-received"

# Claims for losses under this amount are outside the patient injury scheme (pasientskadeloven § 4 første ledd).
NPE_LOSS_THRESHOLD = Decimal("10000")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    WEB_FORM = "web_form", _("Web form")


class ContactedBy(models.TextChoices):
    PATIENT = "patient", _("The patient")
    RELATIVE = "relative", _("A relative")
    OTHER = "other", _("Someone else")


class Service(models.TextChoices):
    GP = "gp", _("GP / general practice")
    SPECIALIST = "specialist", _("Specialist health service")
    MUNICIPAL = "municipal", _("Municipal health and care service")
    OTHER = "other", _("Other")


class Inquiry(models.Model):
    """One inquiry to the desk, as the person gave it: by phone, e-mail, letter or the public web form."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inquiries")
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    reference = models.CharField(_("reference number"), max_length=20, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    contacted_by = models.CharField(_("who made contact"), max_length=20, choices=ContactedBy.choices)
    service = models.CharField(_("service concerned"), max_length=20, choices=Service.choices)
    provider = models.CharField(_("health provider"), max_length=200, blank=True)
    account = models.TextField(_("the account in the person's words"))
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The consent to processing, with the very text the person agreed to (web form only; GDPR art. 9 nr. 2 a).
    consent_text = models.TextField(_("consent text agreed to"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("person")
    )
    received_at = models.DateTimeField(_("received"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True, editable=False)
    # Triaged into a case the same person already has (services.inquiries.inquiry_attach) instead of a new one.
    attached_to = models.ForeignKey(
        "Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attached_inquiries",
        editable=False,
        verbose_name=_("attached to case"),
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "serial"], name="inquiry_number_unique"),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "received_at"], name="inquiry_untriaged", condition=Q(triaged_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return f"inquiry {self.reference}"

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id and self.person else self.contact_name


class Kind(models.TextChoices):
    INFORMATION = "information", _("Information case")
    ASSISTANCE = "assistance", _("Assistance case")


class Status(models.TextChoices):
    OPEN = "open", _("In progress")
    AT_NPE = "at_npe", _("Claim with NPE")
    NPE_DECIDED = "npe_decided", _("NPE has decided")
    AT_BOARD = "at_board", _("Appeal with Pasientskadenemnda")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    ADVICE_GIVEN = "advice_given", _("Advice given")
    COMPLAINT_UPHELD = "complaint_upheld", _("Complaint upheld")
    COMPLAINT_PARTLY_UPHELD = "complaint_partly_upheld", _("Complaint partly upheld")
    COMPLAINT_NOT_UPHELD = "complaint_not_upheld", _("Complaint not upheld")
    CLAIM_GRANTED = "claim_granted", _("Claim granted")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected")
    SETTLED_BY_DIALOGUE = "settled_by_dialogue", _("Settled by dialogue")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FailureType(models.TextChoices):
    NONE = "none", _("No failure found")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    TREATMENT = "treatment", _("Treatment")
    INFORMATION = "information", _("Information")
    COMMUNICATION = "communication", _("Communication")
    ORGANISATION = "organisation", _("Organisation")
    OTHER = "other", _("Other")


# What a case waits for next (Case.due_reason), as the worklist says it.
DUE_REASONS = {
    "records": _("Records due from the provider"),
    "complaint": _("Complaint deadline"),
    "appeal": _("Appeal deadline (Pasientskadenemnda)"),
    "limitation": _("Limitation date of the claim"),
    "assessment": _("Assessment due"),
}
STATUS_COLOR = {Status.CLOSED: "neutral", Status.AT_NPE: "info", Status.AT_BOARD: "info", Status.NPE_DECIDED: "warning"}


class Case(models.Model):
    """An information or assistance case made from an inquiry at triage."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inquiry_cases")
    inquiry = models.OneToOneField(Inquiry, on_delete=models.PROTECT, related_name="case")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiry_cases")
    kind = models.CharField(_("kind of case"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("case number"), max_length=20, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1, editable=False)
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiry_cases",
        verbose_name=_("case worker"),
    )
    medical_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiry_cases_advised",
        verbose_name=_("medical adviser"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    failure_type = models.CharField(_("failure type found"), max_length=20, choices=FailureType.choices, blank=True)
    outcome_note = models.TextField(_("what was advised or achieved"), blank=True)
    amount_granted = models.DecimalField(_("amount granted"), max_digits=14, decimal_places=2, null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set by the retention job (retention.py) when it strips a closed assistance case to its statistics.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    due_on = models.DateField(null=True, blank=True, editable=False)
    due_reason = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The written form the person chose for the desk's letters (målloven lets them choose); bokmål unless they did.
    letter_language = models.CharField(
        _("letter language"), max_length=2, choices=LetterLanguage.choices, default=LetterLanguage.BOKMAAL
    )

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("desk case")
        verbose_name_plural = _("desk cases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "serial"], name="inquiry_case_number_unique"),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "due_on", "id"], name="inquiry_case_open_due", condition=~Q(status="closed")
            ),
            models.Index(
                fields=["case_worker", "due_on", "id"], name="inquiry_case_worker_due", condition=~Q(status="closed")
            ),
            models.Index(fields=["medical_adviser"], name="inquiry_case_adviser"),
        ]
        permissions = [
            ("handle_case", "Register inquiries and handle desk cases"),
            ("assess_case", "Assess assigned desk cases as medical adviser"),
            ("lead_desk", "Lead the inquiry desk"),
            ("view_deletion_log", "See the desk's deletion log"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return self.number

    @property
    def audit_person_id(self) -> int | None:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def status_color(self) -> str:
        return STATUS_COLOR.get(Status(self.status), "success")

    @property
    def due_label(self) -> str:
        return str(DUE_REASONS.get(self.due_reason, ""))

    @property
    def display_name(self) -> str:
        return self.inquiry.display_name


class Document(CaseDocument):
    """A registration in a desk case's file: the inquiry, the power of attorney's scan, letters and decisions."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        RECORD_REQUEST = "record_request", _("Request for medical records")
        RECORDS_RECEIVED = "records_received", _("Medical records received")
        COMPLAINT = "complaint", _("Complaint")
        NPE_CLAIM = "npe_claim", _("Compensation claim to NPE")
        NPE_DECISION = "npe_decision", _("Decision from NPE")
        APPEAL = "appeal", _("Appeal to Pasientskadenemnda")
        BOARD_DECISION = "board_decision", _("Decision from Pasientskadenemnda")
        OTHER = "other", _("Other")
        POWER_OF_ATTORNEY_FORM = "power_of_attorney_form", _("Power-of-attorney form to sign")
        RECORD_REQUEST_REMINDER = "record_request_reminder", _("Reminder of a request for medical records")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="inquiries/%Y/", blank=True)

    class Meta(CaseDocument.Meta):
        indexes = [models.Index(fields=["registered_on", "id"], name="inquiry_document_journal")]


class Scope(models.TextChoices):
    RECORDS = "records", _("See and obtain medical records")
    COMPLAINTS = "complaints", _("Complain on the person's behalf")
    COMPENSATION = "compensation", _("Claim compensation (NPE)")
    MEETINGS = "meetings", _("Meet providers on the person's behalf")


class PowerOfAttorney(models.Model):
    """The person's written, signed power of attorney for the association in one case (pbrl § 7-2: a
    representative who is not a lawyer must present one). Its own record with a structured scope: the association
    is the representative, and the person need not be in the person register (core.PowerOfAttorney needs both)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="powers_of_attorney")
    granted_by = models.CharField(_("signed by"), max_length=200)
    scope_records = models.BooleanField(_("medical records"), default=False)
    scope_complaints = models.BooleanField(_("complaints"), default=False)
    scope_compensation = models.BooleanField(_("compensation claims"), default=False)
    scope_meetings = models.BooleanField(_("meetings"), default=False)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    scan = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed scan")
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("power of attorney")
        verbose_name_plural = _("powers of attorney")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.granted_by}"

    def covers(self, scope: str) -> bool:
        return bool(getattr(self, f"scope_{scope}"))

    @property
    def scopes(self) -> list[str]:
        return [str(s.label) for s in Scope if self.covers(s.value)]

    def is_valid_on(self, day: date) -> bool:
        return (
            self.signed_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.revoked_on is None or day < self.revoked_on)
        )


class RecordRequest(models.Model):
    """A request for the person's medical records from a health provider (pbrl § 5-1); answer due in a month."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="record_requests")
    provider = models.CharField(_("health provider"), max_length=200)
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("answer due"))
    received_on = models.DateField(_("records received"), null=True, blank=True)
    # The last reminder letter sent to the provider after the answer was due (the step remind_record_request).
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("record request")
        verbose_name_plural = _("record requests")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.provider}"

    def is_overdue_on(self, day: date) -> bool:
        return self.received_on is None and self.due_on < day


class Complaint(models.Model):
    """A complaint to the treatment site or to Statsforvalteren (pbrl ch. 7), due four weeks from the decision
    complained of (§ 7-5)."""

    class Recipient(models.TextChoices):
        SITE = "site", _("The treatment site")
        STATSFORVALTEREN = "statsforvalteren", _("Statsforvalteren")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complaints")
    recipient = models.CharField(_("sent to"), max_length=20, choices=Recipient.choices)
    provider = models.CharField(_("complaint concerns"), max_length=200)
    decision_on = models.DateField(_("date of the decision or event complained of"))
    deadline = models.DateField(_("complaint deadline"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)

    class Meta:
        ordering = ["decision_on", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_recipient_display()}"


class CompensationClaim(models.Model):
    """A claim to Norsk pasientskadeerstatning: its limitation dates, NPE's decision and the appeal."""

    class Decision(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="claims")
    knew_on = models.DateField(_("the patient knew or should have known of the injury"))
    act_on = models.DateField(_("date of the act that caused the injury"))
    relative_limit = models.DateField(_("limitation: 3 years from knowledge"))
    absolute_limit = models.DateField(_("limitation: 20 years from the act"))
    claimed_loss = models.DecimalField(_("claimed loss (NOK)"), max_digits=14, decimal_places=2, null=True, blank=True)
    # Empty while the claim is being prepared: then the limitation dates are what the desk watches.
    sent_on = models.DateField(_("sent to NPE"), null=True, blank=True)
    npe_reference = models.CharField(_("NPE's reference"), max_length=40, blank=True)
    decision = models.CharField(_("NPE's decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_received_on = models.DateField(_("decision received"), null=True, blank=True)
    amount_granted = models.DecimalField(_("amount granted"), max_digits=14, decimal_places=2, null=True, blank=True)
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True)
    appealed_on = models.DateField(_("appealed to Pasientskadenemnda"), null=True, blank=True)
    board_decision = models.CharField(
        _("Pasientskadenemnda's decision"), max_length=20, choices=Decision.choices, blank=True
    )
    board_decided_on = models.DateField(_("Pasientskadenemnda decided on"), null=True, blank=True)

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("compensation claim")
        verbose_name_plural = _("compensation claims")

    def __str__(self) -> str:
        return f"{self.case.number}: NPE {self.sent_on}"

    @property
    def below_threshold(self) -> bool:
        return self.claimed_loss is not None and self.claimed_loss < NPE_LOSS_THRESHOLD

    @property
    def first_limit(self) -> date:
        return min(self.relative_limit, self.absolute_limit)

    @property
    def limit_passed(self) -> bool:
        """Sent (or, unsent, today) after the first limitation date: NPE will likely refuse it as time-barred."""
        return (self.sent_on or timezone.localdate()) > self.first_limit

    @property
    def appeal_open(self) -> bool:
        return bool(self.decision) and self.appealed_on is None and self.appeal_deadline is not None


class LetterTemplate(LetterTemplateBase):
    """A desk letter's text per kind and written language (``letters.py`` fills and frames it). The rows without an
    organisation are the defaults (seeded by migration 0004); an association's lead edits its own copy, which its
    letters use from then on, so one association's words never reach another's letters."""

    class Kind(models.TextChoices):
        POWER_OF_ATTORNEY_FORM = "power_of_attorney_form", _("Power-of-attorney form to sign")
        RECORD_REQUEST = "record_request", _("Request for medical records")
        COMPLAINT_COVER = "complaint_cover", _("Complaint: cover letter")
        NPE_CLAIM_COVER = "npe_claim_cover", _("Compensation claim to NPE: cover letter")
        RECORD_REQUEST_REMINDER = "record_request_reminder", _("Reminder of a request for medical records")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="inquiry_letter_templates"
    )

    class Meta(LetterTemplateBase.Meta):
        verbose_name = _("desk letter template")
        verbose_name_plural = _("desk letter templates")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "language"], name="inquiry_letter_template_unique"),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(organisation__isnull=True),
                name="inquiry_letter_template_default",
            ),
        ]
        permissions = [("manage_letter_templates", "Edit the desk's letter templates")]


class Assessment(models.Model):
    """A medical adviser's or an external expert's assessment of the case (usually of the records), asked for with
    a deadline. The adviser answers in Vegvis and sees only the cases assigned to them; an external expert answers
    by letter, which the case worker registers."""

    class Assessor(models.TextChoices):
        ADVISER = "adviser", _("The association's medical adviser")
        EXPERT = "expert", _("External expert")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    assessor = models.CharField(_("assessed by"), max_length=20, choices=Assessor.choices)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiry_assessments",
        verbose_name=_("medical adviser"),
    )
    expert_name = models.CharField(_("external expert"), max_length=200, blank=True)
    question = models.TextField(_("question"))
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("answer due"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    conclusion = models.TextField(_("assessment"), blank=True)

    class Meta:
        ordering = ["requested_on", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(assessor="adviser", adviser__isnull=False) | Q(assessor="expert", adviser__isnull=True)),
                name="inquiry_assessment_assessor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.assessor_name}"

    @property
    def assessor_name(self) -> str:
        if self.adviser_id and self.adviser:
            return str(self.adviser.display_name)
        return self.expert_name


class Meeting(models.Model):
    """A meeting with a health provider on the person's behalf (under a power of attorney covering meetings), and
    what was said: notes are written when it has been held."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    provider = models.CharField(_("health provider"), max_length=200)
    held_on = models.DateField(_("date of the meeting"))
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.provider}"
