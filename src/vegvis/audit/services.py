"""Writing to the audit trail. Reads are recorded where data is shown; writes inside the change's transaction."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone

from vegvis.access.principal import Principal
from vegvis.audit.chain import GENESIS, compute_hash
from vegvis.audit.models import AuditChainHead, AuditEntry, AuditPersonRef

Action = AuditEntry.Action
logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class LockOrderError(RuntimeError):
    """An audited write opened its transaction without taking the chain's head first (see audited_atomic)."""


# The lock order (docs/adr/0003-audit-chain.md, amendment 1): every write transaction that audits takes the
# audit chain's head FIRST, before any other row lock. Every audited write holds the head to its commit anyway,
# so taking it first costs no concurrency, and no two transactions can then take the head and another row in
# opposite orders (the deadlock of issue 10 §3.1: a new patient's person audited before the case counter, a
# known patient's counter locked before the case's audit).
_HEAD_HOLDER = "_vegvis_audit_head_holder"


def _head_held() -> bool:
    """True when this connection's current transaction took the chain head through audited_atomic."""
    holder = getattr(connection, _HEAD_HOLDER, None)
    return holder is not None and any(block is holder for block in connection.atomic_blocks)


def _in_own_transaction() -> bool:
    """True inside an atomic block opened by the code (not only the test runner's wrapping transaction)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _lock_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
            if cursor.fetchone() is not None:
                return
    AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS})


@contextmanager
def audited_atomic() -> Iterator[None]:
    """``transaction.atomic()`` for a write that will audit: the chain's head is the first lock it takes.

    Use it instead of ``transaction.atomic()`` wherever a transaction writes to the audit trail; nested uses
    (and audit_record inside) find the head already held and take nothing more. Opening one inside a
    transaction that did not take the head is a lock-order error: the outer transaction may already hold rows.
    """
    with _head_first(lock=True):
        yield


@contextmanager
def _head_first(*, lock: bool) -> Iterator[None]:
    if _head_held():
        with transaction.atomic():
            yield
        return
    if _in_own_transaction():
        _lock_order_violation("an audited write in a transaction opened without audited_atomic()")
    block = transaction.atomic()
    with block:
        if lock:
            _lock_head()
        setattr(connection, _HEAD_HOLDER, block)
        yield


def _lock_order_violation(message: str) -> None:
    if getattr(settings, "VEGVIS_AUDIT_STRICT_LOCK_ORDER", False):
        raise LockOrderError(message)
    logger.warning("lock order: %s", message)


# PostgreSQL's "deadlock detected" and "could not serialize access": the transaction was rolled back whole,
# so running it again is safe.
_RETRYABLE = {"40P01", "40001"}
RETRY_ATTEMPTS = 3


def _retryable(error: OperationalError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) in _RETRYABLE or getattr(cause, "pgcode", None) in _RETRYABLE


def retry_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Run a whole service transaction again (up to three tries, jittered backoff) when PostgreSQL rolled it
    back for a deadlock or a serialization failure. Only at the outermost level: inside a caller's transaction
    the error goes up to the caller, whose transaction is the one that was rolled back."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if attempt == RETRY_ATTEMPTS or not _retryable(error):
                    raise
                logger.warning(
                    "%s: %s, try %s of %s",
                    func.__qualname__,
                    error.__cause__.__class__.__name__,
                    attempt + 1,
                    RETRY_ATTEMPTS,
                )
                time.sleep(random.uniform(0.01, 0.05) * 2**attempt)  # noqa: S311 - jitter, not a secret
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _plain(detail: dict[str, Any] | None) -> dict[str, Any]:
    """JSON-safe copy (dates, decimals as strings) so the hash is the same before and after the round trip."""
    return json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder, sort_keys=True))


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    principal: Principal | None,
    action: str,
    obj: models.Model | None = None,
    label: str = "",
    person_id: int | None = None,
    person_ids: Iterable[int] = (),
    detail: dict[str, Any] | None = None,
    emergency: bool = False,
    reason: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Joins the caller's transaction, so it commits or rolls back with it."""
    object_type, object_id = _object_ref(obj)
    persons = sorted({*person_ids, *([person_id] if person_id else [])})
    payload = _plain(detail)
    if persons:
        payload["persons"] = persons
    user = principal.user if principal else None
    # On its own (a read), the append's first statement takes the head: nothing to lock before it.
    with _head_first(lock=False):
        entry = AuditEntry(
            actor_id=user.pk if user else None,
            actor_username=user.get_username() if user else (actor_name or getattr(principal, "name", "") or "system"),
            actor_role=principal.audit_role if principal else "",
            office_id=min(principal.office_ids) if principal and principal.office_ids else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=label[:200],
            person_id=person_id,
            detail=payload,
            emergency=emergency,
            reason=reason,
        )
        if connection.vendor == "postgresql" and _append_in_two_statements(entry, persons):
            return entry
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS}
        )
        entry.seq = head.last_seq + 1
        entry.prev_hash = head.last_hash
        entry.at = timezone.now()  # taken under the head's lock, so times rise with the sequence
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        if persons:
            AuditPersonRef.objects.bulk_create([AuditPersonRef(entry=entry, person_id=p) for p in persons])
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


