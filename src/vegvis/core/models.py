"""Reference data and persons shared by every module: regions, offices, organisations, persons, codes, rates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from vegvis.core import crypto
from vegvis.core.icd10_notation import normalise
from vegvis.core.national_id import IdKind, mask


class Region(models.Model):
    """One of the four regional health authorities (RHF). A case counts for the patient's home region."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("regional health authority")
        verbose_name_plural = _("regional health authorities")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A treatment-abroad office; it handles the patients of the regions listed in ``regions``."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    health_trust = models.CharField(_("health trust"), max_length=200)
    regions = models.ManyToManyField(Region, related_name="offices", verbose_name=_("regions handled"))
    postal_address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name

    @property
    def short_label(self) -> str:
        """For narrow table columns ("OUS"); the full name where no short one is set."""
        return self.short_name or self.name


class Organisation(models.Model):
    """Hospitals in Norway and abroad, patient organisations, suppliers, expert communities, public bodies."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        PATIENT_ORGANISATION = "patient_organisation", _("Patient organisation")
        SUPPLIER = "supplier", _("Supplier")
        EXPERT_COMMUNITY = "expert_community", _("Expert community")
        PUBLIC_BODY = "public_body", _("Public body")
        # A professional association running internal consultation rounds, and its societies, branches and
        # committees (consultations: each member body is an organisation its users' roles are held at).
        ASSOCIATION = "association", _("Professional association")
        MEMBER_BODY = "member_body", _("Member body")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="NO")
    organisation_number = models.CharField(_("organisation number"), max_length=9, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name", "city", "country"], name="organisation_unique_identity")
        ]
        indexes = [models.Index(fields=["kind", "country"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class Person(models.Model):
    """A patient or other private person. The national id is stored encrypted with a keyed hash for look-up."""

    name = models.CharField(_("name"), max_length=200)
    national_id_cipher = models.TextField(editable=False)
    national_id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_kind = models.CharField(_("kind of number"), max_length=16, choices=[(k.value, k.name) for k in IdKind])
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    home_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="residents", verbose_name=_("home region")
    )
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [
            ("view_full_national_id", "See whole national identity numbers"),
            ("view_access_log", "See who has read or changed a person's data"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def national_id(self) -> str:
        return crypto.decrypt(self.national_id_cipher)

    @property
    def audit_label(self) -> str:
        """How the audit trail names a person: by id, never by name, so that a person deleted when the retention
        time runs out leaves no name behind in the (append-only) trail."""
        return f"person {self.pk}"

    @property
    def audit_person_id(self) -> int:
        return self.pk

    @property
    def masked_national_id(self) -> str:
        return mask(self.national_id)

    def set_national_id(self, value: str) -> None:
        self.national_id_cipher = crypto.encrypt(value)
        self.national_id_hash = crypto.lookup_hash(value)

    @property
    def postal_lines(self) -> list[str]:
        return [line for line in [self.address_line, f"{self.postal_code} {self.city}".strip()] if line]


class Icd10Supplement(models.Model):
    """Codes of the Norwegian ICD-10 edition that WHO's list lacks; maintained by an administrator."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    title = models.CharField(_("title"), max_length=300)

    CACHE_KEY = "icd10-supplement-codes"

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICD-10 supplement code")
        verbose_name_plural = _("ICD-10 supplement codes")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = normalise(self.code)
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def cached_codes(cls) -> set[str]:
        codes = cache.get(cls.CACHE_KEY)
        if codes is None:
            codes = set(cls.objects.values_list("code", flat=True))
            cache.set(cls.CACHE_KEY, codes, 300)
        return codes


class ExchangeRate(models.Model):
    """NOK per one unit of a currency on a day (Norges Bank's series B.<currency>.NOK.SP, unit-adjusted)."""

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    nok_per_unit = models.DecimalField(_("NOK per unit"), max_digits=18, decimal_places=8)
    source = models.CharField(_("source"), max_length=100, default="Norges Bank")

    class Meta:
        ordering = ["currency", "-date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique_day")]

    def __str__(self) -> str:
        return f"{self.currency} {self.date}: {self.nok_per_unit}"


def localized_name(nb: str, en: str) -> str:
    """Pick the Norwegian or English of a name kept as data in both languages."""
    return en if (translation.get_language() or "nb").startswith("en") and en else nb


