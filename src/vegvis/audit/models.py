"""The audit trail: an append-only, hash-chained record of every read and change of personal data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        TRANSITION = "transition", _("Status changed")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        SEARCH = "search", _("Searched")
        DENIED = "denied", _("Access refused")
        EMERGENCY = "emergency", _("Emergency access opened")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150)
    actor_role = models.CharField(_("role"), max_length=200, blank=True)
    office_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(_("what"), max_length=200, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    emergency = models.BooleanField(_("emergency access"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "at"]),
        ]
        permissions = [("verify_audit", "Verify the audit trail")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_label}"


class AuditPersonRef(models.Model):
    """Index of the persons whose data an entry shows or changes, for a person's access log. Append-only."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.DO_NOTHING, db_constraint=True, related_name="person_refs")
    person_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["person_id", "entry"])]

    def __str__(self) -> str:
        return f"entry {self.entry_id} → person {self.person_id}"


class AuditChainHead(models.Model):
    """A single row holding the end of the chain; locked while an entry is appended."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain at #{self.last_seq}"


class DeletionLog(models.Model):
    """What a retention or clean-up job deleted: kind, ids, case number, counts — never the personal data itself.

    Append-only like the audit trail (PostgreSQL triggers, migration 0003); each row has its audit entry too.
    """

    at = models.DateTimeField(_("time"))
    job = models.CharField(_("job"), max_length=100)
    actor_username = models.CharField(_("run by"), max_length=150)
    object_type = models.CharField(_("kind"), max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)  # e.g. "ous 2014/0012"
    rule = models.CharField(_("rule"), max_length=200, blank=True)
    counts = models.JSONField(_("what was deleted"), default=dict)
    # Whose data it was, for a log kept per organisation (the inquiry desk's associations); empty for the
    # authorities' own jobs. And the day the retention time ran from (closing or receipt): a day, never a time.
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_from = models.DateField(_("retention counted from"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("deletion log entry")
        verbose_name_plural = _("deletion log")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation", "at", "id"], name="deletion_log_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.job}: {self.object_type} {self.reference or self.object_id}"
