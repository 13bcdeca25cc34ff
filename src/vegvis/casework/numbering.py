"""Case numbers without gaps: one series per office, year and kind of case (``CaseCounter``).

A number is taken under the counter row's lock, inside the transaction that saves the case: no other case of the
same series gets a number until that transaction ends, and a rollback gives the number back. Series are locked
in one order (office, year), so two transactions taking several never deadlock. Each system names its own kind
(``abroad`` for treatment abroad) and formats the number as it likes; the counter only counts.
"""

from __future__ import annotations

from collections.abc import Mapping

from vegvis.casework.models import CaseCounter
from vegvis.core.models import Office, Organisation

Series = tuple[int, int]  # (office id, year)


def _locked(office_id: int, year: int, kind: str) -> CaseCounter:
    """The series' counter, locked to the end of the transaction; made at its first use.

    Two transactions making the same new counter at once: PostgreSQL holds the second insert on the unique
    constraint until the first commits, then ``get_or_create`` finds the row and locks it (SQLite runs one write
    transaction at a time, ``transaction_mode`` IMMEDIATE)."""
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(office_id=office_id, year=year, kind=kind)
    return counter


def reserve(needed: Mapping[Series, int], *, kind: str) -> dict[Series, range]:
    """The next numbers of each (office id, year) of ``kind``, as many as ``needed`` says, in one lock order.

    Call inside the transaction that saves the cases (an import takes thousands at once)."""
    numbers: dict[Series, range] = {}
    for (office_id, year), count in sorted(needed.items()):
        counter = _locked(office_id, year, kind)
        numbers[(office_id, year)] = range(counter.last + 1, counter.last + count + 1)
        counter.last += count
        counter.save(update_fields=["last"])
    return numbers


def next_number(office: Office | int, year: int, kind: str) -> int:
    """The next number of one office, year and kind (under the counter's row lock, as ``reserve``)."""
    office_id = office if isinstance(office, int) else office.pk
    return reserve({(office_id, year): 1}, kind=kind)[(office_id, year)][0]


def next_organisation_number(organisation: Organisation | int, year: int, kind: str) -> int:
    """The next number of one organisation, year and kind: the series of a system whose cases belong to an
    organisation, not an office (under the counter's row lock, in the transaction that saves the case)."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation_id=organisation_id, year=year, kind=kind
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
