"""The desk's statistics for the yearly account, on a small data set whose figures are known: the tables as the
page shows them, small cells hidden (and what would reveal them), and the PDF, XLSX and JSON downloads holding
the same figures."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.inquiries import statistics
from vegvis.inquiries.models import Case
from vegvis.inquiries.services import cases, inquiries
from vegvis.inquiries.tests.support import ASSOCIATION, OTHER_ASSOCIATION, association
from vegvis.statistics.tables import HIDDEN
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2024
H = HIDDEN

# (service, channel, kind or None for not triaged, outcome, failure type, days to closing, how many)
DATA_SET = [
    ("gp", "phone", "information", "advice_given", "", 2, 10),
    ("gp", "phone", "assistance", "complaint_upheld", "diagnosis", 20, 3),
    ("gp", "phone", "assistance", "complaint_upheld", "communication", 20, 2),
    ("gp", "phone", None, "", "", 0, 2),
    ("specialist", "email", "information", "advice_given", "", 2, 2),
    ("specialist", "email", "information", "advice_given", "", 40, 3),
    ("specialist", "email", "information", "withdrawn", "", 40, 1),
    ("specialist", "email", "assistance", "claim_rejected", "treatment", 200, 7),
    ("municipal", "letter", "information", "withdrawn", "", 40, 1),
    ("municipal", "letter", "information", "advice_given", "", 40, 2),
]


def build(organisation_name: str = ASSOCIATION) -> None:
    """The data set through the services: inquiries received in spring 2024, triaged and closed. Closing is
    stamped with the clock by ``case_close``; the only field set by hand is that stamp, moved back to the day the
    data set says (the suite has no clock to turn back)."""
    organisation = association(organisation_name)
    received = timezone.make_aware(datetime(YEAR, 3, 4, 11, 0))
    for service, channel, kind, outcome, failure, days, count in DATA_SET:
        for _n in range(count):
            inquiry = inquiries.inquiry_register(
                actor=SYSTEM,
                organisation=organisation,
                channel=channel,
                contacted_by="patient",
                service=service,
                account="Synthetic account.",
                contact_name="Kari Testperson",
                received_at=received,
            )
            if kind is None:
                continue
            case = inquiries.inquiry_triage(actor=SYSTEM, inquiry=inquiry, kind=kind)
            cases.case_close(actor=SYSTEM, case=case, version=case.version, outcome=outcome, failure_type=failure)
            Case.objects.filter(pk=case.pk).update(closed_at=received + timedelta(days=days, hours=3))


@pytest.fixture
def data_set():
    build()
    return statistics.desk_statistics(association(), YEAR)


@pytest.fixture
def lead(login):
    return login(UserFactory(role="association_lead", role__organisation=ASSOCIATION))


def rows(table):
    return [list(row) for row in table.rows]


def test_the_figures_of_a_known_data_set(data_set):
    stats = data_set
    assert (stats.inquiries, stats.triaged, stats.assistance_share) == (33, 31, 39)
    assert (stats.median_days("information"), stats.median_days("assistance"), stats.median_days()) == (2, 200, 20)
    tables = stats.tables()
    # 19 information and 12 assistance cases of 31 triaged: 61 % and 39 %.
    assert rows(tables["summary"]) == [
        ["Information cases", 19, 61],
        ["Assistance cases", 12, 39],
        ["Triaged inquiries", 31, 100],
    ]
    # Within 30 days: 12 of 19, 5 of 12, 17 of 31; within 90: 19 of 19, 5 of 12, 24 of 31.
    assert rows(tables["time"]) == [
        ["Information cases", 19, 2, 63, 100],
        ["Assistance cases", 12, 200, 42, 42],
        ["All closed cases", 31, 20, 55, 77],
    ]


def test_small_cells_are_hidden_with_what_would_reveal_them(data_set):
    tables = data_set.tables()
    # Failure types: 3 diagnosis and 2 communication at the GP are hidden, rows and all; 7 treatment shown, and
    # the GP column's total of 5 (it reveals neither of the two).
    assert rows(tables["failure"]) == [
        ["No failure found", 0, 0, 0, 0, 0],
        ["Diagnosis", H, 0, 0, 0, H],
        ["Treatment", 0, 7, 0, 0, 7],
        ["Information", 0, 0, 0, 0, 0],
        ["Communication", H, 0, 0, 0, H],
        ["Organisation", 0, 0, 0, 0, 0],
        ["Other", 0, 0, 0, 0, 0],
        ["Total", 5, 7, 0, 0, 12],
    ]
    # Outcome: 2 withdrawn information cases hidden, and the 17 with advice given beside them, since the column's
    # total 19 would give the 2 away; the kit then protects the hidden row totals among the others, so the
    # assistance column's cells go too. The column totals stand.
    outcome = {row[0]: row[1:] for row in rows(tables["outcome"])}
    assert outcome["Withdrawn"] == [H, 0, H]
    assert outcome["Advice given"] == [H, 0, H]
    assert outcome["Complaint upheld"] == [0, H, H]
    assert outcome["Claim rejected"] == [0, H, H]
    assert outcome["Settled by dialogue"] == [0, 0, 0]
    assert outcome["Total"] == [19, 12, 31]
    # Service: 2 untriaged at the GP and 3 information cases at the municipal service are small; every shown
    # figure leaves each hidden one undetermined.
    service = tables["service"]
    assert service.rows[0][3] is H and service.rows[2][1] is H and service.rows[2][4] is H
    assert service.rows[-1][-1] == 33  # the true total, shown
    assert "hidden to protect privacy" in service.footnote


def test_the_page_shows_the_tables_and_charts_to_the_lead(data_set, lead):
    page = lead.get(reverse("inquiries:statistics", args=[YEAR]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="andel-bistand">39\xa0%<' in text and 'id="nye-henvendelser">33<' in text
    assert f"{YEAR}</h1>" in text  # not «2 025»
    assert f'<option value="{YEAR}" selected>{YEAR}</option>' in text
    for name in statistics.CHARTS:
        assert reverse("inquiries:statistics_figure", args=[YEAR, name]) in text
    chart = lead.get(reverse("inquiries:statistics_figure", args=[YEAR, "failure"]))
    assert chart["Content-Type"] == "image/svg+xml"
    svg = chart.content.decode()
    assert "Behandling" in svg and "skjult" in svg  # text stays text; the hidden bars are marked


def test_the_xlsx_holds_the_figures_of_the_page(data_set, lead):
    response = lead.get(reverse("inquiries:statistics_download", args=[YEAR, "xlsx"]))
    assert response["Content-Disposition"] == f'attachment; filename="henvendelser-statistikk-{YEAR}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    with translation.override("nb"):  # what the page shows, in the page's language
        tables = data_set.tables()
    for key, table in tables.items():
        sheet = workbook[table.sheet[:31]]
        assert sheet.cell(1, 1).value == table.caption, key
        for r, row in enumerate(table.rows, start=3):
            cells = [sheet.cell(r, c).value for c in range(1, len(row) + 1)]
            assert cells == ["skjult" if v is H else v for v in row], (key, r)
    assert AuditEntry.objects.filter(action="export", detail__kind="xlsx", detail__year=YEAR).exists()


def test_the_pdf_reads_back_with_the_figures(data_set, lead, tmp_path):
    response = lead.get(reverse("inquiries:statistics_download", args=[YEAR, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "stats.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout  # noqa: S603,S607
    assert f"Statistikk for henvendelser {YEAR} – {ASSOCIATION}" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Bistandssaker 12 39 %" in lines and "Henvendelser gjort til sak 31 100 %" in lines
    # (the label may wrap in its narrow column: «Alle avsluttede / saker»)
    assert any(line.startswith("Alle avsluttede") and line.endswith(" 31 20 55 % 77 %") for line in lines)
    assert "Diagnostikk skjult 0 0 0 skjult" in lines
    assert "skjult" in text and "personvern" in text


def test_the_json_parses_with_hidden_cells_as_null(data_set, lead):
    response = lead.get(reverse("inquiries:statistics_download", args=[YEAR, "json"]))
    data = json.loads(response.content)
    assert (data["year"], data["new_inquiries"], data["assistance_share"]) == (YEAR, 33, 39)
    failure = next(t for t in data["tables"] if t["key"] == "failure")
    assert failure["rows"][1] == ["Diagnostikk", None, 0, 0, 0, None]
    assert [1, 1] in failure["hidden"]


def test_another_associations_staff_see_only_their_own_and_the_adviser_none(data_set, login, client):
    build(OTHER_ASSOCIATION)
    other = login(UserFactory(role="association_case_worker", role__organisation=OTHER_ASSOCIATION))
    own = other.get(reverse("inquiries:statistics", args=[YEAR]))
    assert own.status_code == 200 and OTHER_ASSOCIATION in own.content.decode()
    # Asking for the first association's figures gives 404, as for one that does not exist.
    page = other.get(reverse("inquiries:statistics", args=[YEAR]), {"forening": association().pk})
    assert page.status_code == 404
    client.logout()
    adviser = login(UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION))
    assert adviser.get(reverse("inquiries:statistics", args=[YEAR])).status_code == 403
