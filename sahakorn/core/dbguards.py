"""Database guards for sub-ledger tables whose rows, once written, are never changed.

A migration installs them with ``immutable_rows(...)``; then no code path (raw SQL, a shell, a
future bug) can rewrite or remove a row that a GL voucher and a member's statement rely on. A
correction is a new row (a reversal). PostgreSQL and SQLite get equivalent triggers; another
backend gets none (the services still never update or delete).
"""

import re

from django.db import migrations


def _statements(table: str, message: str) -> dict[str, tuple[list[str], list[str]]]:
    guard, trigger = f"{table}_guard", f"{table}_immutable"
    return {
        "postgresql": (
            [
                f"""
CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{message} ({table} row % is immutable)', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
""",
                f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {guard}();",
            ],
            [f"DROP TRIGGER IF EXISTS {trigger} ON {table};", f"DROP FUNCTION IF EXISTS {guard}();"],
        ),
        "sqlite": (
            [
                f"CREATE TRIGGER {trigger}_{op.lower()} BEFORE {op} ON {table} FOR EACH ROW "
                f"BEGIN SELECT RAISE(ABORT, '{message} ({table} row is immutable)'); END;"
                for op in ("UPDATE", "DELETE")
            ],
            [f"DROP TRIGGER IF EXISTS {trigger}_{op.lower()};" for op in ("DELETE", "UPDATE")],
        ),
    }


def immutable_rows(*, table: str, message: str) -> migrations.RunPython:
    """A migration operation refusing UPDATE and DELETE on ``table``; ``message`` is the Thai text users see."""
    statements = _statements(table, message)

    def run(schema_editor, forward: bool) -> None:
        chosen = statements.get(schema_editor.connection.vendor)
        if chosen is None:
            return
        for sql in chosen[0 if forward else 1]:
            # No params: the PL/pgSQL body contains a literal % placeholder of RAISE.
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, forward=True),
        lambda apps, schema_editor: run(schema_editor, forward=False),
    )


def immutable_rows_after_sqlite_rebuild(*, table: str, message: str) -> migrations.RunPython:
    """Re-install the guard after a migration that rebuilt ``table`` on SQLite.

    SQLite cannot add some columns in place, so Django copies the table into a new one and drops
    the old, and the triggers go with it; PostgreSQL alters in place and keeps them.
    """
    create = _statements(table, message)["sqlite"][0]

    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in create:
            schema_editor.execute(
                sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1), params=None
            )
        # The guard against INSERT OR REPLACE went with the old table too (``no_truncate_or_replace``).
        _wipe_and_replace_guards(schema_editor, table, message, forward=True)

    return migrations.RunPython(run, migrations.RunPython.noop)


# ======== TRUNCATE (PostgreSQL) and INSERT OR REPLACE (SQLite) ========
#
# The row triggers above do not see two ways of removing rows. On PostgreSQL, TRUNCATE empties a
# table without firing a row trigger: a statement-level BEFORE TRUNCATE trigger refuses it. On
# SQLite, INSERT OR REPLACE (REPLACE INTO) deletes the row it collides with without firing DELETE
# triggers (unless the connection turned recursive_triggers on), then inserts its own: a BEFORE
# INSERT trigger refuses a row that would collide, on the id or on any unique key, so the REPLACE
# never reaches the delete. No service inserts such a row (a plain INSERT of it would fail anyway).
#
# A deliberate wipe of a disposable database (a test runner's flush) runs ``SET sahakorn.wipe = on``
# in its session first (``WIPE_SETTING``): the guard is against mistakes and bugs, and whoever can
# run SET on the database can drop a trigger too. No test flushes today: pytest-django rolls every
# test back, and none is transactional (see ``sahakorn/conftest.py``).

WIPE_SETTING = "sahakorn.wipe"


def _truncate_guard_statements(table: str, message: str) -> tuple[list[str], list[str]]:
    guard, trigger = f"{table}_truncate_guard", f"{table}_no_truncate"
    return (
        [
            f"""
CREATE OR REPLACE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('{WIPE_SETTING}', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '{message} ({table} cannot be truncated)'
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
""",
            f"CREATE TRIGGER {trigger} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {guard}();",
        ],
        [f"DROP TRIGGER IF EXISTS {trigger} ON {table};", f"DROP FUNCTION IF EXISTS {guard}();"],
    )


def _sqlite_columns(schema_editor, table: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'PRAGMA table_info("{table}")')
        return [row[1] for row in cursor.fetchall()]


