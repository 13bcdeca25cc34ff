"""A synthetic, case-level data set whose figures under the annual-report contract are the published 2020 ones.

``build()`` constructs one JSON Lines case per application or referral (2019, 2020 and a few 2021 cases) and the
historical aggregates file, from the figures in data/annual-report-2020.json. Every case is synthetic (Tenor-style
test national ids, made-up names). The data set carries the traps the contract's definitions exist for:

- decisions after year end: cases received in December 2020 and decided in 2021 (pending at year end, and two
  of them granted, so they count in granted(2020));
- appeals from the previous year decided this year: appeals forwarded in 2019 whose board decision came in 2020,
  an appeal received in 2019 and forwarded in 2020, an appeal received in 2020 against a 2019 rejection;
- office and board decisions in 2021 on 2020 appeals (not counted in 2020's appeal table);
- costs booked in another year than the case: 2019 cases with invoices booked in 2020 (counted in 2020), 2020
  cases with invoices booked in 2021 (not counted), a 2019 particle-therapy referral invoiced in 2020;
- a patient whose region differs from the handling office: Helse Nord's patients, handled by the office at OUS;
- patients with more than one case, and a child who turns 18 the day after the application (a child) next to
  an adult who turned 18 on the day (not a child);
- imported historical aggregates for years that also have case data: 2019 (the same figure) and 2020 (a
  preliminary figure that differs, so only the case-level figure can reproduce the published one);
- referrals (particle therapy, Nordic protocol) at Nordic hospitals with expenses, which must not count as
  applications, grants, Nordic share or costs.

The published text and table disagree on chapter Z in 2020 (table 34 %, text 32 %); the data set reproduces the
table: 58 of 173 grants, which is what the text's own count ("55 av de 58 behandlingene") gives.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

from vegvis.core.national_id import synthetic_number

REFERENCE = json.loads((Path(__file__).parent / "data" / "annual-report-2020.json").read_text(encoding="utf-8"))
FIGURES = REFERENCE["2020"]

HSO, VEST, MIDT, NORD = "helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"
REGIONS = (HSO, VEST, MIDT, NORD)

HOSPITALS = {
    "karolinska": ("Karolinska Universitetssjukhuset", "Stockholm", "SE"),
    "rigshospitalet": ("Rigshospitalet", "København", "DK"),
    "hus": ("Helsinki University Hospital", "Helsinki", "FI"),
    "sahlgrenska": ("Sahlgrenska Universitetssjukhuset", "Göteborg", "SE"),
    "skane": ("Skånes universitetssjukhus", "Lund", "SE"),
    "gosh": ("Great Ormond Street Hospital for Children", "London", "GB"),
    "hamburg": ("Universitätsklinikum Hamburg-Eppendorf", "Hamburg", "DE"),
    "stlouis": ("St. Louis Children's Hospital", "St. Louis", "US"),
    # particle therapy centres
    "heidelberg": ("Heidelberger Ionenstrahl-Therapiezentrum", "Heidelberg", "DE"),
    "essen": ("Westdeutsches Protonentherapiezentrum Essen", "Essen", "DE"),
    "skandion": ("Skandionkliniken", "Uppsala", "SE"),
    "jules-gonin": ("Hôpital ophtalmique Jules-Gonin", "Lausanne", "CH"),
}
# 32 more institutions in Europe and the USA that treated fewer than five patients each ("andre").
POOLED = [
    ("Universitair Ziekenhuis Leuven", "Leuven", "BE"),
    ("Charité – Universitätsmedizin Berlin", "Berlin", "DE"),
    ("Hôpital Necker-Enfants malades", "Paris", "FR"),
    ("Children's Hospital of Philadelphia", "Philadelphia", "US"),
    ("Boston Children's Hospital", "Boston", "US"),
    ("Mayo Clinic", "Rochester", "US"),
    ("Cincinnati Children's Hospital Medical Center", "Cincinnati", "US"),
    ("Memorial Sloan Kettering Cancer Center", "New York", "US"),
    ("MD Anderson Cancer Center", "Houston", "US"),
    ("Guy's and St Thomas' Hospital", "London", "GB"),
    ("Royal Brompton Hospital", "London", "GB"),
    ("Moorfields Eye Hospital", "London", "GB"),
    ("Birmingham Children's Hospital", "Birmingham", "GB"),
    ("Universitätsspital Zürich", "Zürich", "CH"),
    ("Kinderspital Zürich", "Zürich", "CH"),
    ("Inselspital Bern", "Bern", "CH"),
    ("Universitätsklinikum Heidelberg", "Heidelberg", "DE"),
    ("Klinikum rechts der Isar", "München", "DE"),
    ("Universitätsklinikum Tübingen", "Tübingen", "DE"),
    ("Medizinische Hochschule Hannover", "Hannover", "DE"),
    ("Universitätsklinikum Freiburg", "Freiburg", "DE"),
    ("Radboudumc", "Nijmegen", "NL"),
    ("Erasmus MC", "Rotterdam", "NL"),
    ("Amsterdam UMC", "Amsterdam", "NL"),
    ("Cliniques universitaires Saint-Luc", "Bruxelles", "BE"),
    ("Hôpital de la Pitié-Salpêtrière", "Paris", "FR"),
    ("Institut Curie", "Paris", "FR"),
    ("Hospital Sant Joan de Déu", "Barcelona", "ES"),
    ("Ospedale Pediatrico Bambino Gesù", "Roma", "IT"),
    ("Istituto Giannina Gaslini", "Genova", "IT"),
    ("AKH Wien", "Wien", "AT"),
    ("Rabin Medical Center", "Petah Tikva", "IL"),
]

DIAGNOSES = {
    "pgd": "Z31.8",
    "Z": "Z89.6",
    "ttts": "O43.0",
    "fetal": "O30.0",
    "meso": "C45.0",
    "child-cancer": "C71.6",
    "C": "C49.2",
    "prrt": "C25.4",
    "meg": "G40.2",
    "sdr": "G80.1",
    "G": "G71.0",
    "Q": "Q85.0",
    "S": "T87.6",
    "M": "M41.1",
    "I": "I42.0",
    "E": "E75.2",
    "H": "H35.5",
    "K": "K74.6",
    "D": "D61.0",
    "rejected": "M17.0",
    "particle": "C71.6",
    "nordic": "C71.9",
}

# 2020's granted applications: (diagnosis, hospital, number, of whom children). Hospital "pooled" goes to one
# of POOLED (round robin). Per chapter: Z 58, O 26, C 10, G 17, Q 12, S–T 17 (the listed chapters), and M 8,
# I 7, E 6, H 5, K 4, D50–D89 3 (each 5 % or less of 173, so left out).
GRANTED_2020 = [
    ("pgd", "karolinska", 55, 0),
    ("Z", "sahlgrenska", 3, 0),
    ("ttts", "karolinska", 5, 0),
    ("ttts", "rigshospitalet", 13, 0),
    ("fetal", "rigshospitalet", 3, 0),
    ("fetal", "skane", 2, 0),
    ("ttts", "hamburg", 2, 0),
    ("ttts", "pooled", 1, 0),
    ("meso", "rigshospitalet", 4, 0),
    ("child-cancer", "hus", 1, 1),
    ("C", "sahlgrenska", 2, 0),
    ("C", "pooled", 3, 0),
    ("meg", "hus", 6, 0),
    ("sdr", "gosh", 6, 6),
    ("sdr", "stlouis", 2, 2),
    ("G", "rigshospitalet", 1, 0),
    ("G", "skane", 1, 0),
    ("G", "pooled", 1, 0),
    ("Q", "rigshospitalet", 4, 3),
    ("Q", "hus", 2, 2),
    ("Q", "skane", 2, 2),
    ("Q", "pooled", 4, 3),
    ("S", "sahlgrenska", 5, 0),
    ("S", "rigshospitalet", 2, 0),
    ("S", "skane", 2, 0),
    ("S", "hus", 1, 0),
    ("S", "pooled", 7, 3),
    ("M", "rigshospitalet", 2, 1),
    ("M", "sahlgrenska", 1, 0),
    ("M", "pooled", 5, 3),
    ("I", "rigshospitalet", 1, 0),
    ("I", "skane", 1, 0),
    ("I", "pooled", 5, 0),
    ("E", "sahlgrenska", 1, 1),
    ("E", "pooled", 5, 3),
    ("H", "skane", 1, 0),
    ("H", "pooled", 4, 3),
    ("K", "pooled", 4, 2),
    ("D", "pooled", 3, 1),
]

# 2019's granted applications per chapter (230 in all): C 39 (17 %), G 27 (12 %), O 32 (14 %), Q 18 (8 %),
# S–T 18 (8 %), Z 52 (23 %); M, I, E and K 11 each (under 5 %). PRRT: 24 of the 39 tumours.
GRANTED_2019 = [
    ("prrt", "karolinska", 24),
    ("C", "rigshospitalet", 15),
    ("G", "hus", 27),
    ("ttts", "rigshospitalet", 32),
    ("Q", "skane", 18),
    ("S", "sahlgrenska", 18),
    ("pgd", "karolinska", 50),
    ("Z", "sahlgrenska", 2),
    ("M", "pooled", 10),  # the 11th M grant is the 2019 appeal reversed by the board in 2020 (Helse Sør-Øst)
    ("I", "pooled", 10),  # the 11th I grant is Helse Midt-Norge's appeal reversed by the board in 2020
    ("E", "pooled", 11),
    ("K", "pooled", 11),
]

RECEIVED_2020 = {HSO: 120, VEST: 45, MIDT: 35, NORD: 24}  # not published (a chart only); sums to 224
GRANTED_2020_PER_REGION = {HSO: 92, VEST: 35, MIDT: 28, NORD: 18}  # sums to 173
RECEIVED_2019 = {HSO: 150, VEST: 70, MIDT: 60, NORD: 60}  # sums to the published 340
# Preliminary figures imported as history for 2020; the case-level figures must win over them.
PRELIMINARY_2020_RECEIVED = 231
PRELIMINARY_2020_COSTS = {HSO: 23_100_000, VEST: 9_000_000, MIDT: 10_500_000, NORD: 8_000_000}
CURRENCIES = {"NOK": Decimal(1), "EUR": Decimal("10.7230"), "SEK": Decimal("0.9769"), "DKK": Decimal("1.4390")}


@dataclass
class Dataset:
    lines: list[dict[str, Any]] = field(default_factory=list)
    history: dict[str, Any] = field(default_factory=dict)

    def write(self, directory: Path) -> tuple[Path, Path]:
        cases = directory / "cases-2019-2021.jsonl"
        history = directory / "history-2011-2020.json"
        cases.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in self.lines) + "\n", "utf-8")
        history.write_text(json.dumps(self.history, ensure_ascii=False, indent=1), "utf-8")
        return cases, history

    def by_id(self, external_id: str) -> dict[str, Any]:
        return next(line for line in self.lines if line["external_id"] == external_id)


@dataclass
class _Person:
    national_id: str
    name: str
    birth_date: date
    region: str


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(2020)  # noqa: S311  (synthetic data, not security)
        self.lines: list[dict[str, Any]] = []
        self.individual = count(1)
        self.person_number = count(1)
        self.case_number = count(1)
        self.used_ids: set[str] = set()
        self.pooled = count()
        self.adults_2019: dict[str, list[_Person]] = {r: [] for r in REGIONS}

    # -- persons

    def person(self, region: str, born: date) -> _Person:
        while True:
            number = synthetic_number(born, next(self.individual))
            if number and number not in self.used_ids:
                self.used_ids.add(number)
                break
        return _Person(number, f"Testpasient {next(self.person_number):04d}", born, region)

    def adult(self, region: str, received: date) -> _Person:
        return self.person(region, received - timedelta(days=self.rng.randrange(20 * 365, 75 * 365)))

    def child(self, region: str, received: date) -> _Person:
        return self.person(region, received - timedelta(days=self.rng.randrange(2 * 365, 16 * 365)))

    # -- cases

    def hospital(self, key: str | None) -> dict[str, str] | None:
        if key is None:
            return None
        if key == "pooled":
            name, city, country = POOLED[next(self.pooled) % len(POOLED)]
        else:
            name, city, country = HOSPITALS[key]
        return {"name": name, "city": city, "country": country}

    def case(
        self,
        *,
        prefix: str,
        route: str,
        person: _Person,
        received: date,
        diagnosis: str,
        hospital: str | None = None,
        decision: tuple[str, date] | None = None,
        appeal: dict[str, Any] | None = None,
        give_birth_date: bool = False,
    ) -> dict[str, Any]:
        line: dict[str, Any] = {
            "external_id": f"{prefix}-{next(self.case_number):05d}",
            "route": route,
            "national_id": person.national_id,
            "patient_name": person.name,
            "home_region": person.region,
            "received_date": received.isoformat(),
            "diagnosis_icd10": DIAGNOSES[diagnosis],
        }
        if give_birth_date:
            line["birth_date"] = person.birth_date.isoformat()
        found = self.hospital(hospital)
        if found:
            line["hospital"] = found
        if decision:
            line["decision"] = {"outcome": decision[0], "date": decision[1].isoformat()}
        if appeal:
            line["appeal"] = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in appeal.items()}
        line["expenses"] = []
        self.lines.append(line)
        return line

    def day_in(self, year: int, first_month: int = 1, last_month: int = 11) -> date:
        start = date(year, first_month, 3)
        end = date(year, last_month, 28)
        return start + timedelta(days=self.rng.randrange((end - start).days))


def _appeal(
    received: date, office: str, office_date: date | None, board: str | None = None, board_date: date | None = None
) -> dict[str, Any]:
    return {
        "received_date": received,
        "office_outcome": office,
        "office_date": office_date,
        "board_outcome": board,
        "board_date": board_date,
    }


def build() -> Dataset:
    b = _Builder()
    _applications_2019(b)
    _applications_2020(b)
    _referrals(b)
    _cases_2021(b)
    _costs(b)
    return Dataset(lines=b.lines, history=_history())


# ---------------------------------------------------------------- 2020


def _applications_2020(b: _Builder) -> None:
    slots: list[tuple[str, str, bool]] = []  # (diagnosis, hospital, child)
    for diagnosis, hospital, number, children in GRANTED_2020:
        slots.extend((diagnosis, hospital, index < children) for index in range(number))
    assert len(slots) == FIGURES["granted"] == 173
    assert sum(child for _d, _h, child in slots) == FIGURES["granted_children_under_18"] == 36
    regions = [r for r in REGIONS for _ in range(GRANTED_2020_PER_REGION[r])]
    b.rng.shuffle(regions)

    # Appeals that ended in a grant (treatment-abroad applications, so never PGD): per region, what happened.
    reversals: dict[str, list[tuple[str, date, date | None]]] = {
        HSO: [
            ("office", date(2020, 3, 10), None),  # A1: reversed by the office in 2020
            ("office", date(2021, 1, 15), None),  # A17: reversed by the office in 2021 (counts in 2021's table)
            ("board", date(2020, 4, 14), date(2020, 9, 8)),  # three reversed by the board in 2020
            ("board", date(2020, 4, 21), date(2020, 9, 22)),
            ("board", date(2020, 5, 5), date(2020, 10, 6)),
        ],
        VEST: [("office", date(2020, 4, 2), None), ("board", date(2020, 5, 12), date(2020, 11, 3))],  # V1, V2
        MIDT: [("office", date(2020, 6, 9), None)],  # M1
        NORD: [],
    }
    decided_2021 = {HSO: 1, NORD: 1}  # granted, but decided after year end: pending at year end
    for (diagnosis, hospital, is_child), region in zip(slots, regions, strict=True):
        route = "pgd" if diagnosis == "pgd" else "treatment_abroad"
        if route == "treatment_abroad" and reversals[region] and not is_child:
            kind, office_date, board_date = reversals[region].pop(0)
            if office_date.year == 2021:
                received = date(2020, 11, 16)
                rejected = date(2020, 12, 4)
                appeal_received = date(2020, 12, 20)
            else:
                received = office_date - timedelta(days=60)
                rejected = received + timedelta(days=14)
                appeal_received = rejected + timedelta(days=10)
            appeal = (
                _appeal(appeal_received, "reversed", office_date)
                if kind == "office"
                else _appeal(appeal_received, "forwarded", office_date, "reversed", board_date)
            )
            b.case(
                prefix="GA20",
                route=route,
                person=b.adult(region, received),
                received=received,
                diagnosis=diagnosis,
                hospital=hospital,
                decision=("rejected", rejected),
                appeal=appeal,
            )
            continue
        if decided_2021.get(region) and not is_child and route == "treatment_abroad":
            decided_2021[region] -= 1
            received = date(2020, 12, 14)
            b.case(
                prefix="G21",
                route=route,
                person=b.adult(region, received),
                received=received,
                diagnosis=diagnosis,
                hospital=hospital,
                decision=("granted", date(2021, 1, 19)),
            )
            continue
        received = b.day_in(2020)
        person = b.child(region, received) if is_child else _adult_maybe_known(b, region, received)
        b.case(
            prefix="G20",
            route=route,
            person=person,
            received=received,
            diagnosis=diagnosis,
            hospital=hospital,
            decision=("granted", received + timedelta(days=b.rng.randrange(7, 30))),
            give_birth_date=b.rng.random() < 0.3,
        )
    assert not any(reversals.values()) and not any(decided_2021.values())
    _children_at_the_boundary(b)
    _not_granted_2020(b)


def _adult_maybe_known(b: _Builder, region: str, received: date) -> _Person:
    """Some 2020 patients had a case in 2019 too (the import finds the person again)."""
    known = b.adults_2019[region]
    if known and b.rng.random() < 0.08:
        return known.pop()
    return b.adult(region, received)


def _children_at_the_boundary(b: _Builder) -> None:
    """Replace one granted child and one granted adult by patients on either side of their 18th birthday."""
    received = date(2020, 6, 15)
    child_line = next(line for line in b.lines if line["diagnosis_icd10"] == DIAGNOSES["Q"] and _is_child(line))
    adult_line = next(
        line for line in b.lines if line["diagnosis_icd10"] == DIAGNOSES["I"] and line["external_id"].startswith("G20")
    )
    for line, born in ((child_line, date(2002, 6, 16)), (adult_line, date(2002, 6, 15))):
        person = b.person(line["home_region"], born)
        line.update(
            national_id=person.national_id,
            patient_name=person.name,
            birth_date=born.isoformat(),
            received_date=received.isoformat(),
        )
        line["decision"]["date"] = date(2020, 7, 1).isoformat()


def _is_child(line: dict[str, Any]) -> bool:
    born = date.fromisoformat(line["birth_date"]) if "birth_date" in line else None
    if born is None:
        from vegvis.core.national_id import parse

        born = parse(line["national_id"], allow_synthetic=True).birth_date
    received = date.fromisoformat(line["received_date"])
    assert born is not None
    return (received.year - born.year - ((received.month, received.day) < (born.month, born.day))) < 18


def _not_granted_2020(b: _Builder) -> None:
    """51 applications that were not granted: rejected (some appealed), withdrawn, or not yet decided."""

    def rejected_case(region: str, received: date, rejected: date, appeal: dict[str, Any] | None) -> None:
        b.case(
            prefix="R20",
            route="treatment_abroad",
            person=b.adult(region, received),
            received=received,
            diagnosis="rejected",
            hospital=b.rng.choice([None, "hamburg", "pooled"]),
            decision=("rejected", rejected),
            appeal=appeal,
        )

    def appealed(region: str, appeal_received: date, *rest: Any) -> None:
        rejected = appeal_received - timedelta(days=12)
        rejected_case(region, rejected - timedelta(days=20), rejected, _appeal(appeal_received, *rest))

    # Helse Sør-Øst: 13 forwarded in 2020 of which 3 reversed by the board (above, granted) and these 10:
    for index in range(7):  # upheld by the board in 2020
        appealed(
            HSO,
            date(2020, 3, 2) + timedelta(days=7 * index),
            "forwarded",
            date(2020, 4, 20),
            "upheld",
            date(2020, 10, 20),
        )
    for index in range(2):  # upheld, but the board's decision came in 2021
        appealed(
            HSO, date(2020, 9, 1) + timedelta(days=index), "forwarded", date(2020, 10, 5), "upheld", date(2021, 2, 9)
        )
    appealed(HSO, date(2020, 10, 12), "forwarded", date(2020, 11, 2))  # still with the board
    appealed(HSO, date(2020, 12, 15), "forwarded", date(2021, 1, 12))  # forwarded only in 2021
    for index in range(3):  # still being reconsidered by the office
        appealed(HSO, date(2020, 12, 10) + timedelta(days=index), "pending", None)
    # Helse Vest: V3, V4 upheld in 2020, V5 with the board.
    appealed(VEST, date(2020, 3, 9), "forwarded", date(2020, 4, 6), "upheld", date(2020, 9, 15))
    appealed(VEST, date(2020, 5, 4), "forwarded", date(2020, 6, 1), "upheld", date(2020, 11, 17))
    appealed(VEST, date(2020, 9, 7), "forwarded", date(2020, 10, 5))
    # Helse Midt-Norge: M2 with the board, M3 with the office.
    appealed(MIDT, date(2020, 8, 3), "forwarded", date(2020, 9, 7))
    appealed(MIDT, date(2020, 12, 1), "pending", None)
    # Helse Nord (handled by the office at OUS): N1 upheld in 2020, N2 upheld in 2021.
    appealed(NORD, date(2020, 2, 10), "forwarded", date(2020, 3, 9), "upheld", date(2020, 8, 25))
    appealed(NORD, date(2020, 8, 17), "forwarded", date(2020, 9, 14), "upheld", date(2021, 2, 2))

    rejected_plain = {HSO: 8, VEST: 5, MIDT: 4, NORD: 3}
    withdrawn = {HSO: 3, VEST: 1, MIDT: 1, NORD: 1}
    undecided = {HSO: 2, VEST: 1}
    for region in REGIONS:
        for _ in range(rejected_plain[region]):
            received = b.day_in(2020)
            rejected_case(region, received, received + timedelta(days=25), None)
        for _ in range(withdrawn[region]):
            received = b.day_in(2020)
            b.case(
                prefix="W20",
                route="treatment_abroad",
                person=b.adult(region, received),
                received=received,
                diagnosis="G",
                decision=("withdrawn", received + timedelta(days=5)),
            )
        for _ in range(undecided.get(region, 0)):
            received = date(2020, 12, 18)
            b.case(
                prefix="U20",
                route="treatment_abroad",
                person=b.adult(region, received),
                received=received,
                diagnosis="Q",
            )
    # Rejected only in 2021: pending at the end of 2020.
    received = date(2020, 12, 21)
    rejected_case(HSO, received, date(2021, 1, 25), None)

    counts = {
        r: sum(1 for line in b.lines if line["home_region"] == r and line["received_date"].startswith("2020"))
        for r in REGIONS
    }
    assert counts == RECEIVED_2020, counts


# ---------------------------------------------------------------- 2019


def _applications_2019(b: _Builder) -> None:
    start = len(b.lines)

    def rejected_2019(region: str, rejected: date, appeal: dict[str, Any] | None, diagnosis: str = "rejected") -> None:
        received = rejected - timedelta(days=30)
        b.case(
            prefix="R19",
            route="treatment_abroad",
            person=b.adult(region, received),
            received=received,
            diagnosis=diagnosis,
            hospital="pooled",
            decision=("rejected", rejected),
            appeal=appeal,
        )

    # Appeals against 2019 rejections whose board decision (or forwarding) came in 2020.
    for index in range(4):  # C1–C4: forwarded in 2019, upheld in 2020
        rejected_2019(
            HSO,
            date(2019, 5, 6) + timedelta(days=index),
            _appeal(date(2019, 5, 20), "forwarded", date(2019, 6, 17), "upheld", date(2020, 2, 11)),
        )
    # C5: forwarded in 2019, reversed by the board in 2020: a grant of 2019 (chapter M).
    rejected_2019(
        HSO,
        date(2019, 8, 5),
        _appeal(date(2019, 8, 26), "forwarded", date(2019, 9, 23), "reversed", date(2020, 3, 3)),
        "M",
    )
    # B1: received in 2019, forwarded in 2020, upheld in 2020.
    rejected_2019(
        HSO, date(2019, 11, 20), _appeal(date(2019, 12, 18), "forwarded", date(2020, 1, 8), "upheld", date(2020, 4, 20))
    )
    # A15: a 2019 rejection appealed in 2020 (counts among 2020's appeals received).
    rejected_2019(
        HSO, date(2019, 12, 10), _appeal(date(2020, 1, 6), "forwarded", date(2020, 1, 20), "upheld", date(2020, 5, 12))
    )
    rejected_2019(
        VEST,
        date(2019, 11, 25),
        _appeal(date(2019, 12, 16), "forwarded", date(2020, 2, 3), "upheld", date(2020, 6, 16)),
    )  # VB1
    for index in range(2):  # VC1, VC2
        rejected_2019(
            VEST,
            date(2019, 4, 1) + timedelta(days=index),
            _appeal(date(2019, 4, 15), "forwarded", date(2019, 5, 13), "upheld", date(2020, 1, 28)),
        )
    # MC1: reversed by the board in 2020: a grant of 2019 (chapter I).
    rejected_2019(
        MIDT,
        date(2019, 6, 3),
        _appeal(date(2019, 6, 17), "forwarded", date(2019, 8, 12), "reversed", date(2020, 2, 25)),
        "I",
    )
    for index in range(2):  # NC1, NC2
        rejected_2019(
            NORD,
            date(2019, 7, 1) + timedelta(days=index),
            _appeal(date(2019, 7, 15), "forwarded", date(2019, 8, 19), "upheld", date(2020, 3, 17)),
        )

    slots = [(diagnosis, hospital) for diagnosis, hospital, number in GRANTED_2019 for _ in range(number)]
    assert len(slots) + 2 == 230
    appeals_so_far = {r: sum(1 for line in b.lines[start:] if line["home_region"] == r) for r in REGIONS}
    granted_regions = {HSO: 100, VEST: 48, MIDT: 40, NORD: 40}  # 228, plus the two board reversals
    regions = [r for r in REGIONS for _ in range(granted_regions[r])]
    b.rng.shuffle(regions)
    for index, ((diagnosis, hospital), region) in enumerate(zip(slots, regions, strict=True)):
        route = "pgd" if diagnosis == "pgd" else "treatment_abroad"
        if index == 0:  # received in December 2019, decided in January 2020: still a grant of 2019
            received, decided = date(2019, 12, 9), date(2020, 1, 15)
        else:
            received = b.day_in(2019)
            decided = received + timedelta(days=b.rng.randrange(7, 30))
        person = b.adult(region, received)
        b.adults_2019[region].append(person)
        b.case(
            prefix="G19",
            route=route,
            person=person,
            received=received,
            diagnosis=diagnosis,
            hospital=hospital,
            decision=("granted", decided),
        )
    for region in REGIONS:
        rest = RECEIVED_2019[region] - granted_regions[region] - appeals_so_far[region]
        for index in range(rest):
            received = b.day_in(2019)
            outcome = "withdrawn" if index % 6 == 0 else "rejected"
            b.case(
                prefix="R19",
                route="treatment_abroad",
                person=b.adult(region, received),
                received=received,
                diagnosis="rejected",
                decision=(outcome, received + timedelta(days=21)),
            )
    assert sum(1 for line in b.lines[start:]) == 340


# ---------------------------------------------------------------- referrals, 2021, costs


def _referrals(b: _Builder) -> None:
    centres = ["heidelberg", "essen", "skandion", "jules-gonin"]
    for region, patients in FIGURES["particle_therapy"]["patients"].items():
        for index in range(patients):
            received = b.day_in(2020)
            person = b.child(region, received) if index % 3 == 0 else b.adult(region, received)
            b.case(
                prefix="PT20",
                route="particle_therapy",
                person=person,
                received=received,
                diagnosis="particle",
                hospital=centres[index % 4],
                decision=("granted", received + timedelta(days=3)),
            )
    # A 2019 referral (Helse Sør-Øst) whose invoice is booked in 2020: its cost counts in 2020.
    received = date(2019, 11, 4)
    b.case(
        prefix="PT19",
        route="particle_therapy",
        person=b.child(HSO, received),
        received=received,
        diagnosis="particle",
        hospital="skandion",
        decision=("granted", date(2019, 11, 8)),
    )
    # Nordic drug protocols: one child referred in 2020 (and one in 2019, which does not count).
    for received in (date(2020, 5, 11), date(2019, 9, 2)):
        b.case(
            prefix="NP",
            route="nordic_drug_protocol",
            person=b.child(VEST, received),
            received=received,
            diagnosis="nordic",
            hospital="rigshospitalet",
            decision=("granted", received + timedelta(days=2)),
        )


def _cases_2021(b: _Builder) -> None:
    """A few cases received in 2021: they must not count in 2020."""
    for region in (HSO, NORD, VEST):
        received = date(2021, 1, 11)
        b.case(
            prefix="G21",
            route="treatment_abroad",
            person=b.adult(region, received),
            received=received,
            diagnosis="meg",
            hospital="hus",
            decision=("granted", date(2021, 2, 1)),
        )
    received = date(2021, 1, 20)
    b.case(
        prefix="NP",
        route="nordic_drug_protocol",
        person=b.child(MIDT, received),
        received=received,
        diagnosis="nordic",
        hospital="karolinska",
        decision=("granted", date(2021, 1, 22)),
    )


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``parts`` amounts in øre that add up to ``total`` exactly."""
    weights = [rng.randrange(5, 100) for _ in range(parts)]
    amounts = [(total * w / sum(weights)).quantize(Decimal("0.01")) for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    assert all(a > 0 for a in amounts)
    return amounts


def _expense(b: _Builder, booked: date, amount_nok: Decimal, category: str) -> dict[str, str]:
    currency = b.rng.choice(list(CURRENCIES))
    item = {"booked_date": booked.isoformat(), "category": category}
    if currency == "NOK":
        item.update(amount=f"{amount_nok:.2f}", currency="NOK")
    else:
        amount = (amount_nok / CURRENCIES[currency]).quantize(Decimal("0.01"))
        item.update(amount=f"{amount:.2f}", currency=currency, amount_nok=f"{amount_nok:.2f}")
    return item


def _granted_on(line: dict[str, Any]) -> date | None:
    """The day the application became a grant: the decision, or the reversal after an appeal."""
    appeal = line.get("appeal") or {}
    if line.get("decision", {}).get("outcome") == "granted":
        return date.fromisoformat(line["decision"]["date"])
    if appeal.get("office_outcome") == "reversed":
        return date.fromisoformat(appeal["office_date"])
    if appeal.get("board_outcome") == "reversed":
        return date.fromisoformat(appeal["board_date"])
    return None


def _costs(b: _Builder) -> None:
    """Expenses booked in 2020 that add up, per region, to the published costs; and some that must not count."""
    for region, target in FIGURES["costs_nok_per_region_per_year"].items():
        applications = [
            (line, granted_on)
            for line in b.lines
            if line["home_region"] == region
            and line["route"] in {"treatment_abroad", "pgd"}
            and (granted_on := _granted_on(line)) is not None
            and granted_on <= date(2020, 12, 15)
        ]
        cases_2020 = [(line, day) for line, day in applications if line["received_date"].startswith("2020")]
        # 2019 cases invoiced in 2020 (none of them booked in 2019: 2015–2019 come from the history).
        cases_2019 = [(line, day) for line, day in applications if line["received_date"].startswith("2019")][:12]
        billed = cases_2020 + cases_2019
        amounts = _split(Decimal(target["2020"]), len(billed) * 2, b.rng)
        for index, (line, granted_on) in enumerate(billed):
            booked = max(granted_on, date(2020, 1, 2)) + timedelta(days=b.rng.randrange(5, 40))
            booked = min(booked, date(2020, 12, 22))
            line["expenses"].append(_expense(b, booked, amounts[2 * index], "treatment"))
            second = min(booked + timedelta(days=9), date(2020, 12, 31))
            line["expenses"].append(
                _expense(b, second, amounts[2 * index + 1], b.rng.choice(["travel", "stay", "other"]))
            )
        # Booked in 2021 for a 2020 case: counts in 2021, not 2020.
        cases_2020[0][0]["expenses"].append(_expense(b, date(2021, 1, 8), Decimal("48250.00"), "stay"))

    for region, target in FIGURES["particle_therapy"]["costs_nok"].items():
        referrals = [
            line
            for line in b.lines
            if line["route"] == "particle_therapy"
            and line["home_region"] == region
            and line["received_date"].startswith("2020")
        ]
        if region == HSO:
            referrals.append(next(line for line in b.lines if line["external_id"].startswith("PT19")))
        for line, amount in zip(referrals, _split(Decimal(target), len(referrals), b.rng), strict=True):
            received = date.fromisoformat(line["received_date"])
            booked = max(date(2020, 1, 20), min(received + timedelta(days=30), date(2020, 12, 30)))
            line["expenses"].append(_expense(b, booked, amount, "treatment"))
    late = next(line for line in b.lines if line["route"] == "particle_therapy" and line["home_region"] == VEST)
    late["expenses"].append(_expense(b, date(2021, 2, 15), Decimal("310000.00"), "treatment"))
    nordic = next(
        line for line in b.lines if line["route"] == "nordic_drug_protocol" and line["received_date"].startswith("2020")
    )
    nordic["expenses"].append(_expense(b, date(2020, 8, 3), Decimal("182400.00"), "treatment"))
    for line in b.lines:
        if not line["expenses"]:
            del line["expenses"]


def _history() -> dict[str, Any]:
    received = {year: n for year, n in REFERENCE["applications_received_per_year"].items() if year != "2020"}
    received["2020"] = PRELIMINARY_2020_RECEIVED
    costs = {
        region: {year: value for year, value in years.items() if year != "2020"}
        | {"2020": PRELIMINARY_2020_COSTS[region]}
        for region, years in FIGURES["costs_nok_per_region_per_year"].items()
    }
    return {"applications_received": received, "costs_nok": costs}
