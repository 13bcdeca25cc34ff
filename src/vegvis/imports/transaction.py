"""A whole file in one transaction: every row it writes and its audit entries commit together, or none does.

``all_or_nothing`` opens the transaction with ``audited_atomic`` (the audit chain's head is its first lock) and,
when the importer's block ends without an exception, appends one audit entry (action ``import``) naming the file,
what the importer put in ``record.detail`` and the patients in ``record.person_ids``. An exception anywhere,
a refused line found late or a lost connection, rolls back every row and writes no entry for the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from vegvis.access.principal import Principal
from vegvis.audit.services import Action, audit_record, audited_atomic


@dataclass
class ImportRecord:
    """What the file's audit entry says, filled in by the importer inside the transaction."""

    detail: dict[str, Any] = field(default_factory=dict)
    person_ids: list[int] = field(default_factory=list)


@contextmanager
def all_or_nothing(*, actor: Principal, label: str, filename: str) -> Iterator[ImportRecord]:
    """``with all_or_nothing(actor=…, label=…, filename=…) as record:`` write the file's rows, then fill
    ``record``. ``label`` names the import in the audit trail (cut to 200 characters)."""
    record = ImportRecord()
    with audited_atomic():
        yield record
        audit_record(
            principal=actor,
            action=Action.IMPORT,
            label=label[:200],
            person_ids=record.person_ids,
            detail={"file": filename, **record.detail},
        )