def _sqlite_unique_keys(schema_editor, table: str) -> list[tuple[list[str], str | None]]:
    """The table's unique keys as they stand: (columns, the partial index's WHERE or None)."""
    keys = []
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'PRAGMA index_list("{table}")')
        for _seq, name, unique, _origin, partial in cursor.fetchall():
            if not unique:
                continue
            cursor.execute(f'PRAGMA index_info("{name}")')
            columns = [row[2] for row in cursor.fetchall()]
            where = None
            if partial:
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
                (sql,) = cursor.fetchone()
                where = re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.IGNORECASE)[1].strip()
            keys.append((columns, where))
    return keys


def _qualified(where: str, alias: str, columns: list[str]) -> str:
    """A partial index's WHERE with its quoted column names read from ``alias`` (NEW or the old row)."""
    return re.sub(r'"(\w+)"', lambda m: f'{alias}."{m[1]}"' if m[1] in columns else m[0], where)


def _replace_guard_statements(schema_editor, table: str, message: str) -> tuple[list[str], list[str]]:
    trigger = f"{table}_no_replace"
    columns = _sqlite_columns(schema_editor, table)
    # Table and column names come from the migration and the schema itself, never from a user.
    collisions = [f"EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)"]  # noqa: S608
    for key, where in _sqlite_unique_keys(schema_editor, table):
        same = " AND ".join(f'old."{c}" = NEW."{c}"' for c in key)
        if where is not None:
            same += f" AND ({_qualified(where, 'old', columns)}) AND ({_qualified(where, 'NEW', columns)})"
        collisions.append(f"EXISTS (SELECT 1 FROM {table} AS old WHERE {same})")  # noqa: S608
    return (
        [
            # Re-created, not kept: the unique keys read now may differ from an earlier install's.
            f"DROP TRIGGER IF EXISTS {trigger};",
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN {' OR '.join(collisions)} "
            f"BEGIN SELECT RAISE(ABORT, '{message} ({table} row exists: no INSERT OR REPLACE)'); END;",
        ],
        [f"DROP TRIGGER IF EXISTS {trigger};"],
    )


def _wipe_and_replace_guards(schema_editor, table: str, message: str, *, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _truncate_guard_statements(table, message)
    elif vendor == "sqlite":
        statements = _replace_guard_statements(schema_editor, table, message)
    else:
        return
    for sql in statements[0 if forward else 1]:
        # No params: the PL/pgSQL body has literal quotes and the WHERE may hold a %.
        schema_editor.execute(sql, params=None)


def replace_guard_after_sqlite_rebuild(schema_editor, table: str, message: str) -> None:
    """For a migration's own code after it rebuilt ``table`` on SQLite (its triggers went with the old
    table): the INSERT OR REPLACE guard again, over the unique keys as they now are."""
    if schema_editor.connection.vendor == "sqlite":
        _wipe_and_replace_guards(schema_editor, table, message, forward=True)


def no_truncate_or_replace(*tables: str, message: str) -> migrations.RunPython:
    """A migration operation refusing TRUNCATE (PostgreSQL) and INSERT OR REPLACE over an existing
    row (SQLite) on each of ``tables``; ``message`` is the Thai text users see.

    Install it after the table's last SQLite rebuild; a later rebuild re-installs it with
    ``immutable_rows_after_sqlite_rebuild`` (which reads the unique keys as they then are).
    """

    def run(schema_editor, forward: bool) -> None:
        for table in tables:
            _wipe_and_replace_guards(schema_editor, table, message, forward=forward)

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, forward=True),
        lambda apps, schema_editor: run(schema_editor, forward=False),
    )


# ======== Room on each page for the monthly update (PostgreSQL) ========


def half_filled_pages(*tables: str) -> migrations.RunPython:
    """Leave half of each new page of ``tables`` free (PostgreSQL's ``fillfactor``; nothing elsewhere).

    For a table whose every live row is updated once a month (a contract's balance, a share account's):
    with room on its page and no indexed column changed, the new version stays on the page (a HOT
    update: no index entry written), and the next month's reads prune the old one without a VACUUM.
    Filled whole, each update moves the row to another page and writes an entry in every index (at
    100,000 members, 300,000 contracts: 20 s → a few). Rows already written keep their pages until the
    table is rewritten (``VACUUM FULL``)."""

    def run(schema_editor, value: str) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {value})")

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, "50"),
        lambda apps, schema_editor: run(schema_editor, "100"),
    )