# Every read of personal data appends here, so on PostgreSQL an append is two statements instead of five: the
# first locks the chain's head and takes the next number, the second writes the entry, its person index and the
# new head hash together. Fewer round trips hold the head's lock for less time (docs/performance.md).
_ADVANCE_HEAD = "UPDATE audit_auditchainhead SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash"
_APPEND = """
WITH entry AS (
    INSERT INTO audit_auditentry (seq, at, actor_id, actor_username, actor_role, office_id, action, object_type,
                                  object_id, object_label, person_id, detail, emergency, reason, prev_hash, hash)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s)
    RETURNING id
), persons AS (
    INSERT INTO audit_auditpersonref (entry_id, person_id)
    SELECT entry.id, person FROM entry, unnest(%s::bigint[]) person
)
UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1 RETURNING (SELECT id FROM entry)
"""


def _append_in_two_statements(entry: AuditEntry, persons: list[int]) -> bool:
    """Append ``entry`` (inside the caller's transaction); False when the chain has no head yet."""
    with connection.cursor() as cursor:
        cursor.execute(_ADVANCE_HEAD)
        row = cursor.fetchone()
        if row is None:
            return False
        entry.seq, entry.prev_hash = row
        entry.at = timezone.now()
        entry.hash = compute_hash(entry)
        cursor.execute(
            _APPEND,
            [
                entry.seq,
                entry.at,
                entry.actor_id,
                entry.actor_username,
                entry.actor_role,
                entry.office_id,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.object_label,
                entry.person_id,
                json.dumps(entry.detail),
                entry.emergency,
                entry.reason,
                entry.prev_hash,
                entry.hash,
                persons,
                entry.hash,
            ],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


def audit_read(
    principal: Principal,
    *,
    obj: models.Model | None = None,
    label: str = "",
    person_id: int | None = None,
    person_ids: Iterable[int] = (),
    shown: Iterable[str] = (),
    emergency: bool = False,
) -> AuditEntry:
    """Record that personal data was shown: which object and which fields or columns."""
    return audit_record(
        principal=principal,
        action=Action.READ,
        obj=obj,
        label=label,
        person_id=person_id,
        person_ids=person_ids,
        detail={"shown": list(shown)} if shown else None,
        emergency=emergency,
    )


class AuditSubject(Protocol):
    """A model whose reads are audited by ``read_for``: how the trail names it, and whose data it holds."""

    @property
    def audit_label(self) -> str: ...

    @property
    def audit_person_id(self) -> int | None: ...


def read_for(
    principal: Principal,
    obj: models.Model,
    *,
    shown: Iterable[str],
    emergency: bool = False,
    label: str | None = None,
) -> AuditEntry:
    """Record that ``obj``'s personal data was shown to ``principal``: the object, named by its ``audit_label``
    (or ``label``: a document of the case, say), its person (``audit_person_id``) and the fields shown.

    Call it where the page or the API answer is made, after the permission layer let the principal load ``obj``;
    ``obj`` must be an ``AuditSubject`` (a case, a person)."""
    subject = cast(AuditSubject, obj)
    return audit_read(
        principal,
        obj=obj,
        label=subject.audit_label if label is None else label,
        person_id=subject.audit_person_id,
        shown=shown,
        emergency=emergency,
    )


def read_rows(
    principal: Principal,
    rows: Sequence[Any],
    *,
    label: str,
    shown: Iterable[str],
    person_ids: Iterable[int] | None = None,
) -> AuditEntry | None:
    """Record that a list showed ``rows`` (their persons: each row's ``audit_person_id`` unless ``person_ids``
    says); nothing when the list is empty."""
    if not rows:
        return None
    persons = [row.audit_person_id for row in rows] if person_ids is None else list(person_ids)
    return audit_read(principal, label=label, person_ids=persons, shown=shown)


def audit_denied(
    principal: Principal, *, obj: models.Model | None = None, label: str = "", detail: dict | None = None
) -> None:
    """Record a refused attempt. Its own transaction, so the refusal is kept even when the request fails."""
    audit_record(principal=principal, action=Action.DENIED, obj=obj, label=label, detail=detail)


def changes(instance: models.Model, before: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The changed fields as {field: [old, new]}, for the audit detail of an update."""
    diff = {}
    for name in fields:
        new = getattr(instance, name)
        if before.get(name) != new:
            diff[name] = [before.get(name), new]
    return diff


# ---------------------------------------------------------------- many entries at once (imports)


@dataclass(frozen=True)
class AuditItem:
    """One entry of ``audit_record_many``: what was done to which object, for which person."""

    action: str
    object_type: str = ""
    object_id: str = ""
    label: str = ""
    person_id: int | None = None
    detail: dict[str, Any] | None = None


def audit_record_many(*, principal: Principal | None, items: Sequence[AuditItem], batch_size: int = 500) -> int:
    """Append one entry per item, chained as ``audit_record`` chains them, with a fixed number of queries per
    ``batch_size`` items (an import touches thousands of cases). Joins the caller's transaction."""
    if not items:
        return 0
    user = principal.user if principal else None
    username = user.get_username() if user else (getattr(principal, "name", "") or "system")
    role = principal.audit_role if principal else ""
    office_id = min(principal.office_ids) if principal and principal.office_ids else None
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS}
        )
        at = timezone.now()  # taken under the head's lock, as in audit_record
        seq, prev = head.last_seq, head.last_hash
        entries: list[AuditEntry] = []
        for item in items:
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=at,
                actor_id=user.pk if user else None,
                actor_username=username,
                actor_role=role,
                office_id=office_id,
                action=item.action,
                object_type=item.object_type,
                object_id=item.object_id,
                object_label=item.label[:200],
                person_id=item.person_id,
                detail={**_plain(item.detail), **({"persons": [item.person_id]} if item.person_id else {})},
                emergency=False,
                reason="",
                prev_hash=prev,
            )
            entry.hash = prev = compute_hash(entry)
            entries.append(entry)
        refs = [(e, e.person_id) for e in entries if e.person_id]
        if connection.vendor == "postgresql":
            _copy_many(entries, refs, first_seq=head.last_seq + 1, last_seq=seq)
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
            if any(e.pk is None for e in entries):  # a backend that does not return ids
                ids = dict(AuditEntry.objects.filter(seq__gt=head.last_seq, seq__lte=seq).values_list("seq", "pk"))
                for entry in entries:
                    entry.pk = ids[entry.seq]
            AuditPersonRef.objects.bulk_create(
                [AuditPersonRef(entry_id=e.pk, person_id=p) for e, p in refs], batch_size=batch_size
            )
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return len(entries)


_ENTRY_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "office_id",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "person_id",
    "detail",
    "emergency",
    "reason",
    "prev_hash",
    "hash",
)


def _copy_many(entries: list[AuditEntry], refs: list[tuple[AuditEntry, int]], *, first_seq: int, last_seq: int) -> None:
    """PostgreSQL: the entries and their person index through COPY, several times faster than INSERT for the
    thousands of rows an import writes (as imports.bulk does for the cases themselves)."""
    with connection.cursor() as cursor:
        copy_entries = f"COPY audit_auditentry ({', '.join(_ENTRY_COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_entries) as copy:
            for entry in entries:
                copy.write_row(
                    [json.dumps(entry.detail) if name == "detail" else getattr(entry, name) for name in _ENTRY_COLUMNS]
                )
        cursor.execute("SELECT seq, id FROM audit_auditentry WHERE seq BETWEEN %s AND %s", [first_seq, last_seq])
        ids = dict(cursor.fetchall())
        for entry in entries:
            entry.pk = ids[entry.seq]
            entry._state.adding = False
        if refs:
            with cursor.cursor.copy("COPY audit_auditpersonref (entry_id, person_id) FROM STDIN") as copy:
                for entry, person_id in refs:
                    copy.write_row([entry.pk, person_id])
