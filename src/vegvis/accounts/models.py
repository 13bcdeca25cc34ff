"""Users, roles and role assignments. Roles are data: modules add roles and permissions by migration."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegvis.core.models import Office, Organisation, localized_name


class User(AbstractUser):
    """A person who logs in. What they may do comes only from their role assignments."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("administer", "Administer users, roles and reference data")]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.Model):
    """A named set of permissions with the kind of scope an assignment of it carries."""

    class Scope(models.TextChoices):
        OFFICE = "office", _("One office")
        ASSIGNED = "assigned", _("Only what is assigned to the user")
        ORGANISATION = "organisation", _("One organisation")
        GLOBAL = "global", _("Everything")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    permissions = models.ManyToManyField(Permission, blank=True, verbose_name=_("permissions"))
    home_order = models.PositiveSmallIntegerField(default=100, help_text="Which role's home page wins")

    class Meta:
        ordering = ["home_order", "code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized_name(self.name_nb, self.name_en)


class RoleAssignment(models.Model):
    """A user holds a role, within an office or organisation when the role's scope asks for one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "office", "organisation"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        where = self.office or self.organisation
        return f"{self.user} – {self.role}" + (f" ({where})" if where else "")


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the token is shown once when created.

    A token has a scope (read-only tokens may only use GET, HEAD and OPTIONS) and always an expiry: by default
    DEFAULT_LIFETIME_DAYS after it was made, at most MAX_LIFETIME_DAYS.
    """

    DEFAULT_LIFETIME_DAYS = 90
    MAX_LIFETIME_DAYS = 365

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.READ)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def read_only(self) -> bool:
        return self.scope == self.Scope.READ


class SeededGrant(models.Model):
    """A default permission already given to a role once; never given again if an administrator removed it."""

    role_code = models.CharField(max_length=50)
    permission = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role_code", "permission"], name="seeded_grant_unique")]

    def __str__(self) -> str:
        return f"{self.role_code}: {self.permission}"
