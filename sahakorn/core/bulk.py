"""Set-based writes the ORM has no fast form for: many rows inserted (COPY), many rows each with its
own new values (an UPDATE joined to the new values).

``QuerySet.bulk_update`` writes one CASE expression per field per batch, which Django builds in Python
for every row (seconds for a few thousand rows); a batch run updates hundreds of thousands. Here the
new values are joined to the table: on PostgreSQL as one array per column (``unnest``), on SQLite
(3.33+) as a VALUES list, one statement per chunk. Table and column names come from the model, every
value is a parameter.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import QuerySet

# SQLite takes at most 32,766 parameters a statement.
_PARAMETERS = 30_000
# Rows per statement on PostgreSQL: one array a column, whatever the row count.
_ARRAY_ROWS = 50_000
# Keys above which a join on a non-unique key is made a hash join (see ``_rows_update``).
_HASH_JOIN_ROWS = 1_000


def rows_update(
    model, fields: Sequence[str], rows: Sequence[tuple], *, key: str = "", where: QuerySet | None = None
) -> int:
    """Set ``fields`` of ``model``'s rows from ``rows``: (primary key, value of each field), in order.
    Returns the number of rows updated (a caller may compare it with ``len(rows)``).

    ``key`` joins on another field instead of the primary key (every row with that value takes the
    row's values: a membership's dues); ``where``, a queryset of ``model`` filtered on its own columns
    (no join), narrows the rows updated."""
    if not rows:
        return 0
    meta = model._meta
    key_field = meta.get_field(key) if key else meta.pk
    extra, extra_params = "", []
    if where is not None:
        # A filter on a foreign key's id may leave a join the query would trim; only a join in use counts.
        used = [alias for alias in where.query.alias_map if where.query.alias_refcount[alias]]
        if where.model is not model or len(used) > 1:
            raise ValueError("rows_update: where must filter the model's own columns")
        sql, where_params = where.query.get_compiler(connection=connection).compile(where.query.where)
        extra, extra_params = f" AND {sql}", list(where_params)
    return _rows_update(model, key_field, fields, rows, extra=extra, extra_params=extra_params)


def _rows_update(
    model, key, fields: Sequence[str], rows: Sequence[tuple], *, extra: str, extra_params: list
) -> int:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [key, *(meta.get_field(name) for name in fields)]
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # One array a column joined with unnest: a parameter a column, not one a value (30,000 cast
        # parameters a statement took seconds to bind and parse).
        names = [f"c{n}" for n in range(len(columns))]
        arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
        per_statement = _ARRAY_ROWS
    else:
        # SQLite names a VALUES list's columns column1, column2, … and takes no alias list.
        names = [f"column{n + 1}" for n in range(len(columns))]
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, _PARAMETERS // len(columns))
    assignments = ", ".join(
        f"{quote(column.column)} = v.{name}" for column, name in zip(columns[1:], names[1:], strict=True)
    )
    table = quote(meta.db_table)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            if postgresql:
                source = f"unnest({arrays}) AS v({', '.join(names)})"
                params = [list(values) for values in zip(*chunk, strict=True)]
            else:
                source = f"(VALUES {', '.join([marks] * len(chunk))}) AS v"
                params = [value for row in chunk for value in row]
            # PostgreSQL guesses ten rows from any unnest, so joined on a non-unique key it loops over
            # the key's index even for tens of thousands of keys, each row a random page (a month's
            # funeral dues: 128 s); scanning the table once against a hash of the keys is the plan.
            hashed = postgresql and not key.primary_key and len(chunk) > _HASH_JOIN_ROWS
            if hashed:
                cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {source} "  # noqa: S608
                f"WHERE {table}.{quote(key.column)} = v.{names[0]}{extra}",
                params + extra_params,
            )
            updated += cursor.rowcount
            if hashed:
                cursor.execute("RESET enable_nestloop")
    return updated


# Rows per executemany on SQLite.
_INSERT_BATCH = 5_000


def rows_insert(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert plain tuples: COPY on PostgreSQL, executemany on SQLite (no model instance per row).

    Values must already be what the model would store (Decimals checked for two places); ``table`` and
    ``columns`` are the model's own names, never input. A constraint broken by a row raises Django's
    ``IntegrityError``, as an INSERT would.
    """
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            for start in range(0, len(rows), _INSERT_BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    rows[start : start + _INSERT_BATCH],
                )


def ids_reserve(table: str, count: int) -> list[int]:
    """PostgreSQL: take ``count`` ids from the table's sequence, for rows written with COPY."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector off for a batch run (billing's month, a members import).

    A month at 100,000 members holds millions of small objects (lines, receipts, rows) until the run
    ends; each full collection walks all of them, and they were 42 s of a 170 s posting. Nothing the
    run builds is a cycle that must be freed early: reference counting frees what it drops, and the
    collector runs again when the run is over (or fails). Nested runs keep it off until the outer ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
