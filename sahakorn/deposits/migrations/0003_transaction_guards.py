"""Database guard for the deposit sub-ledger: posted deposit transactions are never updated or deleted.

A correction is a reversal (a new REVERSAL row); no code path (raw SQL, a shell, a future bug)
may rewrite or remove a row the GL voucher and the member's passbook already rely on.
"""

from django.db import migrations

IMMUTABLE_TH = "รายการเงินฝากแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"

PG_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION deposits_deposittransaction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{IMMUTABLE_TH} (deposit transaction % is immutable)', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
""",
    """
CREATE TRIGGER deposits_deposittransaction_immutable BEFORE UPDATE OR DELETE ON deposits_deposittransaction
  FOR EACH ROW EXECUTE FUNCTION deposits_deposittransaction_guard();
""",
]

PG_REVERSE = [
    "DROP TRIGGER IF EXISTS deposits_deposittransaction_immutable ON deposits_deposittransaction;",
    "DROP FUNCTION IF EXISTS deposits_deposittransaction_guard();",
]

SQLITE_FORWARD = [
    f"""
CREATE TRIGGER deposits_deposittransaction_immutable_update BEFORE UPDATE ON deposits_deposittransaction
FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (deposit transaction is immutable)'); END;
""",
    f"""
CREATE TRIGGER deposits_deposittransaction_immutable_delete BEFORE DELETE ON deposits_deposittransaction
FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (deposit transaction is immutable)'); END;
""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS deposits_deposittransaction_immutable_delete;",
    "DROP TRIGGER IF EXISTS deposits_deposittransaction_immutable_update;",
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
    dependencies = [("deposits", "0002_seed_products")]
    operations = [migrations.RunPython(install, uninstall)]
