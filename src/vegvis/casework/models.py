"""The casework kit's one table: the case-number counters every system numbers its cases from."""

from __future__ import annotations

from django.db import models

from vegvis.core.models import Office


class CaseCounter(models.Model):
    """The last number an office gave a kind of case in a year; taken under a row lock, so numbers have no gaps.

    ``kind`` names the series (``abroad`` for treatment abroad): each system numbers its own cases from 1 each
    year, whatever the others do (casework/numbering.py)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.SlugField(max_length=40)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "kind"], name="casework_case_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.office.code} {self.year}: {self.last}"
