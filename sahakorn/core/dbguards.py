"""Database guards for sub-ledger tables whose rows, once written, are never changed.

A migration installs them with ``immutable_rows(...)``; then no code path (raw SQL, a shell, a
future bug) can rewrite or remove a row that a GL voucher and a member's statement rely on. A
correction is a new row (a reversal). PostgreSQL and SQLite get equivalent triggers; another
backend gets none (the services still never update or delete).
"""

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

    return migrations.RunPython(run, migrations.RunPython.noop)
