"""Emergency access ("nødtilgang"): a time-limited grant to one object outside the user's work need."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyAccess(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_grants")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access grants")
        indexes = [models.Index(fields=["user", "content_type", "expires_at"])]
        permissions = [("use_emergency_access", "Open objects outside own work need, with a written reason")]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} {self.object_id}"
