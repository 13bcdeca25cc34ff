"""Case numbers: ``YYYY/NNNN``, gap-free per office and year of receipt (the ``abroad`` series of
``casework.numbering``).

One rule for every way a case is made: the services (one case), the import and the bulk demo (thousands at once)
all take their serials from ``reserve_serials`` and write them with ``case_number``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from vegvis.abroad.models import CASE_NUMBER_KIND
from vegvis.casework import numbering

Key = tuple[int, int]  # (office id, year)


def reserve_serials(needed: Mapping[Key, int]) -> dict[Key, Iterator[int]]:
    """The next serials of each office and year, as many as ``needed`` says (``casework.numbering.reserve``: call
    inside the transaction that saves the cases)."""
    return {key: iter(numbers) for key, numbers in numbering.reserve(needed, kind=CASE_NUMBER_KIND).items()}


def next_serial(office_id: int, year: int) -> int:
    """The next serial of one office and year (under the counter's row lock, as ``reserve_serials``)."""
    return numbering.next_number(office_id, year, CASE_NUMBER_KIND)


def case_number(year: int, serial: int) -> str:
    return f"{year}/{serial:04d}"
