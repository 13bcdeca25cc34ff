"""The database connection lost in the middle of a change leaves nothing half-written (real PostgreSQL).

A change runs in its own thread and is paused at a known point inside its transaction (by wrapping one of our
own functions it calls; the database is real). Another connection then kills its backend with
pg_terminate_backend, as a crashed server, a failover or a network cut would. Afterwards the case is as it was:
no letter without a decision, no audit entry without its change, no new version, no stray file, and the audit
chain verifies. The same change made again then succeeds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, connections

from vegvis.abroad import letters
from vegvis.abroad.importer import cases as import_cases
from vegvis.abroad.models import Case, Document, Outcome
from vegvis.abroad.services import base, decisions
from vegvis.abroad.tests.support import OPERATOR, make_case
from vegvis.audit.models import AuditEntry
from vegvis.audit.services import Action
from vegvis.audit.verify import verify_chain
from vegvis.casework.models import CaseCounter
from vegvis.core.backup import pg_connect
from vegvis.core.models import Organisation, Person
from vegvis.core.national_id import synthetic_number
from vegvis.imports import transaction as import_transaction


class Pause:
    """Stops the thread that calls the wrapped function (when ``when`` says so) until the test lets it go on."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.resume = threading.Event()
        self.backend_pid: int | None = None

    def around(self, function: Callable[..., Any], when: Callable[..., bool] = lambda *a, **k: True) -> Any:
        def paused(*args: Any, **kwargs: Any) -> Any:
            if when(*args, **kwargs) and not self.reached.is_set():
                self.backend_pid = connection.connection.info.backend_pid
                self.reached.set()
                self.resume.wait(timeout=30)
            return function(*args, **kwargs)

        return paused


def kill_in_the_middle(change: Callable[[], Any], pause: Pause) -> BaseException | Any:
    """Run the change in a thread; when it pauses, terminate its database backend; return what it ended with."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(change())
        except BaseException as error:  # the lost connection, as the caller would see it
            outcome.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    assert pause.reached.wait(timeout=30), "the change never reached the point where it was to be stopped"
    with pg_connect(connection.settings_dict, autocommit=True) as other:
        killed = other.execute("SELECT pg_terminate_backend(%s)", [pause.backend_pid]).fetchone()[0]
    assert killed
    pause.resume.set()
    worker.join(timeout=60)
    assert not worker.is_alive()
    return outcome[0]


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def undecided_case(settings: Any, tmp_path: Path) -> Iterator[Case]:
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's files only, whatever runs alongside
    yield make_case("assessment_received")


def _decide(case: Case) -> Callable[[], Any]:
    return lambda: decisions.case_decide(
        actor=OPERATOR,
        case=Case.objects.get(pk=case.pk),
        version=case.version,
        decision=decisions.DecisionData(outcome=Outcome.GRANTED, decided_on=date.today(), grounds="Innvilges."),
    )


def _assert_untouched(case: Case, entries: int, files: set[Path]) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.version, fresh.outcome) == (case.status, case.version, "")
    assert not Document.objects.filter(case=case, kind=Document.Kind.DECISION).exists(), "a letter without decision"
    assert AuditEntry.objects.count() == entries, "an audit entry without its change"
    assert _files() == files, "a letter's file was left behind"
    assert verify_chain().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "stop_at",
    ["while the letter is rendered", "after the letter is registered, before the case is saved"],
)
def test_a_decision_cut_off_by_a_lost_connection_leaves_the_case_as_it_was(monkeypatch, undecided_case, stop_at):
    pause = Pause()
    if stop_at == "while the letter is rendered":
        monkeypatch.setattr(letters, "render_pdf", pause.around(letters.render_pdf))
    else:  # the document and its audit entry are written; the transition's own audit entry comes next
        monkeypatch.setattr(
            base,
            "audit_record",
            pause.around(base.audit_record, when=lambda **kw: kw.get("action") == Action.TRANSITION),
        )
    entries, files = AuditEntry.objects.count(), _files()

    ended = kill_in_the_middle(_decide(undecided_case), pause)

    assert isinstance(ended, DatabaseError), ended
    _assert_untouched(undecided_case, entries, files)
    monkeypatch.undo()
    decided = _decide(undecided_case)()
    assert decided.status == "follow_up" and decided.documents.filter(kind=Document.Kind.DECISION).count() == 1


def _import_file() -> bytes:
    lines = []
    for serial in range(1, 6):
        number = next(n for s in range(serial * 7, serial * 7 + 50) if (n := synthetic_number(date(1970, 1, 5), s)))
        lines.append(
            {
                "external_id": f"CUT-{serial}",
                "route": "treatment_abroad",
                "national_id": number,
                "patient_name": f"Pasient {serial}",
                "home_region": "helse-vest",
                "received_date": "2020-02-03",
                "diagnosis_icd10": "G40.2",
                "hospital": {"name": "Rigshospitalet", "city": "København", "country": "DK"},
                "decision": {"outcome": "granted", "date": "2020-02-20"},
            }
        )
    return "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()


def _import_state() -> dict[str, Any]:
    return {
        "cases": Case.objects.count(),
        "persons": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "counters": list(CaseCounter.objects.order_by("pk").values_list("office_id", "year", "kind", "last")),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_cut_off_by_a_lost_connection_imports_nothing():
    content = _import_file()
    before = _import_state()
    pause = Pause()
    original = import_transaction.audit_record
    import_transaction.audit_record = pause.around(original)  # every row is written; the import's audit entry is next
    try:
        ended = kill_in_the_middle(
            lambda: import_cases.cases_import(actor=OPERATOR, content=content, filename="cut.jsonl"), pause
        )
    finally:
        import_transaction.audit_record = original

    assert isinstance(ended, DatabaseError), ended
    assert _import_state() == before
    assert verify_chain().ok
    result = import_cases.cases_import(actor=OPERATOR, content=content, filename="cut.jsonl")
    assert Case.objects.filter(external_id__startswith="CUT-").count() == 5 and result is not None


@pytest.mark.django_db
def test_a_change_that_fails_after_storing_its_letter_takes_the_file_with_it(monkeypatch, undecided_case):
    """On any database: the failure here is an error after the letter's file was stored, before the commit."""

    def failing(**kwargs: Any) -> Any:
        if kwargs.get("action") == Action.TRANSITION:
            raise RuntimeError("the disk is full")
        return original(**kwargs)

    original = base.audit_record
    monkeypatch.setattr(base, "audit_record", failing)
    entries, files = AuditEntry.objects.count(), _files()

    with pytest.raises(RuntimeError):
        _decide(undecided_case)()

    _assert_untouched(undecided_case, entries, files)
