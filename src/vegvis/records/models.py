"""The case file's building blocks, as abstract models each system subclasses with its own case and kinds.

Nothing here has a table: a system's ``Document`` subclasses ``CaseDocument`` with a foreign key named ``case``
to its own case model (``related_name="documents"``) and its own ``Kind`` choices; its ``LetterTemplate``
subclasses ``LetterTemplateBase`` with its own kinds. See docs/architecture.md, "Records kit".
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentSealed(ValueError):
    """A sent document's content was to be changed; it is part of the record and cannot be."""


class CaseDocument(models.Model):
    """A registration in a case file: a letter, an incoming document or a note, with its public-journal entry.

    A subclass adds ``case`` (its case model, which has a ``number``) and overrides ``kind`` with its choices and
    ``file`` with its folder. Once ``sent_at`` is set the content is sealed: ``save()`` refuses a change, and on
    PostgreSQL so does the trigger a system's migration adds with ``records.migration_operations.sealing_trigger``.
    """

    class Direction(models.TextChoices):
        INCOMING = "I", _("Incoming")
        OUTGOING = "U", _("Outgoing")
        INTERNAL = "N", _("Internal note")

    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("document number"), max_length=20, editable=False)
    kind = models.CharField(_("kind"), max_length=30)
    direction = models.CharField(_("direction"), max_length=1, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=300)
    public_title = models.CharField(_("title in the public journal"), max_length=300)
    document_date = models.DateField(_("document date"))
    registered_on = models.DateField(_("registered"))
    correspondent = models.CharField(_("sender or recipient"), max_length=300, blank=True)
    correspondent_is_private = models.BooleanField(_("sender or recipient is a private person"), default=True)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="records/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    # What a sent document can never change (the PostgreSQL trigger checks the same content columns).
    SEALED_FIELDS: ClassVar[tuple[str, ...]] = (
        "number",
        "kind",
        "direction",
        "title",
        "document_date",
        "correspondent",
        "body",
        "file",
        "sha256",
        "sent_at",
    )

    class Meta:
        abstract = True
        ordering = ["case", "sequence"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="%(app_label)s_%(class)s_number_unique")
        ]
        # The public journal's keyset order; the name is made per subclass (index names are at most 30 letters).
        indexes = [models.Index(fields=["registered_on", "id"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A sent letter is part of the record: its content can never change (PostgreSQL enforces it too)."""
        if self.pk is not None:
            stored = (
                type(self)
                ._default_manager.filter(pk=self.pk, sent_at__isnull=False)
                .values(*self.SEALED_FIELDS)
                .first()
            )
            if stored is not None and any(
                str(stored[f] or "") != str(getattr(self, f) or "") for f in self.SEALED_FIELDS
            ):
                raise DocumentSealed(f"Document {self.number} has been sent and cannot be changed")
        super().save(*args, **kwargs)

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class LetterLanguage(models.TextChoices):
    """The two written forms of Norwegian a letter is sent in (målloven)."""

    BOKMAAL = "nb", _("Norwegian Bokmål")
    NYNORSK = "nn", _("Norwegian Nynorsk")


class LetterTemplateBase(models.Model):
    """A letter's text per kind and written language, which an office lead edits; each system subclasses it with
    its own ``kind`` choices (and keeps its table, its editor's permission and its placeholders)."""

    Language = LetterLanguage

    kind = models.CharField(_("kind"), max_length=30)
    language = models.CharField(_("language"), max_length=2, choices=LetterLanguage.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders in double braces, e.g. {{ patient_name }}; see the list beside the editor."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["kind", "language"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="%(app_label)s_%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"  # type: ignore[attr-defined]
