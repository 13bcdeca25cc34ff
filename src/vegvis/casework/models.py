"""The casework kit's one table: the case-number counters every system numbers its cases from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from vegvis.core.models import Office, Organisation


class CaseCounter(models.Model):
    """The last number an office (or an organisation) gave a kind of case in a year; taken under a row lock, so
    numbers have no gaps.

    ``kind`` names the series (``abroad`` for treatment abroad): each system numbers its own cases from 1 each
    year, whatever the others do (casework/numbering.py). A system whose cases belong to an organisation rather
    than an office (the patient association's inquiry desk) counts per organisation: exactly one of the two is
    set."""

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.SlugField(max_length=40)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "kind"], name="casework_case_counter_unique"),
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="casework_case_counter_organisation_unique"
            ),
            models.CheckConstraint(
                condition=Q(office__isnull=False, organisation__isnull=True)
                | Q(office__isnull=True, organisation__isnull=False),
                name="casework_case_counter_one_owner",
            ),
        ]

    def __str__(self) -> str:
        owner = self.office.code if self.office else str(self.organisation)
        return f"{self.kind} {owner} {self.year}: {self.last}"
