"""Database guard for the share sub-ledger: posted share transactions are never updated or deleted.

A correction is a reversal (a new REVERSAL row); no code path (raw SQL, a shell, a future bug)
may rewrite or remove a row the GL voucher and the member's statements already rely on.
"""

from django.db import migrations

IMMUTABLE_TH = "รายการหุ้นแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"

PG_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION shares_sharetransaction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{IMMUTABLE_TH} (share transaction % is immutable)', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
""",
    """
CREATE TRIGGER shares_sharetransaction_immutable BEFORE UPDATE OR DELETE ON shares_sharetransaction
  FOR EACH ROW EXECUTE FUNCTION shares_sharetransaction_guard();
""",
]

PG_REVERSE = [
    "DROP TRIGGER IF EXISTS shares_sharetransaction_immutable ON shares_sharetransaction;",
    "DROP FUNCTION IF EXISTS shares_sharetransaction_guard();",
]

SQLITE_FORWARD = [
    f"""
CREATE TRIGGER shares_sharetransaction_immutable_update BEFORE UPDATE ON shares_sharetransaction
FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (share transaction is immutable)'); END;
""",
    f"""
CREATE TRIGGER shares_sharetransaction_immutable_delete BEFORE DELETE ON shares_sharetransaction
FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (share transaction is immutable)'); END;
""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS shares_sharetransaction_immutable_delete;",
    "DROP TRIGGER IF EXISTS shares_sharetransaction_immutable_update;",
]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # another backend: the services still never update or delete a row
        return
    for sql in statements[0 if forward else 1]:
        # No params: the PL/pgSQL body contains a literal % placeholder of RAISE.
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(schema_editor, forward=True)


def uninstall(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("shares", "0002_seed_rules")]
    operations = [migrations.RunPython(install, uninstall)]
