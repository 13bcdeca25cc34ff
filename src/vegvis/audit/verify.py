"""Checking the audit chain: the first altered, deleted or inserted entry is reported."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.utils.translation import gettext as _

from vegvis.audit.chain import GENESIS, compute_hash
from vegvis.audit.models import AuditChainHead, AuditEntry, AuditPersonRef


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify_chain(*, chunk_size: int = 5000) -> VerifyResult:
    expected_seq = 1
    previous_hash = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                _("Entry #%(seq)s is missing: the chain has been cut (deleted entries).") % {"seq": expected_seq},
                expected_seq,
            )
        if entry.prev_hash != previous_hash:
            return VerifyResult(
                False,
                checked,
                _("Entry #%(seq)s does not follow the entry before it: an entry has been deleted or inserted.")
                % {"seq": entry.seq},
                entry.seq,
            )
        if not hmac.compare_digest(entry.hash, compute_hash(entry)):
            return VerifyResult(
                False,
                checked,
                _("Entry #%(seq)s has been altered after it was written.") % {"seq": entry.seq},
                entry.seq,
            )
        previous_hash = entry.hash
        expected_seq += 1
        checked += 1

    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    if last_seq != checked or (head and head.last_hash != previous_hash):
        return VerifyResult(
            False,
            checked,
            _("The chain ends at entry #%(found)s but #%(expected)s was written: the newest entries have been deleted.")
            % {"found": checked, "expected": last_seq},
            checked + 1,
        )

    problem = _verify_person_refs()
    if problem:
        return VerifyResult(False, checked, problem[1], problem[0])
    return VerifyResult(True, checked)


def _verify_person_refs() -> tuple[int, str] | None:
    """The person index must list exactly the persons each entry names (a deleted row would hide a read).

    Both sides are streamed in entry order and compared as they go, so memory stays flat at any size.
    """
    named = (
        (entry_id, seq, frozenset(detail.get("persons", [])))
        for entry_id, seq, detail in AuditEntry.objects.filter(detail__has_key="persons")
        .order_by("id")
        .values_list("id", "seq", "detail")
        .iterator(chunk_size=5000)
    )
    indexed = groupby(
        AuditPersonRef.objects.order_by("entry_id").values_list("entry_id", "person_id").iterator(chunk_size=20000),
        key=itemgetter(0),
    )
    index_entry, index_persons = _next_group(indexed)
    for entry_id, seq, persons in named:
        if index_entry is not None and index_entry < entry_id:
            return _orphan(index_entry)
        if index_entry != entry_id or index_persons != persons:
            return seq, _("The person index of entry #%(seq)s has been altered.") % {"seq": seq}
        index_entry, index_persons = _next_group(indexed)
    if index_entry is not None:
        return _orphan(index_entry)
    return None


def _next_group(groups: Iterator[tuple[int, Iterator[tuple[int, int]]]]) -> tuple[int | None, frozenset[int]]:
    for entry_id, rows in groups:
        return entry_id, frozenset(person for _entry, person in rows)
    return None, frozenset()


def _orphan(entry_id: int) -> tuple[int, str]:
    seq: int = AuditEntry.objects.filter(id=entry_id).values_list("seq", flat=True).first() or 0
    return seq, _("The person index holds rows for entry #%(seq)s that the entry does not name.") % {"seq": seq}
