"""The benchmark's steps that need Django: users, samples of the data, the import file, and the report timings.

Run by ``bench/run.py`` in a subprocess with the benchmark's environment (production settings against the
benchmark database); each step prints nothing but progress and writes JSON for run.py.

    python bench/prepare.py users --password PW --out FILE
    python bench/prepare.py samples --out FILE --fresh-ids N
    python bench/prepare.py importfile --out FILE --lines N
    python bench/prepare.py report --year Y --out FILE
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vegvis.settings")
django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from vegvis.abroad.demo_profiles import PROFILES  # noqa: E402
from vegvis.abroad.models import Case  # noqa: E402
from vegvis.access.commands import OperatorPrincipal  # noqa: E402
from vegvis.accounts.models import User  # noqa: E402
from vegvis.core import crypto  # noqa: E402
from vegvis.core.models import Office, Person  # noqa: E402
from vegvis.core.national_id import synthetic_number  # noqa: E402

OPERATOR = OperatorPrincipal("bench")
# Sixteen case handlers at the largest office (OUS: Helse Sør-Øst and Helse Nord), one at each of the others.
BENCH_USERS = [(f"bench.ous.{n:02d}", "ous") for n in range(1, 17)] + [
    ("bench.bergen.01", "helse-bergen"),
    ("bench.stolav.01", "st-olavs"),
]
FULL_TEXT_WORDS = [
    "protonbestråling",
    "epilepsikirurgi",
    "rhizotomi",
    "mesoteliom",
    "preimplantasjonsdiagnostikk",
    "hofteprotese",
    "bronkomalasi",
    "karbonionebestråling",
]


def write(path: str, data: Any) -> None:
    Path(path).write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


# ---------------------------------------------------------------- users


def users(args: argparse.Namespace) -> None:
    """The benchmark's case handlers (before the cases are generated, so cases are assigned to them)."""
    from vegvis.accounts.services import role_assign, user_create

    made = []
    for username, office_code in BENCH_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=OPERATOR, username=username, password=args.password, first_name="Bench")
        role_assign(actor=OPERATOR, user=user, role_code="case_handler", office=Office.objects.get(code=office_code))
        made.append({"username": username, "office": office_code})
    write(args.out, made)


# ---------------------------------------------------------------- samples


def fresh_national_ids(count: int, rng: random.Random, *, first_year: int = 1940, last_year: int = 2015) -> list[str]:
    """Synthetic numbers no stored person has, for new applications and imports."""
    found: set[str] = set()
    while len(found) < count:
        wanted = []
        while len(wanted) < min(20_000, count - len(found)) * 1.1:
            born = date(first_year, 1, 1) + timedelta(days=rng.randrange(0, (last_year - first_year) * 365))
            number = synthetic_number(born, rng.randrange(0, 500))
            if number and number not in found:
                wanted.append(number)
        by_hash = {crypto.lookup_hash(n): n for n in wanted}
        taken = set(
            Person.objects.filter(national_id_hash__in=list(by_hash)).values_list("national_id_hash", flat=True)
        )
        found.update(n for h, n in by_hash.items() if h not in taken)
    return sorted(found)[:count]


def samples(args: argparse.Namespace) -> None:
    """What the load generator asks for: cases the OUS handlers may see, and search terms of every kind."""
    from vegvis.accounts.services import api_token_issue

    rng = random.Random(args.seed)
    ous = Office.objects.get(code="ous")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.number, p.name, p.national_id_cipher FROM abroad_case c "
            "JOIN core_person p ON p.id = c.patient_id WHERE c.office_id = %s ORDER BY random() LIMIT 2000",
            [ous.pk],
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM abroad_case WHERE office_id = %s AND status <> 'closed'", [ous.pk])
        open_at_ous = cursor.fetchone()[0]
    tokens = {}
    for username, _office in BENCH_USERS:
        user = User.objects.get(username=username)
        # The load generator creates cases through the API, so its tokens may write.
        _token, key = api_token_issue(actor=OPERATOR, user=user, name="benchmark", scope="read_write")
        tokens[username] = key
    write(
        args.out,
        {
            "cases": Case.objects.count(),
            "persons": Person.objects.count(),
            "open_at_ous": open_at_ous,
            "case_ids": [r[0] for r in rows],
            "case_numbers": [r[1] for r in rows[:500]],
            "names": [r[2] for r in rows[:500]],
            "national_ids": [crypto.decrypt(r[3]) for r in rows[:500]],
            "words": FULL_TEXT_WORDS,
            "fresh_national_ids": fresh_national_ids(args.fresh_ids, rng),
            "tokens": tokens,
        },
    )


# ---------------------------------------------------------------- the import file


