"""Time the annual report on a large PostgreSQL database (not a test; numbers go to docs/modules/reports.md).

Usage, on a scratch database that already holds imported cases (e.g. the 2020 test data set, imported):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vegvis_bench .venv/bin/python scripts/bench_annual_report.py \
        --copies 49 --year 2020

``--copies N`` first multiplies every case (with its appeals and expenses) N times in SQL, under new external
ids and case numbers, so 20 000 imported cases become a million; with ``--spread`` copy number k is moved k years
back (a million cases over fifty years, as a long-lived installation), without it every copy keeps its dates (the
worst case: a third of a million applications in one year). Then the report is computed five times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

DATES = {
    "abroad_case": ("received_date", "decided_on", "closed_on", "provisional_reply_sent_on", "due_on"),
    "abroad_appeal": ("received_date", "deadline", "office_date", "board_date"),
    "abroad_expense": ("booked_date", "invoice_date", "settled_on"),
}


def _shifted(table: str, column: str, alias: str, spread: bool, step: str) -> str:
    if spread and column in DATES.get(table, ()):
        return f"({alias}.{column} - make_interval(years => {step}))::date"
    if spread and table == "abroad_case" and column == "year":
        return f"{alias}.year - {step}"
    return f"{alias}.{column}"


def multiply(copies: int, spread: bool) -> None:
    from django.db import connection, transaction

    from vegvis.abroad.models import Appeal, Case, Expense

    def columns(model: type, skip: set[str]) -> list[str]:
        return [f.column for f in model._meta.concrete_fields if not f.primary_key and f.column not in skip]

    case_columns = columns(Case, {"serial", "number", "external_id"})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_map (old_id bigint, new_id bigint, step int)")
        plain = ", ".join(case_columns)
        prefixed = ", ".join(_shifted("abroad_case", c, "c", spread, "g") for c in case_columns)
        year = _shifted("abroad_case", "year", "c", spread, "g")
        cursor.execute(
            f"""
            WITH inserted AS (
              INSERT INTO abroad_case ({plain}, serial, number, external_id)
              SELECT {prefixed}, c.serial + g * 100000, ({year}) || '/' || (c.serial + g * 100000),
                     c.external_id || '-x' || g
              FROM abroad_case c CROSS JOIN generate_series(1, %s) g
              WHERE c.external_id IS NOT NULL
              RETURNING id, external_id
            )
            INSERT INTO bench_map (old_id, new_id, step)
            SELECT o.id, i.id, split_part(i.external_id, '-x', 2)::int
            FROM inserted i JOIN abroad_case o ON o.external_id = split_part(i.external_id, '-x', 1)
            """,  # noqa: S608  (column names from the models, a number as parameter)
            [copies],
        )
        for model in (Appeal, Expense):
            cols = columns(model, {"case_id"})
            cursor.execute(
                f"""
                INSERT INTO {model._meta.db_table} (case_id, {", ".join(cols)})
                SELECT m.new_id, {", ".join(_shifted(model._meta.db_table, c, "t", spread, "m.step") for c in cols)}
                FROM {model._meta.db_table} t JOIN bench_map m ON m.old_id = t.case_id
                """  # noqa: S608
            )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=0)
    parser.add_argument("--spread", action="store_true", help="move copy k back k years")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vegvis.settings")
    import django

    django.setup()
    from django.db import connection

    from vegvis.abroad.models import Case, Expense
    from vegvis.reports import annual

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark is for PostgreSQL.")
    if args.copies:
        started = time.perf_counter()
        multiply(args.copies, args.spread)
        print(f"multiplied in {time.perf_counter() - started:.1f} s")  # noqa: T201
    print(f"{Case.objects.count()} cases, {Expense.objects.count()} expenses")  # noqa: T201
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        annual.compute(args.year)
        timings.append(time.perf_counter() - started)
    print(  # noqa: T201
        f"annual.compute({args.year}): median {statistics.median(timings):.3f} s, "
        f"min {min(timings):.3f} s, max {max(timings):.3f} s over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
