"""Consultations (høringer): an organisation's internal round on a public body's consultation, from the
invitation of its member bodies to the published response.

A consultation is a case of its owning organisation (numbered per organisation and year by the casework kit) with
its own case file (records kit): every version of every input is registered there as a sealed document, with the
input's attachments. Member bodies (societies, branches, committees) are `core.Organisation` rows of kind
`member_body`, so their users' roles are held at them; `MemberBody` says whose member they are.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vegvis.core.models import Organisation
from vegvis.records.models import CaseDocument

# The series of casework.numbering: consultations are numbered per organisation and year.
CASE_NUMBER_KIND = "consultations"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for input")
    CLOSED = "closed", _("Closed for input")
    WRITING = "writing", _("Response being written")
    SUBMITTED = "submitted", _("Response submitted")
    PUBLISHED = "published", _("Published")


STATUS_COLOR = {
    Status.DRAFT: "neutral",
    Status.OPEN: "success",
    Status.CLOSED: "warning",
    Status.WRITING: "info",
    Status.SUBMITTED: "info",
    Status.PUBLISHED: "neutral",
}
# Where a member body may send or revise input (late input is accepted until the response is submitted).
TAKES_INPUT = (Status.OPEN, Status.CLOSED, Status.WRITING)
# Where the secretariat writes the response and records the use of each input.
RESPONSE_OPEN = (Status.CLOSED, Status.WRITING)


class MemberBody(models.Model):
    """A member body of an organisation: its own `Organisation` row (kind ``member_body``) and its parent."""

    class Kind(models.TextChoices):
        SOCIETY = "society", _("Specialist society")
        BRANCH = "branch", _("Branch")
        COMMITTEE = "committee", _("Committee or council")
        OTHER = "other", _("Other body")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="consultation_member_body", verbose_name=_("body")
    )
    parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultation_member_bodies", verbose_name=_("member of")
    )
    kind = models.CharField(_("kind of body"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    email = models.EmailField(_("e-mail for invitations and reminders"), blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("member body")
        verbose_name_plural = _("member bodies")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class Consultation(models.Model):
    """One consultation from an issuer, run as an internal round by the owning organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(editable=False)
    serial = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("case number"), max_length=20, editable=False)
    issuer = models.CharField(_("issuer"), max_length=200)
    issuer_reference = models.CharField(_("issuer's reference"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    issued_on = models.DateField(_("sent on consultation by the issuer"))
    issuer_deadline = models.DateField(_("the issuer's deadline"))
    internal_deadline = models.DateField(_("internal deadline for input"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    invited = models.ManyToManyField(
        MemberBody, blank=True, related_name="consultations", verbose_name=_("invited bodies")
    )
    # The response's opening and closing text; its body is the sections.
    response_introduction = models.TextField(_("introduction of the response"), blank=True)
    submitted_on = models.DateField(_("response submitted"), null=True, blank=True, editable=False)
    published_on = models.DateField(_("published"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        permissions = [
            ("run_consultation", "Run the organisation's consultation rounds (the secretariat)"),
            ("submit_input", "Send the own member body's input to consultations"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "serial"], name="consultation_number_unique"),
            models.CheckConstraint(
                condition=Q(issuer_deadline__gte=models.F("issued_on")), name="consultation_deadline_after_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "internal_deadline"], name="consultation_worklist"),
            models.Index(fields=["status", "published_on"], name="consultation_published"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def audit_label(self) -> str:
        return f"consultation {self.number}"

    @property
    def audit_person_id(self) -> None:
        return None  # a consultation is an organisation's; its inputs name their authors (audited as read)

    @property
    def status_color(self) -> str:
        return STATUS_COLOR.get(Status(self.status), "neutral")

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class IssuerLink(models.Model):
    """A link to the issuer's pages or documents (the draft, the consultation page)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        ordering = ["consultation", "id"]
        verbose_name = _("issuer's link")
        verbose_name_plural = _("issuer's links")

    def __str__(self) -> str:
        return self.title


class Input(models.Model):
    """A member body's input to a consultation: one per body, revised as versions until the internal deadline.

    ``text`` is the latest version's; every version is an `InputVersion` and a sealed document in the case file.
    ``number`` and ``registered_at`` are the first version's registration; ``late`` says whether it came after the
    internal deadline (Europe/Oslo: the whole deadline day is on time)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="inputs")
    body = models.ForeignKey(MemberBody, on_delete=models.PROTECT, related_name="inputs", verbose_name=_("body"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("input"))
    number = models.CharField(_("registration number"), max_length=30, editable=False)
    registered_at = models.DateTimeField(_("registered"), editable=False)
    revised_at = models.DateTimeField(_("last revised"), null=True, blank=True, editable=False)
    late = models.BooleanField(_("late"), default=False, editable=False)
    contains_personal_data = models.BooleanField(
        _("contains personal data (exempt from publication)"),
        default=False,
        help_text=_("Exempt input is published only as existing: no text, no attachment, no author."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["consultation", "registered_at", "id"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "body"], name="consultation_one_input_per_body"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return f"consultation input {self.number}"

    @property
    def audit_person_id(self) -> None:
        return None  # the author is a user of the body, not a person of the register

    @property
    def registered_on(self) -> date:
        from django.utils import timezone

        return timezone.localtime(self.registered_at).date()


class InputVersion(models.Model):
    """One version of an input as the body sent it; never changed."""

    input = models.ForeignKey(Input, on_delete=models.PROTECT, related_name="versions")
    sequence = models.PositiveIntegerField()
    text = models.TextField(_("input"))
    submitted_at = models.DateTimeField(_("sent"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField(_("late"), default=False)
    document = models.OneToOneField(
        "consultations.Document", null=True, on_delete=models.PROTECT, related_name="input_version"
    )

    class Meta:
        ordering = ["input", "sequence"]
        verbose_name = _("version of an input")
        verbose_name_plural = _("versions of inputs")
        constraints = [models.UniqueConstraint(fields=["input", "sequence"], name="consultation_input_version")]

    def __str__(self) -> str:
        return f"{self.input_id} v{self.sequence}"


class Use(models.TextChoices):
    USED = "used", _("Used")
    PARTLY = "partly", _("Partly used")
    NOT_USED = "not_used", _("Not used")


class InputUse(models.Model):
    """How the secretariat used an input in the response, in a sentence (shown with the published input)."""

    input = models.OneToOneField(Input, on_delete=models.CASCADE, related_name="use")
    use = models.CharField(_("use"), max_length=20, choices=Use.choices)
    explanation = models.CharField(_("how it was used"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("use of an input")
        verbose_name_plural = _("uses of inputs")

    def __str__(self) -> str:
        return f"{self.input_id}: {self.use}"


class ResponseSection(models.Model):
    """A section of the organisation's response, with the inputs that bear on it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"), default=1)
    heading = models.CharField(_("heading"), max_length=300)
    text = models.TextField(_("text"))
    inputs = models.ManyToManyField(Input, blank=True, related_name="sections", verbose_name=_("inputs bearing on it"))

    class Meta:
        ordering = ["consultation", "order", "id"]
        verbose_name = _("section of the response")
        verbose_name_plural = _("sections of the response")

    def __str__(self) -> str:
        return self.heading


class Document(CaseDocument):
    """The consultation's case file: the issuer's documents, every version of every input and its attachments."""

    class Kind(models.TextChoices):
        ISSUER_DOCUMENT = "issuer_document", _("Issuer's document")
        INPUT = "input", _("Input")
        ATTACHMENT = "attachment", _("Attachment to input")
        RESPONSE = "response", _("Response")

    case = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="consultations/%Y/", blank=True)
    # The input a version's text or an attachment belongs to (none for the issuer's documents and the response).
    input = models.ForeignKey(Input, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")

    class Meta(CaseDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="consultation_document_number")]
        indexes = [models.Index(fields=["registered_on", "id"], name="consultation_document_journal")]
