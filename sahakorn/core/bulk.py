"""Set-based writes the ORM has no fast form for: many rows inserted (COPY), many rows each with its
own new values (an UPDATE joined to the new values).

``QuerySet.bulk_update`` writes one CASE expression per field per batch, which Django builds in Python
for every row (seconds for a few thousand rows); a batch run updates hundreds of thousands. Here the
new values are joined to the table: on PostgreSQL as one array per column (``unnest``), on SQLite
(3.33+) as a VALUES list, one statement per chunk. Table and column names come from the model, every
value is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

# SQLite takes at most 32,766 parameters a statement.
_PARAMETERS = 30_000
# Rows per statement on PostgreSQL: one array a column, whatever the row count.
_ARRAY_ROWS = 50_000


def rows_update(model, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set ``fields`` of ``model``'s rows from ``rows``: (primary key, value of each field), in order.
    Returns the number of rows updated (a caller may compare it with ``len(rows)``)."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    key = meta.pk
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
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{quote(key.column)} = v.{names[0]}",  # noqa: S608
                params,
            )
            updated += cursor.rowcount
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
