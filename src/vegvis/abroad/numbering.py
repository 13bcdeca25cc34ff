"""Case numbers: ``YYYY/NNNN``, gap-free per office and year of receipt (``CaseCounter``).

One rule for every way a case is made: the services (one case), the import and the bulk demo (thousands at once)
all take their serials from ``reserve_serials`` and write them with ``case_number``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from vegvis.abroad.models import CaseCounter

Key = tuple[int, int]  # (office id, year)


def reserve_serials(needed: Mapping[Key, int]) -> dict[Key, Iterator[int]]:
    """The next serials of each office and year, as many as ``needed`` says. Call inside the transaction that
    saves the cases: the counters' rows stay locked until it ends, so no other case takes a number in between and
    a rollback gives the numbers back. The rows are locked in one order (office, year), so two reservations
    cannot deadlock."""
    serials: dict[Key, Iterator[int]] = {}
    for (office_id, year), count in sorted(needed.items()):
        counter, _created = CaseCounter.objects.select_for_update().get_or_create(office_id=office_id, year=year)
        serials[(office_id, year)] = iter(range(counter.last + 1, counter.last + count + 1))
        counter.last += count
        counter.save(update_fields=["last"])
    return serials


def next_serial(office_id: int, year: int) -> int:
    """The next serial of one office and year (under the counter's row lock, as ``reserve_serials``)."""
    return next(reserve_serials({(office_id, year): 1})[(office_id, year)])


def case_number(year: int, serial: int) -> str:
    return f"{year}/{serial:04d}"
