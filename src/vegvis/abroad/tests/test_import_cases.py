"""Importing cases per the case-import contract: all or nothing, every bad line named, idempotent on external_id."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from vegvis.abroad.import_cases import CaseImport, ImportRefused, cases_import, parse_file
from vegvis.abroad.models import Appeal, Case, CaseCounter, Expense, Outcome, Status
from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.core import crypto
from vegvis.core.models import Organisation, Person
from vegvis.core.national_id import synthetic_number

pytestmark = pytest.mark.django_db

_serial = iter(range(1, 10**6))


def national_id(born: date = date(1980, 5, 17)) -> str:
    while True:
        number = synthetic_number(born, next(_serial))
        if number:
            return number


def line(**overrides: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "external_id": f"SRC-{next(_serial):05d}",
        "route": "treatment_abroad",
        "national_id": national_id(),
        "patient_name": "Kari Testpasient",
        "home_region": "helse-vest",
        "received_date": "2020-02-03",
        "diagnosis_icd10": "G40.2",
        "requested_treatment": "MEG-undersøkelse før epilepsikirurgi",
        "hospital": {"name": "Helsinki University Hospital", "city": "Helsinki", "country": "FI"},
        "decision": {"outcome": "granted", "date": "2020-02-20"},
        "expenses": [
            {
                "booked_date": "2020-04-01",
                "category": "treatment",
                "amount": "9800.00",
                "currency": "EUR",
                "amount_nok": "104370.00",
            }
        ],
    }
    case.update(overrides)
    return case


def jsonl(*cases: dict[str, Any] | str) -> bytes:
    return "\n".join(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False) for c in cases).encode() + b"\n"


def write(tmp_path: Path, content: bytes, name: str = "cases.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table an import writes (the audit trail, a log of actions, is left out)."""
    models = [Case, Person, Appeal, Expense, Organisation, CaseCounter]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


# ---------------------------------------------------------------- the contract's example and the basics


def test_the_contracts_example_line_is_imported(tmp_path):
    example = line(home_region="helse-nord", external_id="HSO-2020-0001")
    call_command("import", "cases", str(write(tmp_path, jsonl(example))), stdout=StringIO())

    case = Case.objects.select_related("patient", "office", "hospital").get(external_id="HSO-2020-0001")
    assert case.patient.home_region.code == "helse-nord"
    assert case.office.code == "ous"  # the office that handles Helse Nord
    assert case.number == "2020/0001"
    assert case.diagnosis_icd10 == "G40.2" and case.diagnosis_chapter == "G00-G99"
    assert case.hospital.country == "FI"
    assert case.outcome == case.final_outcome == Outcome.GRANTED
    assert case.status == Status.CLOSED
    assert case.closed_on == date(2020, 4, 1)
    assert case.patient.birth_date == date(1980, 5, 17)  # derived from the national id
    assert case.patient.national_id == example["national_id"]  # stored encrypted, read back
    expense = case.expenses.get()
    assert (expense.amount, expense.currency, expense.amount_nok) == (
        pytest.approx(9800),
        "EUR",
        pytest.approx(104370),
    )
    assert expense.state == Expense.State.SETTLED


def test_case_numbers_continue_the_offices_counter(tmp_path):
    from vegvis.core.models import Office

    CaseCounter.objects.create(office=Office.objects.get(code="helse-bergen"), year=2020, last=41)
    call_command("import", "cases", str(write(tmp_path, jsonl(line(), line()))), stdout=StringIO())
    assert sorted(Case.objects.values_list("number", flat=True)) == ["2020/0042", "2020/0043"]
    assert CaseCounter.objects.get(office__code="helse-bergen", year=2020).last == 43