def importfile(args: argparse.Namespace) -> None:
    """``args.lines`` cases in the case-import contract's format (JSON Lines), with new patients."""
    rng = random.Random(args.seed)
    ids = fresh_national_ids(args.lines, rng)
    regions = ["helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"]
    hospitals = {}
    from vegvis.core.models import Organisation

    for org in Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL):
        hospitals[org.name] = {"name": org.name, "city": org.city, "country": str(org.country)}
    rates = {"SEK": "1.03", "DKK": "1.44", "EUR": "10.75", "GBP": "12.40", "USD": "9.70", "CHF": "11.05"}
    currency_of = {"SE": "SEK", "DK": "DKK", "GB": "GBP", "US": "USD", "CH": "CHF"}
    profiles = [p for p in PROFILES if p[0] != "helfo_advice"]
    with open(args.out, "w", encoding="utf-8") as out:
        for n, national_id in enumerate(ids, start=1):
            route, code, treatment, hospital_name = rng.choice(profiles)
            received = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 9 * 365))
            line: dict[str, Any] = {
                "external_id": f"BENCH-{args.seed}-{n:06d}",
                "route": str(route),
                "national_id": national_id,
                "patient_name": f"Pasient {n}",
                "home_region": rng.choices(regions, weights=[50, 20, 15, 15])[0],
                "received_date": received.isoformat(),
                "diagnosis_icd10": code,
                "requested_treatment": treatment,
            }
            hospital = hospitals.get(hospital_name)
            if hospital:
                line["hospital"] = hospital
            decided = received + timedelta(days=28)
            granted = rng.random() < 0.78 and "vektbærende" not in treatment
            line["decision"] = {"outcome": "granted" if granted else "rejected", "date": decided.isoformat()}
            if granted and hospital:
                currency = currency_of.get(hospital["country"], "EUR")
                amount = rng.randrange(3_000, 90_000)
                line["expenses"] = [
                    {
                        "booked_date": (decided + timedelta(days=40)).isoformat(),
                        "category": "treatment",
                        "amount": f"{amount}.00",
                        "currency": currency,
                        "amount_nok": f"{amount * float(rates[currency]):.2f}",
                    }
                ]
            elif not granted and route == "treatment_abroad" and rng.random() < 0.5:
                line["appeal"] = {
                    "received_date": (decided + timedelta(days=14)).isoformat(),
                    "office_outcome": "forwarded",
                    "office_date": (decided + timedelta(days=28)).isoformat(),
                    "board_outcome": "upheld",
                    "board_date": (decided + timedelta(days=110)).isoformat(),
                }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- the annual report and its SQL floor

APPS = "('treatment_abroad', 'pgd')"
GRANTED = "c.final_outcome IN ('granted', 'partly_granted')"
# The contract's aggregations written by hand as plain SQL: what PostgreSQL needs at the least for the report.
FLOOR_SQL = [
    # applications received and granted per year, over the ten-year window
    """SELECT extract(year FROM c.received_date) y, count(*), count(*) FILTER (WHERE {GRANTED})
        FROM abroad_case c WHERE c.route IN {APPS} AND c.received_date BETWEEN %(first)s AND %(last)s GROUP BY 1""",
    # the year per route and home region: received, granted, pending at year end, children
    """SELECT c.route, r.code, count(*), count(*) FILTER (WHERE {GRANTED}),
               count(*) FILTER (WHERE c.decided_on IS NULL OR c.decided_on > %(end)s),
               count(*) FILTER (WHERE c.received_date < p.birth_date + interval '18 years'),
               count(*) FILTER (WHERE c.received_date < p.birth_date + interval '18 years' AND {GRANTED})
        FROM abroad_case c JOIN core_person p ON p.id = c.patient_id JOIN core_region r ON r.id = p.home_region_id
        WHERE c.route IN ('treatment_abroad', 'pgd', 'particle_therapy', 'nordic_drug_protocol')
          AND c.received_date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2""",
    # granted applications per hospital
    """SELECT c.hospital_id, h.name, h.country, count(*) FROM abroad_case c
        LEFT JOIN core_organisation h ON h.id = c.hospital_id
        WHERE c.route IN {APPS} AND c.received_date BETWEEN %(start)s AND %(end)s AND {GRANTED} GROUP BY 1, 2, 3""",
    # diagnosis chapters of granted applications, this year and the year before
    """SELECT extract(year FROM c.received_date), c.diagnosis_chapter, count(*) FROM abroad_case c
        WHERE c.route IN {APPS} AND c.received_date BETWEEN %(previous)s AND %(end)s AND {GRANTED} GROUP BY 1, 2""",
    # costs booked per year and home region, for applications and for particle therapy
    """SELECT extract(year FROM e.booked_date), r.code,
               sum(e.amount_nok) FILTER (WHERE c.route IN {APPS}),
               sum(e.amount_nok) FILTER (WHERE c.route = 'particle_therapy')
        FROM abroad_expense e JOIN abroad_case c ON c.id = e.case_id JOIN core_person p ON p.id = c.patient_id
        JOIN core_region r ON r.id = p.home_region_id
        WHERE e.booked_date BETWEEN %(first)s AND %(last)s GROUP BY 1, 2""",
    # appeal events dated in the year, per home region
    """SELECT r.code,
               count(*) FILTER (WHERE a.received_date BETWEEN %(start)s AND %(end)s),
               count(*) FILTER (WHERE a.office_outcome = 'reversed' AND a.office_date BETWEEN %(start)s AND %(end)s),
               count(*) FILTER (WHERE a.office_outcome = 'forwarded' AND a.office_date BETWEEN %(start)s AND %(end)s),
               count(*) FILTER (WHERE a.board_outcome = 'upheld' AND a.board_date BETWEEN %(start)s AND %(end)s),
               count(*) FILTER (WHERE a.board_outcome = 'reversed' AND a.board_date BETWEEN %(start)s AND %(end)s)
        FROM abroad_appeal a JOIN abroad_case c ON c.id = a.case_id JOIN core_person p ON p.id = c.patient_id
        JOIN core_region r ON r.id = p.home_region_id
        WHERE c.route IN {APPS} AND (a.received_date BETWEEN %(start)s AND %(end)s
          OR a.office_date BETWEEN %(start)s AND %(end)s OR a.board_date BETWEEN %(start)s AND %(end)s)
        GROUP BY 1""",
    'SELECT code, name, short_name FROM core_region ORDER BY "order"',
]
FLOOR_SQL = [sql.replace("{APPS}", APPS).replace("{GRANTED}", GRANTED) for sql in FLOOR_SQL]


