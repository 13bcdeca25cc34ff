"""`vegvis cooperation check FILE.json` end to end: JSON on standard output, or every problem on standard error.

None of these tests may use the database (pytest-django refuses it without the `django_db` mark), and the
subprocess points at a database that does not exist: the command must not need one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from vegvis.cooperation.tests.documents import agreement, check, document, encode, event, organisation


def run(path: Path | str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("cooperation", "check", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, content: bytes | dict) -> Path:
    path = tmp_path / "avtaler.json"
    path.write_bytes(content if isinstance(content, bytes) else encode(content))
    return path


FINDINGS = document(
    organisations=[organisation(budgets={"2025": "100000.00"})],
    agreements=[agreement(amount_nok="15000.01", exclusive=True), agreement("a-2", signed_on=None, amount_nok=None)],
)


def test_the_result_is_json_on_standard_output_with_exit_status_0_whatever_the_findings(tmp_path):
    status, out, err = run(write(tmp_path, FINDINGS))
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        # The contract's example shows these two unsorted; its words ("the sorted list") decide.
        "agreements": {"a-1": ["medtek-4-exclusivity"], "a-2": ["lmi-signed-before-start", "medtek-6-amount"]},
        "organisations": {"org-1": {"2025": ["lmi-income-cap"]}},
    }
    assert json.loads(out) == check(FINDINGS)


def test_non_ascii_ids_come_back_as_the_same_json_strings(tmp_path):
    status, out, _err = run(write(tmp_path, document(agreements=[agreement("avtale-æøå-✓")])))
    assert status == 0 and json.loads(out) == {"agreements": {"avtale-æøå-✓": []}, "organisations": {}}


def test_an_invalid_file_names_every_problem_on_standard_error_in_norwegian_and_prints_no_result(tmp_path):
    bad = document(agreements=[agreement(signed_on="2025-02-30", amount_nok=50000.0), agreement("a-1")])
    status, out, err = run(write(tmp_path, bad))
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        "agreements[0].signed_on: «2025-02-30» er ikke en dato som finnes",
        'agreements[0].amount_nok: må være et beløp skrevet som tekst i anførselstegn, for eksempel "12500.00", '
        "ikke 50000.0",
        "agreements[1].id: id-en «a-1» er allerede brukt av agreements[0]",
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"{", "$: filen er ikke gyldig JSON: Expecting property name enclosed in double quotes på linje 1, kolonne 2"),
        (b"\xc3(", "$: filen er ikke UTF-8-tekst (byte 1)"),
        (b"[]", "$: må være et objekt i krøllparenteser"),
    ],
)
def test_a_file_that_is_not_json_of_utf8_is_refused_the_same_way(tmp_path, content, line):
    assert run(write(tmp_path, content)) == (1, "", line + "\n")


def test_a_missing_file_or_a_folder_is_refused_the_same_way(tmp_path):
    assert run(tmp_path / "finnes-ikke.json") == (
        1,
        "",
        f"{tmp_path / 'finnes-ikke.json'}: kan ikke leses: filen finnes ikke\n",
    )
    assert run(tmp_path) == (1, "", f"{tmp_path}: kan ikke leses: det er en mappe, ikke en fil\n")


def test_the_command_declares_that_anyone_may_check_a_file():
    from vegvis.cooperation.management.commands.cooperation import Command

    assert Command.access_rule.public


def _vegvis(path: Path) -> subprocess.CompletedProcess[str]:
    # A database that cannot exist: a command that opened a connection would fail.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/no_such_database"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "vegvis", "cooperation", "check", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_the_real_command_needs_no_database(tmp_path):
    valid = _vegvis(write(tmp_path, FINDINGS))
    assert (valid.returncode, valid.stderr) == (0, "")
    assert json.loads(valid.stdout) == check(FINDINGS)

    invalid = _vegvis(write(tmp_path, document(agreements=[agreement(event=event(country="no"), kind=None)])))
    assert invalid.returncode != 0
    assert invalid.stdout == ""
    assert invalid.stderr.splitlines() == [
        "agreements[0].kind: kan ikke være null",
        "agreements[0].event.country: «no» er ikke en landkode etter ISO 3166-1 alpha-2 (to store bokstaver, for "
        "eksempel NO)",
    ]
