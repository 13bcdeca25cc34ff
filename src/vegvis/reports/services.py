"""Every write of the reports module: historical aggregates, the network's text, and the record of exports."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic
from vegvis.core.models import Region
from vegvis.reports.models import HistoricalFigure, ReportNarrative

YEAR = re.compile(r"^\d{4}$")
AMOUNT = re.compile(r"^\d{1,14}(\.\d{1,2})?$")
NATIONAL_METRICS = (HistoricalFigure.Metric.APPLICATIONS_RECEIVED, HistoricalFigure.Metric.APPLICATIONS_GRANTED)
REGIONAL_METRICS = (HistoricalFigure.Metric.COSTS_NOK,)
NARRATIVE_MAX_LENGTH = 50_000


class HistoryRefused(ValueError):
    """The history file has problems; nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class HistoryResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _parse_value(value: Any, where: str, problems: list[str], *, whole: bool) -> Decimal | None:
    # Numbers with decimals are read as text (parse_float=str), so no figure passes through a float.
    if isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str) and AMOUNT.match(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # unreachable after the pattern; kept for safety
            number = None
    else:
        number = None
    if number is None or number < 0:
        problems.append(_("%(where)s: “%(value)s” is not a figure of zero or more") % {"where": where, "value": value})
        return None
    if whole and number != number.to_integral_value():
        problems.append(_("%(where)s: a number of applications is a whole number") % {"where": where})
        return None
    return number


def _parse_years(series: Any, where: str, problems: list[str], *, whole: bool) -> dict[int, Decimal]:
    if not isinstance(series, dict):
        problems.append(_('%(where)s: must be an object of years and figures, e.g. {"2015": 349}') % {"where": where})
        return {}
    parsed = {}
    for key, value in series.items():
        if not isinstance(key, str) or not YEAR.match(key) or not 1900 <= int(key) <= 2100:
            problems.append(_("%(where)s: “%(key)s” is not a year") % {"where": where, "key": key})
            continue
        number = _parse_value(value, f"{where} → {key}", problems, whole=whole)
        if number is not None:
            parsed[int(key)] = number
    return parsed


def parse_history(content: bytes) -> list[tuple[str, int, str | None, Decimal]]:
    """(metric, year, region code or None, value) for every figure, or HistoryRefused naming every problem."""
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_float=str)
    except UnicodeDecodeError:
        raise HistoryRefused([_("The file is not UTF-8 text.")]) from None
    except json.JSONDecodeError as error:
        raise HistoryRefused(
            [
                _("The file is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": error.lineno, "column": error.colno}
            ]
        ) from None
    if not isinstance(data, dict):
        raise HistoryRefused([_("The file must hold one JSON object, as in the import guide.")])
    problems: list[str] = []
    figures: list[tuple[str, int, str | None, Decimal]] = []
    regions = set(Region.objects.values_list("code", flat=True))
    for key, series in data.items():
        if key in NATIONAL_METRICS:
            for year, value in _parse_years(series, key, problems, whole=True).items():
                figures.append((key, year, None, value))
        elif key in REGIONAL_METRICS:
            if not isinstance(series, dict):
                problems.append(_("%(where)s: must be an object with one entry per region") % {"where": key})
                continue
            for region, years in series.items():
                if region not in regions:
                    problems.append(
                        _("%(where)s: “%(region)s” is not a region; use %(regions)s")
                        % {"where": key, "region": region, "regions": ", ".join(sorted(regions))}
                    )
                    continue
                for year, value in _parse_years(years, f"{key} → {region}", problems, whole=False).items():
                    figures.append((key, year, region, value))
        else:
            problems.append(
                _("“%(key)s” is not a figure the import knows; use %(known)s")
                % {"key": key, "known": ", ".join([*NATIONAL_METRICS, *REGIONAL_METRICS])}
            )
    if problems:
        raise HistoryRefused(problems)
    if not figures:
        raise HistoryRefused([_("The file contains no figures.")])
    return figures


def history_import(*, actor: Principal, content: bytes, filename: str) -> HistoryResult:
    """Store the file's aggregates, all or nothing; figures the file does not name are left as they are."""
    if not actor.has("reports.import_history"):
        raise PermissionDenied
    figures = parse_history(content)
    sha256 = hashlib.sha256(content).hexdigest()
    region_ids = dict(Region.objects.values_list("code", "pk"))
    result = HistoryResult()
    with audited_atomic():
        existing = {
            (f.metric, f.year, f.region_id): f for f in HistoricalFigure.objects.select_for_update().order_by("pk")
        }
        now = timezone.now()
        new, changed = [], []
        for metric, year, region, value in figures:
            region_id = region_ids[region] if region else None
            figure = existing.get((metric, year, region_id))
            if figure is None:
                new.append(
                    HistoricalFigure(metric=metric, year=year, region_id=region_id, value=value, source_sha256=sha256)
                )
            elif figure.value != value:
                figure.value, figure.source_sha256, figure.updated_at = value, sha256, now
                changed.append(figure)
            else:
                result.unchanged += 1
        HistoricalFigure.objects.bulk_create(new)
        HistoricalFigure.objects.bulk_update(changed, ["value", "source_sha256", "updated_at"])
        result.created, result.updated = len(new), len(changed)
        audit_record(
            principal=actor,
            action=Action.IMPORT,
            label=(_("History import: %(name)s") % {"name": filename})[:200],
            detail={
                "file": filename,
                "sha256": sha256,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return result


def narrative_save(*, actor: Principal, year: int, section: str, text: str) -> ReportNarrative:
    """The network's text for one section of one year's report; audited (it is published with the report)."""
    if not actor.has("reports.write_narrative"):
        raise PermissionDenied
    if section not in ReportNarrative.Section.values:
        raise ValidationError({"section": _("Unknown section.")})
    text = text.replace("\r\n", "\n").strip()
    if len(text) > NARRATIVE_MAX_LENGTH:
        raise ValidationError({"text": _("The text is too long.")})
    with audited_atomic():
        narrative, created = ReportNarrative.objects.select_for_update().get_or_create(
            year=year, section=section, defaults={"text": text, "updated_by": actor.user}
        )
        if not created:
            if narrative.text == text:
                return narrative
            narrative.text = text
            narrative.updated_by = actor.user
            narrative.save(update_fields=["text", "updated_by", "updated_at"])
        audit_record(
            principal=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=narrative,
            label=f"{year} {ReportNarrative.Section(section).label}"[:200],
            detail={"year": year, "section": section, "characters": len(text)},
        )
    return narrative


def export_record(*, actor: Principal, year: int, kind: str, regions: list[str] | None) -> None:
    """Every export of the report (PDF, XLSX, JSON, HTML; web or command line) is written to the audit trail."""
    audit_record(
        principal=actor,
        action=Action.EXPORT,
        label=(_("Annual report %(year)s (%(kind)s)") % {"year": year, "kind": kind.upper()})[:200],
        detail={"year": year, "format": kind, "regions": regions or "all"},
    )
