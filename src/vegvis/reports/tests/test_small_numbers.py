"""Small numbers, as the office lead sees them: the statistics page and the office's extract of the annual report
(web page, PDF, workbook, JSON) hide the same cells, show «skjult» for them, never «under 5» beside a region of
7 or 19, never «under 5 kr», and every total they show is the true total.

The data set (2025, imported with ``vegvis import cases``): the office at OUS handles Helse Sør-Øst and Helse Nord.

| figure                    | Helse Sør-Øst | Helse Nord | total |
|---------------------------|---------------|------------|-------|
| applications received     | 19            | 7          | 26    |
| granted                   | 12            | 3          | 15    |
| pending at year end       | 5             | 2          | 7     |
| appeals against rejection | 1             | 0          | 1     |
| costs of applications     | 1 200 000     | 150 000    | 1 350 000 |
| particle therapy          | 7             | 2          | 9     |
| particle-therapy costs    | 2 100 000     | 500 000    | 2 600 000 |

Of the 15 grants, 13 were at Karolinska (Sweden) and 2 at Rigshospitalet (Denmark): a country of 2, and a hospital
of 2 pooled as «others».
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from vegvis.core.national_id import synthetic_number

pytestmark = pytest.mark.django_db

HSO, NORD = "helse-sor-ost", "helse-nord"
YEAR = 2025
KAROLINSKA = {"name": "Karolinska Universitetssjukhuset", "city": "Stockholm", "country": "SE"}
RIGSHOSPITALET = {"name": "Rigshospitalet", "city": "København", "country": "DK"}
HEIDELBERG = {"name": "Heidelberger Ionenstrahl-Therapiezentrum", "city": "Heidelberg", "country": "DE"}
# Numbers that a hidden cell holds and that must not be readable anywhere in the office's outputs.
HIDDEN_AMOUNTS = ["1 200 000", "150 000", "2 100 000", "500 000"]


def national_id(n: int) -> str:
    born = date(1970, 1, 1) + timedelta(days=n * 37)
    for individual in range(n, n + 500):
        found = synthetic_number(born, individual)
        if found:
            return found
    raise AssertionError(n)


def _lines() -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    serial = iter(range(1, 10_000))

    def case(region: str, route: str, *, outcome: str | None, day: int, **extra: Any) -> dict[str, Any]:
        n = next(serial)
        received = date(YEAR, 1, 6) + timedelta(days=day)
        line: dict[str, Any] = {
            "external_id": f"SMALL-{n:04d}",
            "route": route,
            "national_id": national_id(n),
            "patient_name": f"Testpasient {n:04d}",
            "home_region": region,
            "received_date": received.isoformat(),
            "diagnosis_icd10": "C71.6" if route == "particle_therapy" else "G40.2",
            "expenses": [],
            **extra,
        }
        if outcome:
            line["decision"] = {"outcome": outcome, "date": (received + timedelta(days=20)).isoformat()}
        lines.append(line)
        return line

    def expense(amount: int, day: int) -> dict[str, str]:
        booked = date(YEAR, 3, 1) + timedelta(days=day)
        return {"booked_date": booked.isoformat(), "category": "treatment", "amount": f"{amount}.00", "currency": "NOK"}

    for region, granted, rejected, pending, cost in ((HSO, 12, 2, 5, 100_000), (NORD, 3, 2, 2, 50_000)):
        for i in range(granted):
            hospital = RIGSHOSPITALET if region == HSO and i < 2 else KAROLINSKA
            case(region, "treatment_abroad", outcome="granted", day=i, hospital=hospital)["expenses"].append(
                expense(cost, i)
            )
        for i in range(rejected):
            case(region, "treatment_abroad", outcome="rejected", day=i)
        for i in range(pending):
            # Received in December, undecided at year end.
            line = case(region, "treatment_abroad", outcome=None, day=330 + i)
            assert line["received_date"].startswith(str(YEAR))
    rejected_hso = next(
        line for line in lines if line["home_region"] == HSO and line.get("decision", {}).get("outcome") == "rejected"
    )
    rejected_hso["appeal"] = {"received_date": f"{YEAR}-04-02", "office_outcome": "pending"}
    for region, referrals, cost in ((HSO, 7, 300_000), (NORD, 2, 250_000)):
        for i in range(referrals):
            case(region, "particle_therapy", outcome=None, day=i, hospital=HEIDELBERG)["expenses"].append(
                expense(cost, i)
            )
    return lines


@pytest.fixture
def small_numbers(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in _lines()) + "\n", "utf-8")
    call_command("import", "cases", str(path), stdout=StringIO())


@pytest.fixture
def lead(login, office_lead):
    return login(office_lead)  # office lead at OUS: Helse Sør-Øst and Helse Nord


def normalise(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def statistics_rows(html: str) -> dict[str, list[str]]:
    html = normalise(html)
    return {
        label: re.findall(r'<td class="num">([^<]*)</td>', cells)
        for label, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', html)
    }


def test_the_statistics_page_hides_cells_as_skjult_and_shows_true_totals(small_numbers, lead):
    page = lead.get(f"/rapporter/statistikk/?year={YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    rows = statistics_rows(html)
    # Helse Sør-Øst, Helse Nord, Sum.
    assert rows["Mottatte søknader"] == ["19", "7", "26"]
    # 3 is hidden; so is the 12 beside it, or 15 − 12 would give it back. The total is the true total.
    assert rows["Innvilgede søknader"] == ["skjult", "skjult", "15"]
    assert rows["Andel innvilget"] == ["skjult", "skjult", "58 %"]
    assert rows["Under behandling ved årets slutt"] == ["skjult", "skjult", "7"]
    assert rows["Mottatte klager på avslag"] == ["skjult", "0", "skjult"]  # a total of 1 is a small number itself
    assert rows["Henvisninger til partikkelterapi"] == ["skjult", "skjult", "9"]
    # Amounts resting on hidden counts are hidden, as «skjult», never as «under 5» (kr).
    assert rows["Kostnader for partikkelterapi (kr)"] == ["skjult", "skjult", "2 600 000"]
    assert rows["Kostnader for søknader (kr)"] == ["skjult", "skjult", "1 350 000"]
    text = normalise(html)
    assert "under 5" not in text
    assert "Skjult for å verne personvernet" in text or "skjult for å verne personvernet" in text
    for amount in HIDDEN_AMOUNTS:
        assert f">{amount}<" not in text


def test_no_line_on_the_statistics_page_gives_a_hidden_cell_back(small_numbers, lead):
    rows = statistics_rows(lead.get(f"/rapporter/statistikk/?year={YEAR}").content.decode())
    for label, cells in rows.items():
        if len(cells) != 3 or "%" in "".join(cells):
            continue
        *regions, total = cells
        hidden = [c for c in regions if c == "skjult"]
        if total != "skjult":
            assert len(hidden) != 1, label  # one hidden cell beside a shown total is found by subtraction


def test_the_office_report_page_hides_the_same_cells(small_numbers, lead):
    html = normalise(lead.get(f"/rapporter/aarsrapport/{YEAR}/").content.decode())

    def table(key: str) -> list[list[str]]:
        match = re.search(rf'id="tabell-{re.escape(key)}">(.*?)</table>', html)
        assert match, key
        return [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row) for row in re.findall(r"<tr.*?</tr>", match.group(1))]

    assert table("3.2")[1:] == [
        ["Helse Sør-Øst", "19", "73 %"],
        ["Helse Nord", "7", "27 %"],
        ["Sum", "26", "100 %"],
    ]
    assert table("3.7")[1:] == [["Antall", "skjult", "skjult"], ["Totale kostnader", "skjult", "skjult"]]
    costs = table("3.5a")
    assert costs[1][-1] == "skjult" and costs[2][-1] == "skjult" and costs[-1][-1] == "1 350 000"
    assert "under 5" not in html
    for amount in HIDDEN_AMOUNTS:
        assert f">{amount}<" not in html
    assert "skjult for å verne personvernet" in html


def test_the_office_pdf_shows_skjult_never_a_hidden_number(small_numbers, lead, tmp_path: Path, pdftotext: str):
    response = lead.get(f"/rapporter/aarsrapport/{YEAR}/last-ned/pdf/")
    assert response.status_code == 200
    output = tmp_path / "extract.pdf"
    output.write_bytes(response.content)
    extracted = subprocess.run(  # noqa: S603  (our own file, Debian's pdftotext)
        [pdftotext, "-layout", str(output), "-"], capture_output=True, check=True, text=True
    )
    text = normalise(extracted.stdout)
    assert "under 5" not in text
    assert "skjult" in text and "skjult for å verne personvernet" in text
    assert "Antall skjult skjult" in text  # 3.7: Helse Sør-Øst and Helse Nord
    assert "Totale kostnader skjult skjult" in text
    # No row of a table or a chart's label carries a hidden amount (axis ticks are round numbers on their own line).
    for line in extracted.stdout.splitlines():
        if any(word in line for word in ("Helse Sør-Øst", "Helse Nord", "Totale kostnader", "kr", "NOK")):
            for amount in HIDDEN_AMOUNTS:
                assert amount not in normalise(line), line


def test_the_office_workbook_has_skjult_text_in_hidden_cells(small_numbers, lead):
    response = lead.get(f"/rapporter/aarsrapport/{YEAR}/last-ned/xlsx/")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))

    def table(name: str) -> list[list[Any]]:
        return [list(row) for row in workbook[name].iter_rows(min_row=2, values_only=True) if any(row)]

    particle = table("3.7 Partikkelterapi")
    assert particle[1][1:] == ["skjult", "skjult"]
    assert particle[2][1:] == ["skjult", "skjult"]
    regions = table("3.2 Regioner")
    assert regions[1:4] == [["Helse Sør-Øst", 19, 73], ["Helse Nord", 7, 27], ["Sum", 26, 100]]
    every_value = [v for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
    assert not any(isinstance(v, str) and "under 5" in v for v in every_value)
    assert not any(v in (1_200_000, 150_000, 2_100_000, 500_000) for v in every_value)


def test_the_office_json_has_null_for_hidden_figures_with_a_flag(small_numbers, lead):
    report = lead.get(f"/rapporter/aarsrapport/{YEAR}/last-ned/json/").json()
    assert report["particle_therapy"]["patients"] == {HSO: None, NORD: None}
    assert report["particle_therapy"]["costs_nok"] == {HSO: None, NORD: None}
    assert report["region_totals"]["particle_therapy.patients"] == 9
    assert report["region_totals"]["particle_therapy.costs_nok"] == 2_600_000
    assert report["received_per_region"] == {HSO: 19, NORD: 7}
    assert report["applications"]["granted"] == 15
    assert report["granted_per_region"] == {HSO: None, NORD: None}
    assert report["appeals"]["appeals_against_rejection_received"] == {HSO: None, NORD: 0}
    assert report["suppression"]["threshold"] == 5
    hidden = set(report["hidden"])
    assert {
        f"particle_therapy.patients.{HSO}",
        f"granted_per_region.{NORD}",
        "region_totals.appeals.appeals_against_rejection_received",
    } <= hidden

    # Every flag points at a null, and every null figure of a per-region table is flagged.
    def at(path: str) -> Any:
        data: Any = report
        for part in path.split("."):
            data = data[int(part)] if isinstance(data, list) else data[part]
        return data

    for path in hidden:
        if path.startswith("region_totals."):
            assert report["region_totals"][path.removeprefix("region_totals.")] is None
        else:
            assert at(path) is None, path


def test_the_statistics_page_and_the_json_hide_the_same_cells(small_numbers, lead):
    rows = statistics_rows(lead.get(f"/rapporter/statistikk/?year={YEAR}").content.decode())
    report = lead.get(f"/rapporter/aarsrapport/{YEAR}/last-ned/json/").json()
    pairs = {
        "Mottatte søknader": report["received_per_region"],
        "Innvilgede søknader": report["granted_per_region"],
        "Henvisninger til partikkelterapi": report["particle_therapy"]["patients"],
        "Kostnader for partikkelterapi (kr)": report["particle_therapy"]["costs_nok"],
        "Mottatte klager på avslag": report["appeals"]["appeals_against_rejection_received"],
    }
    for label, values in pairs.items():
        on_page = rows[label][:2]
        in_json = [
            "skjult" if values[c] is None else re.sub(r"\B(?=(\d{3})+$)", " ", str(values[c])) for c in (HSO, NORD)
        ]
        assert on_page == in_json, label


def test_the_analyst_sees_the_national_figures_unsuppressed(small_numbers, login, analyst):
    client = login(analyst)
    rows = statistics_rows(client.get(f"/rapporter/statistikk/?year={YEAR}").content.decode())
    # Helse Sør-Øst, Helse Vest, Helse Midt, Helse Nord, Sum: the published report's rules, no cell suppression.
    assert rows["Henvisninger til partikkelterapi"] == ["7", "0", "0", "2", "9"]
    report = client.get(f"/rapporter/aarsrapport/{YEAR}/last-ned/json/").json()
    assert "hidden" not in report
    assert report["particle_therapy"]["patients"][NORD] == 2


def test_a_small_country_and_a_small_pool_of_hospitals_are_hidden_with_their_complements(small_numbers, lead):
    report = lead.get(f"/rapporter/aarsrapport/{YEAR}/last-ned/json/").json()
    # Denmark 2 is hidden, and Sweden 13 with it (15 granted − 13 would give the 2 back); the Nordic share (the
    # sum of some countries) is hidden too.
    assert report["granted_per_country"] == {"SE": None, "DK": None}
    assert report["granted_nordic_percent"] is None and "granted_nordic_percent" in report["hidden"]
    assert [h["count"] for h in report["granted_per_hospital"]] == [None, None]
    assert report["granted_per_hospital"][1] == {"hospital": "other", "institutions": 1, "count": None}

    html = normalise(lead.get(f"/rapporter/aarsrapport/{YEAR}/").content.decode())
    countries = re.search(r'id="tabell-3.3a">(.*?)</table>', html).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', countries) == ["skjult"] * 4  # count and share, twice
    hospitals = re.search(r'id="tabell-3.3b">(.*?)</table>', html).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', hospitals) == ["skjult", "skjult"]
    assert "Omtrent «skjult» prosent" in html


def test_the_office_charts_mark_hidden_bars_and_draw_no_hidden_number(small_numbers, lead):
    html = lead.get(f"/rapporter/aarsrapport/{YEAR}/").content.decode()
    found = re.findall(r'<img class="vv-pub-chart" src="(/[^"]+/figur/([a-z]+)\.svg[^"]*)"', html)
    sources = {name: src.replace("&amp;", "&") for src, name in found}
    for name in ("partikkelterapi", "land", "kostnader"):
        svg = lead.get(sources[name]).content.decode()
        assert "skjult" in svg, name
        assert "under 5" not in svg
        if name != "kostnader":  # its axis has round ticks (200 000 …), which are not figures
            for amount in HIDDEN_AMOUNTS:
                assert amount not in normalise(svg), (name, amount)
    # The text alternative names the hidden figures as hidden, too.
    assert "Helse Nord skjult (skjult NOK)" in normalise(html)


def test_a_hidden_figure_in_a_sentence_is_the_term_the_footnote_explains(small_numbers, lead):
    html = normalise(lead.get(f"/rapporter/aarsrapport/{YEAR}/").content.decode())
    sentences = [p for p in re.findall(r"<p[^>]*>([^<]*)</p>", html) if "skjult" in p]
    assert any("Omtrent «skjult» prosent" in p for p in sentences), sentences
    for sentence in sentences:  # never a bare "skjult" where a number would stand
        assert not re.search(r"(?<!«)skjult(?!»)(?= prosent| søknader| barn)", sentence), sentence
