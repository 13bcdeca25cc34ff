"""Demo data for the annual report: the synthetic 2019–2021 cases whose figures are the published 2020 report's,
the published history 2011–2019, and the network's text for 2020 (adapted from the published report)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from vegvis.core.demo import DemoContext
from vegvis.reports.models import HistoricalFigure, ReportNarrative


def populate(context: DemoContext) -> None:
    if HistoricalFigure.objects.exists() and not context.shared.get("again"):
        context.say("The annual report's demo data exist already; none added\n")
        return
    from vegvis.abroad.import_cases import cases_import
    from vegvis.reports.services import history_import

    # The data set the tests reproduce the 2020 report from (dev only: the demo runs in the dev profile).
    from vegvis.reports.tests import dataset_2020

    dataset = dataset_2020.build()
    with tempfile.TemporaryDirectory() as folder:
        cases_file, history_file = dataset.write(Path(folder))
        history_import(actor=context.principal, content=history_file.read_bytes(), filename=history_file.name)
        result = cases_import(actor=context.principal, content=cases_file.read_bytes(), filename=cases_file.name)
    texts = json.loads((Path(__file__).parent / "data" / "demo-narrative-2020.json").read_text("utf-8"))
    for section, text in texts["sections"].items():
        ReportNarrative.objects.update_or_create(year=texts["year"], section=section, defaults={"text": text})
    context.say(f"{result.created} cases of 2019–2021 for the annual report 2020, with its history and text\n")
