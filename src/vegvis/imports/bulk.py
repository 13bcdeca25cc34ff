"""One writer for bulk loads: COPY on PostgreSQL, ``bulk_create`` elsewhere (SQLite).

COPY is several times faster than INSERT for thousands of rows (Django's ``bulk_create`` prepares every field of
every row in Python). Two ways in:

- ``objects(model, objects, key=…)``: model instances, every concrete field as the instance holds it (what an
  import builds); with ``key`` (a unique field) every instance gets its id afterwards.
- ``rows(model, names, rows)``: plain tuples for the named fields, the others taking the model field's default
  (what the bulk demo generates, a million at a time), with ids reserved beforehand by ``ids``.

Fields with ``auto_now``/``auto_now_add`` are stamped with the time of the write; JSON fields are encoded as
Django encodes them (with the field's own encoder). The writer joins the caller's transaction and opens none.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

CHUNK = 2000  # ids per ``IN (…)`` look-up
SQLITE_BATCH = 500


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BulkWriter:
    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows_written = 0

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        """Reserve ``count`` ids for new rows of ``model`` (its sequence on PostgreSQL; after the largest id on
        SQLite, where the caller's transaction holds the database's write lock)."""
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            start = cursor.fetchone()[0] + 1
            return list(range(start, start + count))

    def rows(self, model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows``, each a value for every field in ``names``; fields not named get their default."""
        if not rows:
            return
        fields = [cast(models.Field, model._meta.get_field(name)) for name in names]
        missing = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in names and f.name not in names and not f.primary_key
        ]
        defaults = [_default(f) for f in missing]
        self.rows_written += len(rows)
        if self.postgres:
            self._copy(model, [*fields, *missing], ((*row, *defaults) for row in rows))
            return
        attnames = [f.attname for f in fields]
        objects = []
        for row in rows:
            values = dict(zip(attnames, row, strict=True))
            values.update({f.attname: d for f, d in zip(missing, defaults, strict=True)})
            objects.append(model(**values))
        model._default_manager.bulk_create(objects, batch_size=SQLITE_BATCH)

    def objects(self, model: type[models.Model], objects: list[Any], *, key: str = "") -> None:
        """Insert new instances of ``model`` as they are. With ``key`` (a unique field), every instance without
        an id gets its id from the rows written, and counts as saved."""
        if not objects:
            return
        self.rows_written += len(objects)
        if self.postgres:
            now = timezone.now()
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            stamped = [f.attname for f in fields if _stamped(f)]
            names = [f.attname for f in fields]

            def values(obj: Any) -> list[Any]:
                for name in stamped:
                    setattr(obj, name, now)
                return [getattr(obj, name) for name in names]

            self._copy(model, fields, (values(obj) for obj in objects))
        else:
            model._default_manager.bulk_create(objects, batch_size=SQLITE_BATCH)
        if key and any(obj.pk is None for obj in objects):
            by_key: dict[Any, int] = {}
            for chunk in chunks([getattr(obj, key) for obj in objects]):
                by_key.update(model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
            for obj in objects:
                obj.pk = by_key[getattr(obj, key)]
                obj._state.adding = False

    def _copy(self, model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence[Any]]) -> None:
        from psycopg.types.json import Jsonb

        quote = connection.ops.quote_name
        encoders = {i: f.encoder for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(str(f.column)) for f in fields)
        )
        with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
            for row in rows:
                if encoders:
                    row = list(row)
                    for i, encoder in encoders.items():
                        row[i] = Jsonb(row[i], dumps=functools.partial(json.dumps, cls=encoder))
                copy.write_row(row)


def _stamped(f: models.Field) -> bool:
    return bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))


def _default(f: models.Field) -> Any:
    if _stamped(f):
        return timezone.now()
    return f.get_default()
