"""Set-based writes the ORM has no fast form for: many rows, each with its own new values.

``QuerySet.bulk_update`` writes one CASE expression per field per batch, which Django builds in Python
for every row (seconds for a few thousand rows); a batch run updates hundreds of thousands. Here the
new values go in as a VALUES list joined to the table, one statement per chunk, on SQLite (3.33+) and
PostgreSQL alike. Table and column names come from the model, every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

# SQLite takes at most 32,766 parameters a statement.
_PARAMETERS = 30_000


def rows_update(model, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set ``fields`` of ``model``'s rows from ``rows``: (primary key, value of each field), in order.
    Returns the number of rows updated (a caller may compare it with ``len(rows)``)."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    key = meta.pk
    columns = [key, *(meta.get_field(name) for name in fields)]
    if connection.vendor == "postgresql":
        # Parameters arrive untyped in a VALUES list: each is cast to its column's type.
        marks = "(" + ", ".join(f"%s::{column.db_type(connection)}" for column in columns) + ")"
        names = [f"c{n}" for n in range(len(columns))]
        alias = f"v({', '.join(names)})"
    else:
        # SQLite names a VALUES list's columns column1, column2, … and takes no alias list.
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        names = [f"column{n + 1}" for n in range(len(columns))]
        alias = "v"
    assignments = ", ".join(
        f"{quote(column.column)} = v.{name}" for column, name in zip(columns[1:], names[1:], strict=True)
    )
    table = quote(meta.db_table)
    per_statement = max(1, _PARAMETERS // len(columns))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([marks] * len(chunk))}) AS {alias} "  # noqa: S608
                f"WHERE {table}.{quote(key.column)} = v.{names[0]}",
                [value for row in chunk for value in row],
            )
            updated += cursor.rowcount
    return updated