def timed(function: Callable[[], Any], repeat: int = 3) -> dict[str, Any]:
    """One warm-up run, then ``repeat`` timed runs; the median is what counts."""
    function()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return {"median_s": statistics.median(runs), "runs_s": runs}


def report(args: argparse.Namespace) -> None:
    year = args.year
    params = {
        "first": date(year - 9, 1, 1),
        "last": date(year, 12, 31),
        "start": date(year, 1, 1),
        "end": date(year, 12, 31),
        "previous": date(year - 1, 1, 1),
    }
    result: dict[str, Any] = {"year": year}

    def floor() -> None:
        with connection.cursor() as cursor:
            for sql in FLOOR_SQL:
                cursor.execute(sql, params)
                cursor.fetchall()

    result["sql_floor"] = timed(floor)
    commands = get_commands()
    if "report" in commands:

        def as_json() -> None:
            call_command("report", "annual", "--year", str(year), "--format", "json", stdout=StringIO())

        result["json"] = timed(as_json) | {"how": f"vegvis report annual --year {year} --format json (in-process)"}
        with CaptureQueriesContext(connection) as captured:
            as_json()
        result["json"]["queries"] = len(captured.captured_queries)
        # Only the reads: the command also writes its export to the audit trail, which is not an aggregation.
        statements = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        result["json"]["select_queries"] = len(statements)

        def replay() -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description:
                        cursor.fetchall()

        result["json_sql_replayed"] = timed(replay)
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "report.pdf"

            def as_pdf() -> None:
                call_command(
                    "report",
                    "annual",
                    "--year",
                    str(year),
                    "--format",
                    "pdf",
                    "--output",
                    str(target),
                    stdout=StringIO(),
                )

            try:
                result["pdf"] = timed(as_pdf, repeat=2) | {"bytes": target.stat().st_size}
            except Exception as error:  # a missing format or dependency is reported, not fatal
                result["pdf"] = {"error": f"{type(error).__name__}: {error}"}
    else:
        try:
            from vegvis.reports import annual
        except ImportError:
            annual = None
        if annual is not None and hasattr(annual, "compute"):
            result["json"] = timed(lambda: json.dumps(annual.compute(year), default=str)) | {
                "how": "reports.annual.compute + json.dumps (the report command is not available)"
            }
    write(args.out, result)


def main() -> None:
    parser = argparse.ArgumentParser()
    steps = parser.add_subparsers(dest="step", required=True)
    p = steps.add_parser("users")
    p.add_argument("--password", required=True)
    p.add_argument("--out", required=True)
    p = steps.add_parser("samples")
    p.add_argument("--out", required=True)
    p.add_argument("--fresh-ids", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=1)
    p = steps.add_parser("importfile")
    p.add_argument("--out", required=True)
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=7)
    p = steps.add_parser("report")
    p.add_argument("--year", type=int, default=2020)
    p.add_argument("--out", required=True)
    args = parser.parse_args()
    {"users": users, "samples": samples, "importfile": importfile, "report": report}[args.step](args)


if __name__ == "__main__":
    sys.exit(main())
