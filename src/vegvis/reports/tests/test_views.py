"""Who sees what: the analyst sees every region but never a person; an office lead sees the office's regions,
with small cells suppressed on the statistics page; the network writes the report's text; office leads import."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vegvis.abroad.models import Case
from vegvis.audit.models import AuditEntry
from vegvis.reports.models import HistoricalFigure, ReportNarrative
from vegvis.reports.render import narrative_html
from vegvis.reports.tests.conftest import Imported
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, make_user):
    log_in_verified(client, make_user("network_analyst", username="analytiker"))
    return client


@pytest.fixture
def lead_client(client, office_lead):
    log_in_verified(client, office_lead)  # office lead at OUS: Helse Sør-Øst and Helse Nord
    return client


# ---------------------------------------------------------------- the analyst: all regions, never a person


def test_the_analyst_sees_the_report_and_statistics_but_never_a_case(imported_2020: Imported, analyst_client):
    page = analyst_client.get("/rapporter/aarsrapport/2020/")
    assert page.status_code == 200
    html = page.content.decode()
    case = Case.objects.select_related("patient").filter(received_date__year=2020).first()
    names = set(Case.objects.values_list("patient__name", flat=True))
    assert not any(name in html for name in names)
    assert case.number not in html

    assert analyst_client.get(f"/utland/saker/{case.pk}/").status_code in {403, 404}
    assert analyst_client.get("/utland/").status_code == 403
    statistics = analyst_client.get("/rapporter/statistikk/?year=2020")
    assert statistics.status_code == 200
    text = statistics.content.decode()
    for region in ("Helse Sør-Øst", "Helse Vest", "Helse Midt", "Helse Nord"):
        assert region in text
    assert "under 5" not in text and "skjult" not in text  # the analyst sees the published, unsuppressed figures


def test_the_report_page_opens_on_the_last_whole_year(imported_2020: Imported, analyst_client):
    response = analyst_client.get("/rapporter/aarsrapport/")
    assert response.status_code == 302
    assert re.fullmatch(r"/rapporter/aarsrapport/\d{4}/", response["Location"])


def test_the_report_pages_queries_do_not_grow_with_the_number_of_cases(
    imported_2020: Imported, analyst_client, tmp_path, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert analyst_client.get("/rapporter/aarsrapport/2020/").status_code == 200
        return len(captured)

    queries()  # the first request of a session fills caches
    before = queries()
    more = [
        {**line, "external_id": f"MORE-{line['external_id']}"}
        for line in imported_2020.dataset.lines
        if line["route"] == "treatment_abroad"
    ]
    path = tmp_path / "more.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in more))
    call_command("import", "cases", str(path), stdout=StringIO())
    assert Case.objects.count() > 1000
    assert queries() == before
    with django_assert_max_num_queries(20):
        analyst_client.get("/rapporter/aarsrapport/2020/")


# ---------------------------------------------------------------- office leads: their regions


def test_an_office_lead_sees_only_the_offices_regions(imported_2020: Imported, lead_client):
    page = lead_client.get("/rapporter/aarsrapport/2020/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Helse Sør-Øst" in html and "Helse Nord" in html
    assert "Helse Vest" not in html and "Helse Midt" not in html

    report = lead_client.get("/rapporter/aarsrapport/2020/last-ned/json/").json()
    assert report["regions"] == ["helse-sor-ost", "helse-nord"]
    assert report["applications"]["received"] == 120 + 24
    assert list(report["appeals"]["forwarded_to_board"]) == ["helse-sor-ost", "helse-nord"]
    assert report["applications"]["received_per_year"] == {"2019": 210, "2020": 144}  # the national history is left out


def test_the_statistics_page_suppresses_small_cells_for_office_leads(imported_2020: Imported, lead_client):
    page = lead_client.get("/rapporter/statistikk/?year=2020")
    assert page.status_code == 200
    html = re.sub(r"\s+", " ", page.content.decode())
    assert "Helse Vest" not in html and "Helse Midt" not in html

    def row(label: str) -> list[str]:
        match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html)
        assert match, label
        return re.findall(r'<td class="num">([^<]*)</td>', match.group(1))

    # Helse Sør-Øst, Helse Nord, total. Referrals to particle therapy: 40 and 2 → the 2 is hidden, and the 40 with
    # it (42 − 40 would give the 2 back); the total is shown, and is the true total.
    assert row("Henvisninger til partikkelterapi") == ["skjult", "skjult", "42"]
    assert row("Kostnader for partikkelterapi (kr)") == ["skjult", "skjult", "21 626 000"]
    assert row("Mottatte søknader") == ["120", "24", "144"]
    assert row("Mottatte klager på avslag") == ["skjult", "skjult", "22"]
    assert "under 5" not in html and "skjult for å verne personvernet" in html


def test_an_office_lead_cannot_write_the_networks_text(imported_2020: Imported, lead_client):
    assert lead_client.get("/rapporter/aarsrapport/2020/tekst/introduction/").status_code == 403
    assert "Rediger teksten" not in lead_client.get("/rapporter/aarsrapport/2020/").content.decode()


# ---------------------------------------------------------------- the network's text


def test_the_analyst_writes_the_text_and_it_is_placed_in_the_publication(imported_2020: Imported, analyst_client):
    text = (
        "## Nettverkets sammensetning\n\nHelse Vest RHF og Helse Sør-Øst RHF.\n\n"
        "## Nettverkets arbeid i 2020\n\n- Ett fellesmøte\n- To dialogmøter med Helfo\n\n<script>alert(1)</script>"
    )
    response = analyst_client.post("/rapporter/aarsrapport/2020/tekst/network/", {"text": text})
    assert response.status_code == 302
    assert response["Location"] == "/rapporter/aarsrapport/2020/#kap-2"
    narrative = ReportNarrative.objects.get(year=2020, section="network")
    assert narrative.updated_by is not None
    assert AuditEntry.objects.filter(object_type="reports.reportnarrative", action="create").exists()

    html = analyst_client.get("/rapporter/aarsrapport/2020/").content.decode()
    assert '<h3 class="vv-pub-h3" id="s2-1">2.1 Nettverkets sammensetning</h3>' in html
    assert "2.2 Nettverkets arbeid i 2020" in html
    assert "<li>To dialogmøter med Helfo</li>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html

    # Saving the same text again writes nothing.
    entries = AuditEntry.objects.count()
    analyst_client.post("/rapporter/aarsrapport/2020/tekst/network/", {"text": text})
    assert AuditEntry.objects.count() == entries


def test_the_narrative_markup_escapes_everything():
    html = narrative_html("## A & B\n\nLine <b>one</b>\nline two\n\n- x\n- <i>y</i>", "4")
    assert html == (
        '<h3 class="vv-pub-h3" id="s4-1">4.1 A &amp; B</h3>\n<p>Line &lt;b&gt;one&lt;/b&gt; line two</p>\n'
        "<ul><li>x</li><li>&lt;i&gt;y&lt;/i&gt;</li></ul>"
    )


def test_unknown_sections_figures_and_years_are_not_found(analyst_client):
    assert analyst_client.get("/rapporter/aarsrapport/2020/tekst/foreword/").status_code == 404
    assert analyst_client.get("/rapporter/aarsrapport/2020/figur/kake.svg").status_code == 404
    assert analyst_client.get("/rapporter/aarsrapport/1066/").status_code == 404


def test_a_year_without_data_gives_an_empty_report_not_an_error(analyst_client):
    response = analyst_client.get("/rapporter/aarsrapport/2015/")
    assert response.status_code == 200
    for name in ("soknader", "regioner", "land", "sykehus", "diagnoser", "kostnader", "snittkostnad", "klager"):
        assert analyst_client.get(f"/rapporter/aarsrapport/2015/figur/{name}.svg").status_code == 200
    assert analyst_client.get("/rapporter/aarsrapport/2015/figur/partikkelterapi.svg").status_code == 200


def test_the_analysts_home_reaches_every_year_not_only_the_five_newest(analyst_client):
    HistoricalFigure.objects.bulk_create(
        HistoricalFigure(metric=HistoricalFigure.Metric.APPLICATIONS_RECEIVED, year=year, value=300)
        for year in range(2011, 2021)
    )

    page = analyst_client.get("/hjem/").content.decode()

    assert "Årsrapport 2020" in page and "Årsrapport 2016" in page and "Årsrapport 2015" not in page
    assert "Tidligere år:" in page
    assert 'href="/rapporter/aarsrapport/2015/"' in page and 'href="/rapporter/aarsrapport/2011/"' in page