class PowerOfAttorney(models.Model):
    """A patient's written power of attorney for a representative: scope and expiry, used by every module."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="powers_of_attorney")
    representative_name = models.CharField(_("representative"), max_length=200)
    representative_address = models.TextField(_("representative's address"), blank=True)
    representative_email = models.EmailField(_("representative's e-mail"), blank=True)
    relation = models.CharField(_("relation to the patient"), max_length=100, blank=True)
    scope = models.TextField(_("scope"), help_text=_("What the representative may do on the patient's behalf."))
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("power of attorney")
        verbose_name_plural = _("powers of attorney")

    def __str__(self) -> str:
        return f"{self.representative_name} ({self.scope[:40]})"

    def is_valid_on(self, day: date) -> bool:
        return (
            self.signed_on <= day
            and (self.valid_until is None or day <= self.valid_until)
            and (self.revoked_on is None or day < self.revoked_on)
        )


class LegalDeadline(models.Model):
    """A deadline from law or practice, kept as data an administrator edits when the law changes (the
    administration pages: length, unit and reference; the key the code reads it by stays). Each system seeds its
    own rows in its migrations."""

    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        WEEKS = "weeks", _("weeks")
        MONTHS = "months", _("months")
        YEARS = "years", _("years")

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    amount = models.PositiveSmallIntegerField(_("length"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("legal deadline")
        verbose_name_plural = _("legal deadlines")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=1), name="legal_deadline_amount_positive")]

    def __str__(self) -> str:
        return f"{self.name}: {self.period}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _forget_deadlines()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        deleted = super().delete(*args, **kwargs)
        _forget_deadlines()
        return deleted

    @property
    def period(self) -> str:
        return f"{self.amount} {self.get_unit_display()}"

    def after(self, start: date, *, month_by_month: bool = False) -> date:
        """The day the deadline ends when it starts on ``start``. Months and years end on the same day of the
        month (or the last month's last day when it is shorter: 31 January + 3 months is 30 April).

        ``month_by_month`` counts one unit at a time instead, each step ending on a shorter month's last day
        when it must (31 January + 3 months: 28 February, 28 March, 28 April) — the reading treatment abroad's
        decision deadline has always had, kept so no due date moves (abroad/deadlines.py)."""
        from dateutil.relativedelta import relativedelta

        if not month_by_month:
            return start + relativedelta(**{self.unit: self.amount})
        end = start
        for _step in range(self.amount):
            end += relativedelta(**{self.unit: 1})
        return end

    @classmethod
    def get(cls, key: str) -> LegalDeadline:
        """The deadline as the database has it. Read once per transaction (an import computes thousands of due
        dates in one) and again in the next; no cache outlives a transaction, so an administrator's edit counts
        from the next transaction in every process, and an edit's own transaction reads the new value."""
        memo = _deadlines_of_this_transaction()
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = cls.objects.get(key=key)
            if memo is not None:
                memo[key] = found
        return found


_DEADLINES_READ = "_vegvis_legal_deadlines"


def _deadlines_of_this_transaction() -> dict[str, LegalDeadline] | None:
    """The deadlines read so far in the connection's current transaction (None outside one).

    Django gives the transaction a new list of commit callbacks when it commits or rolls back (and when a
    savepoint rolls back), so the list names the transaction: what was read under another is read again."""
    if not connection.in_atomic_block:
        return None
    transaction_marker = connection.run_on_commit
    held = getattr(connection, _DEADLINES_READ, None)
    if held is None or held[0] is not transaction_marker:
        held = (transaction_marker, {})
        setattr(connection, _DEADLINES_READ, held)
    return held[1]


def _forget_deadlines() -> None:
    setattr(connection, _DEADLINES_READ, None)


class WorkerHeartbeat(models.Model):
    """A running ``vegvis worker``: it writes ``beat_at`` every few seconds while it lives (core/tasks.py).

    A task the database queue shows as running whose worker has not beaten for VEGVIS_WORKER_STALE_SECONDS was
    claimed by a worker that died; ``recover_stale_tasks`` queues it again or, after the last try, fails it.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class SentNotice(models.Model):
    """One mail a background task has sent, by a key naming what it was (e.g. a day's reminder to a handler):
    a task run again after its worker died sends only what was not sent yet."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