def test_status_and_final_outcome_follow_decision_and_appeal(tmp_path):
    rejected = {"outcome": "rejected", "date": "2020-02-20"}
    cases = [
        line(external_id="undecided", decision=None, expenses=[]),
        line(external_id="withdrawn", decision={"outcome": "withdrawn", "date": "2020-02-10"}, expenses=[]),
        line(
            external_id="office-reversed",
            decision=rejected,
            appeal={"received_date": "2020-03-01", "office_outcome": "reversed", "office_date": "2020-03-10"},
        ),
        line(
            external_id="pending",
            decision=rejected,
            expenses=[],
            appeal={"received_date": "2020-03-01", "office_outcome": "pending", "office_date": None},
        ),
        line(
            external_id="at-board",
            decision=rejected,
            expenses=[],
            appeal={"received_date": "2020-03-01", "office_outcome": "forwarded", "office_date": "2020-03-20"},
        ),
        line(
            external_id="board-reversed",
            decision=rejected,
            appeal={
                "received_date": "2020-03-01",
                "office_outcome": "forwarded",
                "office_date": "2020-03-20",
                "board_outcome": "reversed",
                "board_date": "2020-09-01",
            },
        ),
    ]
    call_command("import", "cases", str(write(tmp_path, jsonl(*cases))), stdout=StringIO())
    found = {c.external_id: c for c in Case.objects.all()}
    assert (found["undecided"].status, found["undecided"].final_outcome) == (Status.RECEIVED, "")
    assert found["undecided"].due_reason == "provisional_reply" and found["undecided"].due_on is not None
    assert (found["withdrawn"].status, found["withdrawn"].final_outcome) == (Status.CLOSED, Outcome.WITHDRAWN)
    assert (found["office-reversed"].status, found["office-reversed"].final_outcome) == (Status.CLOSED, "granted")
    assert found["office-reversed"].outcome == Outcome.REJECTED
    assert (found["pending"].status, found["pending"].final_outcome) == (Status.APPEALED, Outcome.REJECTED)
    assert found["pending"].due_reason == "appeal_reconsideration"
    assert (found["at-board"].status, found["at-board"].due_reason) == (Status.AT_APPEALS_BODY, "appeals_body")
    assert found["board-reversed"].final_outcome == Outcome.GRANTED
    appeal = found["board-reversed"].appeals.get()
    assert (appeal.board_outcome, appeal.board_date, appeal.appeals_body) == (
        "reversed",
        date(2020, 9, 1),
        "klagenemnda",
    )


def test_the_files_audit_entry_names_every_patient_and_the_files_hash(tmp_path):
    content = jsonl(line(), line(), line())
    before = AuditEntry.objects.count()
    call_command("import", "cases", str(write(tmp_path, content)), stdout=StringIO())
    assert AuditEntry.objects.count() == before + 1 + 3 + 3  # the file, each new case, each new patient
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == AuditEntry.Action.IMPORT
    assert entry.detail["created"] == 3
    assert entry.detail["sha256"] == hashlib.sha256(content).hexdigest()
    assert sorted(entry.person_refs.values_list("person_id", flat=True)) == sorted(
        Person.objects.values_list("pk", flat=True)
    )


def test_the_same_person_on_several_lines_is_one_patient(tmp_path):
    number = national_id()
    later = {"received_date": "2020-06-01", "decision": {"outcome": "granted", "date": "2020-06-20"}}
    cases = [line(national_id=number), line(national_id=number, patient_name="Kari T.", **later)]
    call_command("import", "cases", str(write(tmp_path, jsonl(*cases))), stdout=StringIO())
    person = Person.objects.get()
    assert person.abroad_cases.count() == 2
    assert person.name == "Kari T."  # the last name given
    assert person.national_id_hash == crypto.lookup_hash(number)


# ---------------------------------------------------------------- all or nothing, every bad line named


def test_a_file_with_a_bad_line_imports_nothing_and_names_the_line(tmp_path):
    good, bad = line(), line(national_id="12345678901")
    path = write(tmp_path, jsonl(good, bad, line()))

    with pytest.raises(CommandError) as refused:
        call_command("import", "cases", str(path), stdout=StringIO(), stderr=(errors := StringIO()))

    assert Case.objects.count() == Person.objects.count() == 0
    assert "Ingenting ble importert" in str(refused.value)
    assert "Linje 2, national_id:" in errors.getvalue()
    assert "Linje 1" not in errors.getvalue() and "Linje 3" not in errors.getvalue()


