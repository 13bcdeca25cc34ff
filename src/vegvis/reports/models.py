"""The annual report's own data: imported historical aggregates and the network's text for each year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vegvis.core.models import Region


class HistoricalFigure(models.Model):
    """A published aggregate from before case-level data exist (``vegvis import history``).

    Case-level data win: the report uses a figure only for a year without case-level data (see reports.annual).
    """

    class Metric(models.TextChoices):
        APPLICATIONS_RECEIVED = "applications_received", _("Applications received")
        APPLICATIONS_GRANTED = "applications_granted", _("Applications granted")
        COSTS_NOK = "costs_nok", _("Costs (NOK)")

    metric = models.CharField(_("figure"), max_length=40, choices=Metric.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # Null for a national figure; set for a figure per region (costs).
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric", "year", "region__order"]
        verbose_name = _("historical figure")
        verbose_name_plural = _("historical figures")
        constraints = [
            # Two partial constraints, because NULLs are distinct in a plain unique constraint.
            models.UniqueConstraint(
                fields=["metric", "year"], condition=Q(region__isnull=True), name="historical_figure_national"
            ),
            models.UniqueConstraint(
                fields=["metric", "year", "region"],
                condition=Q(region__isnull=False),
                name="historical_figure_regional",
            ),
        ]
        permissions = [("import_history", "Import historical aggregates for the annual report")]

    def __str__(self) -> str:
        return f"{self.metric} {self.year} {self.region_id or ''}: {self.value}"


class ReportNarrative(models.Model):
    """The network's own text for one section of one year's report, placed around the generated tables."""

    class Section(models.TextChoices):
        INTRODUCTION = "introduction", _("1. Introduction")
        NETWORK = "network", _("2. The national network for treatment abroad")
        STATISTICS = "statistics", _("3. Statistics: introduction")
        APPLICATIONS = "applications", _("3.1 Applications and grants: comment")
        REGIONS = "regions", _("3.2 Applications per region: comment")
        COUNTRIES = "countries", _("3.3 Countries and hospitals: comment")
        DIAGNOSES = "diagnoses", _("3.4 Diagnosis groups: comment")
        COSTS = "costs", _("3.5 Costs: comment")
        APPEALS = "appeals", _("3.6 Appeals: comment")
        PARTICLE_THERAPY = "particle_therapy", _("3.7 Particle therapy: comment")
        NORDIC_PROTOCOLS = "nordic_protocols", _("3.8 Nordic drug protocols: comment")
        CASE_HANDLING = "case_handling", _("4. Case handling and quality assurance")
        TRENDS = "trends", _("5. Trends")
        APPENDIX = "appendix", _("Appendix")

    year = models.PositiveSmallIntegerField(_("year"))
    section = models.CharField(_("section"), max_length=30, choices=Section.choices)
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year", "section"]
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [models.UniqueConstraint(fields=["year", "section"], name="report_narrative_unique")]
        permissions = [
            ("view_annual_report", "See the annual report (all regions, or the office's regions)"),
            ("view_statistics", "See aggregate statistics (all regions, or the office's regions)"),
            ("write_narrative", "Write the annual report's text"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.section}"
