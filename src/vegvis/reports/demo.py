"""Demo data for the annual report: the synthetic 2019–2021 cases whose figures are the published 2020 report's,
the published history 2011–2019, and the network's text for 2020 (adapted from the published report)."""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

from vegvis.core.demo import DemoContext
from vegvis.reports import dataset_2020
from vegvis.reports.models import HistoricalFigure, ReportNarrative


def populate(context: DemoContext) -> None:
    if HistoricalFigure.objects.exists() and not context.shared.get("again"):
        context.say("The annual report's demo data exist already; none added\n")
        return
    from vegvis.abroad.importer.cases import cases_import
    from vegvis.reports.services import history_import

    # The data set the tests reproduce the 2020 report from (shipped with the app: the demo needs it).
    dataset = dataset_2020.build()
    with tempfile.TemporaryDirectory() as folder:
        cases_file, history_file = dataset.write(Path(folder))
        history_import(actor=context.principal, content=history_file.read_bytes(), filename=history_file.name)
        result = cases_import(actor=context.principal, content=cases_file.read_bytes(), filename=cases_file.name)
    closed = close_history(context, [line["external_id"] for line in dataset.lines])
    texts = json.loads((Path(__file__).parent / "data" / "demo-narrative-2020.json").read_text("utf-8"))
    for section, text in texts["sections"].items():
        ReportNarrative.objects.update_or_create(year=texts["year"], section=section, defaults={"text": text})
    context.say(
        f"{result.created} cases of 2019–2021 for the annual report 2020 ({closed} of them closed after it), "
        "with its history and text\n"
    )


# The steps the data set's open cases would have had, in days after the last date they know of.
WITHDRAWN_AFTER_RECEIPT = 45
FORWARDED_AFTER_APPEAL = 21
BOARD_DECISION_AFTER_FORWARDING = 90
# The data set is the state at the end of 2020: what was still open then happened in 2021 at the earliest.
FIRST_WORKING_DAY_AFTER = date(2021, 1, 4)


def _after_the_data_set(day: date) -> date:
    return max(day, FIRST_WORKING_DAY_AFTER)


def close_history(context: DemoContext, external_ids: list[str]) -> int:
    """Close the data set's cases it leaves open, through the services, with the dates they would have had.

    The data set is the end of 2020 (three applications undecided, eight appeals under way), years ago for the
    demo: left open, they opened every newcomer's worklist six years overdue. Every date is after 2020 (what was
    open at the end of 2020 happened later), so the report for 2020, which counts by date, never by status, is
    unchanged: the undecided are withdrawn in 2021, appeals under reconsideration forwarded, and the appeals body
    upholds the rejections.
    """
    from vegvis.abroad.models import OPEN_STATUSES, Case, Status
    from vegvis.abroad.services import appeals, decisions

    actor = context.principal
    closed = 0
    for case in Case.objects.filter(external_id__in=external_ids, status__in=OPEN_STATUSES).order_by("pk"):
        if case.status == Status.RECEIVED:
            case = decisions.case_withdraw(
                actor=actor,
                case=case,
                version=case.version,
                withdrawn_on=_after_the_data_set(case.received_date + timedelta(days=WITHDRAWN_AFTER_RECEIPT)),
                note="Søknaden er trukket.",
            )
        if case.status == Status.APPEALED:
            appeal = case.appeals.filter(board_outcome="").latest("received_date", "pk")
            case = appeals.case_forward_appeal(
                actor=actor,
                case=case,
                version=case.version,
                forwarded_on=_after_the_data_set(appeal.received_date + timedelta(days=FORWARDED_AFTER_APPEAL)),
            )
        if case.status == Status.AT_APPEALS_BODY:
            appeal = case.appeals.filter(board_outcome="").latest("received_date", "pk")
            forwarded_on = appeal.office_date or appeal.received_date
            case = appeals.case_record_appeal_decision(
                actor=actor,
                case=case,
                version=case.version,
                reversed_=False,
                received_on=_after_the_data_set(forwarded_on + timedelta(days=BOARD_DECISION_AFTER_FORWARDING)),
            )
        if case.status == Status.CLOSED:
            closed += 1
    return closed