def test_every_bad_line_is_named_with_the_field_and_what_is_wrong():
    content = jsonl(
        line(),
        "{not json",
        line(route="helfo_advice"),
        line(received_date="03.02.2020"),
        line(diagnosis_icd10="X99.99"),
        line(expenses=[{"booked_date": "2020-04-01", "category": "treatment", "amount": 9800.5, "currency": "EUR"}]),
        line(home_region="helse-oslo", national_id=1234),
        line(hospital={"name": "Somewhere", "country": "XX"}, decision={"outcome": "granted", "date": "2019-01-01"}),
        line(appeal={"received_date": "2020-03-01", "office_outcome": "reversed", "office_date": "2020-03-09"}),
        {k: v for k, v in line(recieved_date="2020-01-01").items() if k != "received_date"},
        "",  # blank lines are ignored
        "[1, 2]",
    )
    parsed = parse_file(content)
    problems = {(e.line, e.field) for e in parsed.errors}
    assert parsed.lines == 11
    assert {n for n, _f in problems} == {2, 3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert {
        (2, ""),
        (3, "route"),
        (4, "received_date"),
        (5, "diagnosis_icd10"),
        (6, "expenses[1].amount"),
        (7, "home_region"),
        (7, "national_id"),
        (8, "hospital.country"),
        (8, "decision.date"),
        (9, "appeal"),
        (10, "recieved_date"),
        (10, "received_date"),
        (12, ""),
    } <= problems
    with pytest.raises(ImportRefused):
        CaseImport(parsed)


def test_messages_read_in_norwegian_on_the_command_line(tmp_path):
    path = write(tmp_path, jsonl(line(received_date="2020-02-30"), line(expenses=[{"amount": "1"}])))
    with pytest.raises(CommandError):
        call_command("import", "cases", str(path), stdout=StringIO(), stderr=(errors := StringIO()))
    text = errors.getvalue()
    assert "Linje 1, received_date: «2020-02-30» er ikke en dato som finnes" in text
    assert "Linje 2, expenses[1].booked_date: mangler" in text
    assert "Linje 2, expenses[1].currency: mangler" in text


def test_the_command_line_exits_non_zero_without_a_traceback(tmp_path, capsys, monkeypatch):
    from django.core.management import ManagementUtility, base

    # The command line closes every connection when it ends; the test's transaction needs its connection.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)

    path = write(tmp_path, jsonl(line(), line(external_id="x" * 65)))
    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["vegvis", "import", "cases", str(path)]).execute()
    assert exit_status.value.code != 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert "Linje 2, external_id: er for langt (høyst 64 tegn)" in captured.err
    assert Case.objects.count() == 0


def test_a_duplicate_external_id_in_the_file_is_named():
    first = line(external_id="DUP-1")
    parsed = parse_file(jsonl(first, line(), line(external_id="DUP-1")))
    assert [(e.line, e.field) for e in parsed.errors] == [(3, "external_id")]
    assert "line 1" in parsed.errors[0].message


def test_synthetic_numbers_are_refused_unless_the_installation_allows_them(settings):
    settings.VEGVIS_ALLOW_SYNTHETIC_IDS = False
    parsed = parse_file(jsonl(line()))
    assert [(e.line, e.field) for e in parsed.errors] == [(1, "national_id")]
    assert "synthetic" in parsed.errors[0].message


def test_an_office_lead_imports_only_for_the_regions_the_office_handles():
    parsed = parse_file(
        jsonl(line(home_region="helse-nord"), line(home_region="helse-vest")),
        allowed_regions={
            "helse-sor-ost",
            "helse-nord",
        },
    )
    assert [(e.line, e.field) for e in parsed.errors] == [(2, "home_region")]


# ---------------------------------------------------------------- idempotent, and corrected files


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    rejected = {"outcome": "rejected", "date": "2020-02-20"}
    appeal = {"received_date": "2020-03-01", "office_outcome": "forwarded", "office_date": "2020-03-20"}
    path = write(tmp_path, jsonl(line(), line(decision=rejected, appeal=appeal, expenses=[]), line(decision=None)))
    call_command("import", "cases", str(path), stdout=StringIO())
    before = dump()

    out = StringIO()
    call_command("import", "cases", str(path), stdout=out)

    assert dump() == before  # not even updated_at moved
    assert "0 nye saker, 0 oppdatert, 3 uendret" in out.getvalue()


