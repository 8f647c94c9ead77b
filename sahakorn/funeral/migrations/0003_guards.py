"""Database guards for the funeral sub-ledger.

Payouts and remittances are never updated or deleted. A due is written twice at most: created
uncollected, then collected once; after that (``journal_entry_id`` set) it never changes, and a
collected due is never deleted. A correction is a new movement, not an edit of a posted row.
"""

from django.db import migrations

IMMUTABLE_TH = "รายการฌาปนกิจที่ผ่านบัญชีแล้วแก้ไขหรือลบไม่ได้"

PG_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION funeral_immutable_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{IMMUTABLE_TH} (% % is immutable)', TG_TABLE_NAME, OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
""",
    f"""
CREATE OR REPLACE FUNCTION funeral_due_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.journal_entry_id IS NOT NULL THEN
    RAISE EXCEPTION '{IMMUTABLE_TH} (collected due % is immutable)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
""",
    """
CREATE TRIGGER funeral_funeralpayout_immutable BEFORE UPDATE OR DELETE ON funeral_funeralpayout
  FOR EACH ROW EXECUTE FUNCTION funeral_immutable_guard();
""",
    """
CREATE TRIGGER funeral_funeralremittance_immutable BEFORE UPDATE OR DELETE ON funeral_funeralremittance
  FOR EACH ROW EXECUTE FUNCTION funeral_immutable_guard();
""",
    """
CREATE TRIGGER funeral_funeraldue_collected_immutable BEFORE UPDATE OR DELETE ON funeral_funeraldue
  FOR EACH ROW EXECUTE FUNCTION funeral_due_guard();
""",
]

PG_REVERSE = [
    "DROP TRIGGER IF EXISTS funeral_funeraldue_collected_immutable ON funeral_funeraldue;",
    "DROP TRIGGER IF EXISTS funeral_funeralremittance_immutable ON funeral_funeralremittance;",
    "DROP TRIGGER IF EXISTS funeral_funeralpayout_immutable ON funeral_funeralpayout;",
    "DROP FUNCTION IF EXISTS funeral_due_guard();",
    "DROP FUNCTION IF EXISTS funeral_immutable_guard();",
]

SQLITE_FORWARD = [
    f"""
CREATE TRIGGER funeral_funeral{table}_immutable_{op} BEFORE {op.upper()} ON funeral_funeral{table}
FOR EACH ROW
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} ({table} is immutable)'); END;
"""
    for table in ("payout", "remittance")
    for op in ("update", "delete")
] + [
    f"""
CREATE TRIGGER funeral_funeraldue_collected_immutable_{op} BEFORE {op.upper()} ON funeral_funeraldue
FOR EACH ROW WHEN OLD.journal_entry_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (collected due is immutable)'); END;
"""
    for op in ("update", "delete")
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS funeral_funeral{table}_immutable_{op};"
    for table in ("payout", "remittance")
    for op in ("update", "delete")
] + [f"DROP TRIGGER IF EXISTS funeral_funeraldue_collected_immutable_{op};" for op in ("update", "delete")]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for sql in statements[0 if forward else 1]:
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(schema_editor, forward=True)


def uninstall(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("funeral", "0002_seed_settings")]
    operations = [migrations.RunPython(install, uninstall)]
