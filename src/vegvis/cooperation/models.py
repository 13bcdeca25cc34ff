"""The cooperation register as stored: suppliers' rule sets, organisations' budgets, agreements with their events
and logo uses, supplier employees' positions of trust, the agreement's signed PDF, its review and its published
versions.

Patient organisations and suppliers are `core.Organisation` rows (kind `patient_organisation` / `supplier`): the
role assignments of their users point there. The rules never read these models: `selectors.register_from_db()`
turns them into the plain `register.py` dataclasses that `rules.evaluate()` judges, as the batch check does.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from vegvis.core.models import Organisation
from vegvis.records.models import CaseDocument


class RuleSetName(models.TextChoices):
    MEDTEK = "medtek", _("Medtek Norge's guideline")
    LMI = "lmi", _("The pharmaceutical industry's rules (LMI)")


class Kind(models.TextChoices):
    FINANCIAL_SUPPORT = "financial_support", _("Financial support")
    PURCHASE_OF_SERVICES = "purchase_of_services", _("Purchase of services")
    ADVERTISING = "advertising", _("Advertising")
    EVENT_SUPPORT = "event_support", _("Event support")


class Cover(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    REGISTRATION = "registration", _("Registration fees")
    LODGING = "lodging", _("Lodging")
    MEALS = "meals", _("Meals")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    GIFTS = "gifts", _("Gifts")
    OTHER = "other", _("Other")


class SupplierRuleSet(models.Model):
    """A rule set a supplier is bound by; a supplier of the register has at least one."""

    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cooperation_rule_sets")
    rule_set = models.CharField(_("rule set"), max_length=20, choices=RuleSetName.choices)

    class Meta:
        verbose_name = _("supplier's rule set")
        verbose_name_plural = _("suppliers' rule sets")
        constraints = [models.UniqueConstraint(fields=["supplier", "rule_set"], name="cooperation_rule_set_once")]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.rule_set}"


class OrganisationBudget(models.Model):
    """A patient organisation's total budget for one calendar year (the LMI income cap's base)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cooperation_budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (NOK)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["organisation", "year"]
        verbose_name = _("organisation's budget")
        verbose_name_plural = _("organisations' budgets")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="cooperation_budget_once_a_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="cooperation_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class SupplierEmployee(models.Model):
    """A supplier's employee who holds (or held) a position of trust in a patient organisation (§ 8)."""

    supplier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cooperation_employees")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["supplier", "name"]
        verbose_name = _("supplier's employee")
        verbose_name_plural = _("suppliers' employees")

    def __str__(self) -> str:
        return self.name


class PositionOfTrust(models.Model):
    employee = models.ForeignKey(SupplierEmployee, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("position"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while the position is held."))

    class Meta:
        verbose_name = _("position of trust")
        verbose_name_plural = _("positions of trust")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_position_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.role}"


class Status(models.TextChoices):
    IN_REVIEW = "in_review", _("Awaiting the organisation's review")
    CONFIRMED = "confirmed", _("Confirmed by the organisation")
    DISPUTED = "disputed", _("Disputed by the organisation")
    PUBLISHED = "published", _("Published")


class Agreement(models.Model):
    """One agreement between a supplier and a patient organisation: every field of the contract's agreement, and
    its review (status, due dates, the organisation's reason for disputing it)."""

    number = models.CharField(_("agreement number"), max_length=20, unique=True, editable=False)
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cooperation_agreements_given", verbose_name=_("supplier")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
        verbose_name=_("patient organisation"),
    )
    third_party = models.CharField(_("third party acting for the supplier"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    written = models.BooleanField(_("written agreement exists"))
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    amount_nok = models.DecimalField(_("amount (NOK)"), null=True, blank=True, max_digits=14, decimal_places=2)
    in_kind_value_nok = models.DecimalField(
        _("value given in kind (NOK)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    purpose = models.TextField(_("purpose"), blank=True)
    exclusive = models.BooleanField(_("exclusive"))
    transparency_clause = models.BooleanField(_("transparency clause"))
    market_value_stated = models.BooleanField(_("market value of each party's contribution stated"))

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_REVIEW)
    review_due_on = models.DateField(_("review due"))
    correction_due_on = models.DateField(_("corrections due"))
    dispute_reason = models.TextField(_("reason for disputing"), blank=True)
    corrected = models.BooleanField(_("corrected by the supplier"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        permissions = [
            ("administer_register", "Administer the cooperation register"),
            ("enter_agreement", "Enter and correct the own company's agreements"),
            ("review_agreement", "Confirm or dispute agreements with the own organisation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(amount_nok__isnull=True) | Q(amount_nok__gte=0))
                & (Q(in_kind_value_nok__isnull=True) | Q(in_kind_value_nok__gte=0)),
                name="cooperation_agreement_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "starts_on"]), models.Index(fields=["organisation", "starts_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return f"agreement {self.number}"

    @property
    def audit_person_id(self) -> None:
        return None  # an agreement is between two organisations


class Event(models.Model):
    """The event an agreement supports (§ 7)."""

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="event")
    name = models.CharField(_("event"), max_length=200, blank=True)
    country = CountryField(_("country"))
    covers = models.JSONField(_("the support covers"), default=list)  # values of Cover

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name


class LogoUse(models.Model):
    """A use of the organisation's logo or information material under the agreement, with its approval (§ 5)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="logo_uses")
    approved_on = models.DateField(_("approved by the organisation"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    manner = models.CharField(_("manner"), max_length=300, blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = _("use of logo or material")
        verbose_name_plural = _("uses of logo or material")

    def __str__(self) -> str:
        return self.purpose


class Document(CaseDocument):
    """The agreement's file: the signed agreement as a PDF (sealed when registered)."""

    class Kind(models.TextChoices):
        SIGNED_AGREEMENT = "signed_agreement", _("Signed agreement")

    case = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="cooperation/%Y/", blank=True)

    class Meta(CaseDocument.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="cooperation_document_number")]
        indexes = [models.Index(fields=["registered_on", "id"], name="cooperation_document_journal")]


class PublishedVersion(models.Model):
    """One published version of an agreement, as the public saw it: kept when a later one replaces it.

    The public pages read only these rows (names of the two organisations and the agreement's terms; never a
    person). ``changes`` lists what differs from the version before: `[{"field", "before", "after"}]`."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="published_versions")
    sequence = models.PositiveIntegerField()
    current = models.BooleanField(default=True)
    published_on = models.DateField(_("published"))
    year = models.PositiveSmallIntegerField(_("year"))
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    total_nok = models.DecimalField(_("total (NOK)"), max_digits=14, decimal_places=2)
    disputed = models.BooleanField(_("disputed"), default=False)
    dispute_reason = models.TextField(_("reason for disputing"), blank=True)
    terms = models.JSONField(default=dict)  # the agreement's public fields, as text (see services.publication)
    changes = models.JSONField(default=list)
    findings = models.JSONField(default=list)  # the rule ids it broke when published

    class Meta:
        ordering = ["agreement", "sequence"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="cooperation_version_sequence"),
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(current=True), name="cooperation_one_current_version"
            ),
        ]
        indexes = [models.Index(fields=["year", "current"], name="cooperation_version_year")]

    def __str__(self) -> str:
        return f"{self.agreement_id} v{self.sequence}"

    @property
    def starts_on(self) -> date:
        return date.fromisoformat(self.terms["starts_on"])

    @property
    def ends_on(self) -> date | None:
        return date.fromisoformat(self.terms["ends_on"]) if self.terms.get("ends_on") else None