def test_a_corrected_file_updates_the_cases_it_names_without_duplicates(tmp_path):
    first, second = line(), line()
    call_command("import", "cases", str(write(tmp_path, jsonl(first, second))), stdout=StringIO())
    untouched = Case.objects.get(external_id=second["external_id"])
    case = Case.objects.get(external_id=first["external_id"])
    expense_ids = set(case.expenses.values_list("pk", flat=True))

    corrected = copy.deepcopy(first)
    corrected["decision"] = {"outcome": "rejected", "date": "2020-02-25"}
    corrected["appeal"] = {
        "received_date": "2020-03-02",
        "office_outcome": "reversed",
        "office_date": "2020-03-12",
    }
    corrected["expenses"] = [
        {"booked_date": "2020-05-02", "category": "travel", "amount": "4500.00", "currency": "NOK"},
        {"booked_date": "2020-05-03", "category": "stay", "amount": "1200.00", "currency": "NOK"},
    ]
    out = StringIO()
    call_command("import", "cases", str(write(tmp_path, jsonl(corrected, second), "v2.jsonl")), stdout=out)

    assert "0 nye saker, 1 oppdatert, 1 uendret" in out.getvalue()
    assert Case.objects.count() == 2 and Person.objects.count() == 2
    case.refresh_from_db()
    assert (case.outcome, case.final_outcome, case.version) == (Outcome.REJECTED, Outcome.GRANTED, 2)
    assert case.number == "2020/0001"  # keeps its number
    assert case.appeals.count() == 1
    assert sorted(case.expenses.values_list("amount_nok", flat=True)) == [1200, 4500]
    assert not expense_ids & set(case.expenses.values_list("pk", flat=True))
    assert Case.objects.get(pk=untouched.pk).updated_at == untouched.updated_at


def test_imports_write_in_bulk_whatever_the_number_of_lines(tmp_path):
    def queries_for(count: int, prefix: str) -> int:
        cases = [line(external_id=f"{prefix}-{i}") for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            cases_import(actor=SYSTEM, content=jsonl(*cases), filename="bulk.jsonl")
        return len(captured)

    small = queries_for(10, "small")
    large = queries_for(200, "large")
    # Batches of 500 rows, not a query per line. On SQLite a statement takes at most 999 parameters, so the 400
    # audit entries (one per case and per patient, 16 columns each) take seven statements instead of one.
    limit = 6 if connection.vendor == "postgresql" else 14
    assert large <= small + limit
    assert Case.objects.count() == 210


def test_the_import_reads_english_source_strings_outside_the_command():
    with translation.override("en"):
        parsed = parse_file(jsonl(line(diagnosis_icd10="")))
    assert str(parsed.errors[0]) == "Line 1, diagnosis_icd10: is empty"


def test_a_deeply_nested_line_is_named_on_the_command_line(tmp_path):
    """100 000 brackets made the JSON parser raise RecursionError; now it is a bad line like any other."""
    nested = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = write(tmp_path, jsonl(line(), nested))
    with pytest.raises(CommandError):
        call_command("import", "cases", str(path), stdout=StringIO(), stderr=(errors := StringIO()))
    assert "Linje 2: linjen har klammer nøstet for dypt til å kunne leses" in errors.getvalue()
    assert Case.objects.count() == 0


@pytest.mark.parametrize("noise", ["[0.0", "0.0]", '{"a": 0.0', "[1.5,", "0.0 x"])
def test_a_bare_number_in_a_broken_line_is_a_bad_line_not_a_crash(noise):
    """Hypothesis found it: a line whose first bare decimal comes before the JSON breaks escaped as a 500."""
    content = jsonl(line(home_region="helse-nord"), noise)
    with pytest.raises(ImportRefused) as refused:
        cases_import(actor=SYSTEM, content=content, filename="x.jsonl")
    assert [(error.line, error.message.startswith("the line is not valid JSON")) for error in refused.value.errors] == [
        (2, True)
    ]
