"""``vegvis import history``: the published aggregates for years before case-level data, all or nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vegvis.audit.models import AuditEntry
from vegvis.reports.models import HistoricalFigure
from vegvis.reports.tests.conftest import report_json

pytestmark = pytest.mark.django_db

CONTRACT_EXAMPLE = {
    "applications_received": {"2011": 362, "2012": 386},
    "applications_granted": {"2011": 280},
    "costs_nok": {"helse-vest": {"2015": 11937000}},
}


def test_the_contracts_example_is_imported_and_reported(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE))
    call_command("import", "history", str(path), stdout=StringIO())

    assert HistoricalFigure.objects.count() == 4
    assert HistoricalFigure.objects.get(metric="costs_nok", year=2015, region__code="helse-vest").value == 11937000
    report = report_json(2020)
    assert report["applications"]["received_per_year"] == {"2011": 362, "2012": 386}
    assert report["applications"]["granted_per_year"] == {"2011": 280}
    assert report["costs_nok_per_region_per_year"]["helse-vest"] == {"2015": 11937000}
    assert report["costs_nok_per_region_per_year"]["helse-nord"] == {"2015": 0}
    assert report["average_cost_per_granted_per_year"] == {}  # no year has both costs and grants


def test_importing_history_twice_changes_nothing_and_a_new_figure_replaces_the_old(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE))
    call_command("import", "history", str(path), stdout=StringIO())
    before = list(HistoricalFigure.objects.order_by("pk").values())
    call_command("import", "history", str(path), stdout=StringIO())
    assert list(HistoricalFigure.objects.order_by("pk").values()) == before

    path.write_text(json.dumps({"applications_received": {"2012": 387}}))
    out = StringIO()
    call_command("import", "history", str(path), stdout=out)
    assert "0 nye tall, 1 oppdatert, 0 uendret" in out.getvalue()
    assert HistoricalFigure.objects.get(metric="applications_received", year=2012).value == 387
    assert HistoricalFigure.objects.count() == 4
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 3


def test_a_bad_history_file_imports_nothing_and_names_every_problem(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(
        json.dumps(
            {
                "applications_received": {"2011": 362, "20x2": 5, "2013": -1},
                "costs_nok": {"helse-oslo": {"2015": 1}, "helse-vest": {"2015": "1 000"}},
                "applications_rejected": {"2011": 1},
            }
        )
    )
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "history", str(path), stdout=StringIO(), stderr=errors)
    text = errors.getvalue()
    assert HistoricalFigure.objects.count() == 0
    assert "«20x2» er ikke et årstall" in text
    assert "applications_received → 2013" in text
    assert "«helse-oslo» er ikke en region" in text
    assert "costs_nok → helse-vest → 2015" in text
    assert "«applications_rejected» er ikke et tall importen kjenner" in text
