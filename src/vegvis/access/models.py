"""Emergency access ("nødtilgang"): a time-limited grant to one object outside the user's work need."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyAccess(models.Model):
    """One emergency grant, and its review by the office lead of the object's office or the privacy officer."""

    class Review(models.TextChoices):
        PENDING = "", _("Not reviewed")
        REVIEWED = "reviewed", _("Reviewed, no remarks")
        REPORTED = "reported", _("Reported as a possible breach")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_grants")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    # Whose office the object belongs to (its lead reviews the grant) and its label (a case number), kept so the
    # review list needs no look-up in the object's module.
    office = models.ForeignKey(
        "core.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    label = models.CharField(_("what"), max_length=200, blank=True)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access grants")
        indexes = [
            models.Index(fields=["user", "content_type", "expires_at"]),
            models.Index(fields=["review", "office", "created_at"], name="access_emergency_review"),
        ]
        permissions = [
            ("use_emergency_access", "Open objects outside own work need, with a written reason"),
            ("review_emergency_access", "Review emergency access to the office's objects (or all, in global scope)"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} {self.object_id}"
