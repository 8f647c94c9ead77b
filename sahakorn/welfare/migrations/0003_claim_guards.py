"""Database guard for the welfare sub-ledger: a paid claim is never edited or deleted.

The one change a paid claim may take is its reversal (status → reversed, with the reversal's date,
reason and voucher); a reversed claim takes none. The figures the GL voucher and the member's
history rely on (member, scheme, amount, payment, voucher) never change once paid.
"""

from django.db import migrations

IMMUTABLE_TH = "คำขอสวัสดิการที่จ่ายแล้วแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"

# The columns a reversal leaves as they are.
FROZEN = [
    "scheme_id", "member_id", "amount", "event_date", "applied_on", "level", "days",
    "beneficiary_name", "paid_on", "payment_method", "deposit_account_id", "fund_role", "journal_entry_id",
]  # fmt: skip


def _pg_changed() -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)


def _sqlite_changed() -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)


PG_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION welfare_welfareclaim_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status IN ('paid', 'reversed') THEN
      RAISE EXCEPTION '{IMMUTABLE_TH} (welfare claim % is paid)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'reversed'
     OR (OLD.status = 'paid' AND (NEW.status <> 'reversed' OR {_pg_changed()})) THEN
    RAISE EXCEPTION '{IMMUTABLE_TH} (welfare claim % is paid)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
""",
    """
CREATE TRIGGER welfare_welfareclaim_immutable BEFORE UPDATE OR DELETE ON welfare_welfareclaim
  FOR EACH ROW EXECUTE FUNCTION welfare_welfareclaim_guard();
""",
]

PG_REVERSE = [
    "DROP TRIGGER IF EXISTS welfare_welfareclaim_immutable ON welfare_welfareclaim;",
    "DROP FUNCTION IF EXISTS welfare_welfareclaim_guard();",
]

SQLITE_FORWARD = [
    f"""
CREATE TRIGGER welfare_welfareclaim_immutable_update BEFORE UPDATE ON welfare_welfareclaim
FOR EACH ROW WHEN OLD.status = 'reversed'
  OR (OLD.status = 'paid' AND (NEW.status <> 'reversed' OR {_sqlite_changed()}))
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (welfare claim is paid)'); END;
""",
    f"""
CREATE TRIGGER welfare_welfareclaim_immutable_delete BEFORE DELETE ON welfare_welfareclaim
FOR EACH ROW WHEN OLD.status IN ('paid', 'reversed')
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (welfare claim is paid)'); END;
""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS welfare_welfareclaim_immutable_delete;",
    "DROP TRIGGER IF EXISTS welfare_welfareclaim_immutable_update;",
]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # another backend: the services still never edit a paid claim
        return
    for sql in statements[0 if forward else 1]:
        # No params: the PL/pgSQL body contains a literal % placeholder of RAISE.
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(schema_editor, forward=True)


def uninstall(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("welfare", "0002_seed_schemes")]
    operations = [migrations.RunPython(install, uninstall)]
