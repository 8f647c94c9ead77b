"""Database guards for the ledger's two invariants, so that no code path (raw SQL, a shell,
a future bug) can break them:

1. Posted vouchers are immutable. A journal entry is born a draft; once posted, neither it nor
   its lines can be updated or deleted, and no line can be added to it (both databases).
2. Posted vouchers balance. PostgreSQL: DEFERRABLE INITIALLY DEFERRED constraint triggers check
   each entry that becomes posted, and the entry of every changed or removed line, at commit.
   Inserted lines are not checked one by one: a line can only be inserted into a draft (guard 1),
   and the entry is checked when it is posted; a per-inserted-line check would cost O(lines²)
   for a large batch voucher. SQLite: the draft → posted flip checks the lines, which
   is enough there because lines of a posted entry can no longer change.
"""

from django.db import migrations

POSTED_IMMUTABLE_TH = "ใบสำคัญที่ผ่านรายการแล้วแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"
BORN_DRAFT_TH = "ใบสำคัญต้องบันทึกเป็นร่างก่อนแล้วจึงผ่านรายการ"
UNBALANCED_TH = "ใบสำคัญที่ผ่านรายการต้องมีรายการและเดบิตเท่ากับเครดิต"

PG_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION ledger_journalentry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    RAISE EXCEPTION '{BORN_DRAFT_TH} (journal entries are inserted as drafts, then posted)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RAISE EXCEPTION '{POSTED_IMMUTABLE_TH} (journal entry % is posted and immutable)', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
""",
    """
CREATE TRIGGER ledger_journalentry_born_draft BEFORE INSERT ON ledger_journalentry
  FOR EACH ROW WHEN (NEW.status = 'posted') EXECUTE FUNCTION ledger_journalentry_guard();
""",
    """
CREATE TRIGGER ledger_journalentry_immutable BEFORE UPDATE OR DELETE ON ledger_journalentry
  FOR EACH ROW WHEN (OLD.status = 'posted') EXECUTE FUNCTION ledger_journalentry_guard();
""",
    f"""
CREATE OR REPLACE FUNCTION ledger_journalline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_entry bigint;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE')
     AND EXISTS (SELECT 1 FROM ledger_journalentry WHERE id = OLD.entry_id AND status = 'posted') THEN
    v_entry := OLD.entry_id;
  ELSIF TG_OP IN ('INSERT', 'UPDATE')
     AND EXISTS (SELECT 1 FROM ledger_journalentry WHERE id = NEW.entry_id AND status = 'posted') THEN
    v_entry := NEW.entry_id;
  END IF;
  IF v_entry IS NOT NULL THEN
    RAISE EXCEPTION '{POSTED_IMMUTABLE_TH} (lines of posted journal entry % are immutable)', v_entry
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
""",
    """
CREATE TRIGGER ledger_journalline_immutable BEFORE INSERT OR UPDATE OR DELETE ON ledger_journalline
  FOR EACH ROW EXECUTE FUNCTION ledger_journalline_guard();
""",
    f"""
CREATE OR REPLACE FUNCTION ledger_entry_balance_check(p_entry bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_status text;
  v_lines bigint;
  v_debit numeric;
  v_credit numeric;
BEGIN
  SELECT status INTO v_status FROM ledger_journalentry WHERE id = p_entry;
  IF v_status IS DISTINCT FROM 'posted' THEN
    RETURN;
  END IF;
  SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0)
    INTO v_lines, v_debit, v_credit
    FROM ledger_journalline WHERE entry_id = p_entry;
  IF v_lines = 0 OR v_debit <> v_credit THEN
    RAISE EXCEPTION '{UNBALANCED_TH}: เดบิต % เครดิต % (posted journal entry % does not balance)',
      v_debit, v_credit, p_entry USING ERRCODE = 'check_violation';
  END IF;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION ledger_journalline_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM ledger_entry_balance_check(OLD.entry_id);
    RETURN NULL;
  END IF;
  PERFORM ledger_entry_balance_check(NEW.entry_id);
  IF TG_OP = 'UPDATE' AND OLD.entry_id <> NEW.entry_id THEN
    PERFORM ledger_entry_balance_check(OLD.entry_id);
  END IF;
  RETURN NULL;
END $$;
""",
    """
CREATE CONSTRAINT TRIGGER ledger_journalline_balanced
  AFTER UPDATE OR DELETE ON ledger_journalline
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_journalline_balanced();
""",
    """
CREATE OR REPLACE FUNCTION ledger_journalentry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_entry_balance_check(NEW.id);
  RETURN NULL;
END $$;
""",
    """
CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced
  AFTER INSERT OR UPDATE ON ledger_journalentry
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.status = 'posted') EXECUTE FUNCTION ledger_journalentry_balanced();
""",
]

PG_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_journalentry;",
    "DROP TRIGGER IF EXISTS ledger_journalline_balanced ON ledger_journalline;",
    "DROP TRIGGER IF EXISTS ledger_journalline_immutable ON ledger_journalline;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_immutable ON ledger_journalentry;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_born_draft ON ledger_journalentry;",
    "DROP FUNCTION IF EXISTS ledger_journalentry_balanced();",
    "DROP FUNCTION IF EXISTS ledger_journalline_balanced();",
    "DROP FUNCTION IF EXISTS ledger_entry_balance_check(bigint);",
    "DROP FUNCTION IF EXISTS ledger_journalline_guard();",
    "DROP FUNCTION IF EXISTS ledger_journalentry_guard();",
]

# SQLite stores decimals as REAL, so the balance is compared in whole satang as integers.
SQLITE_FORWARD = [
    f"""
CREATE TRIGGER ledger_journalentry_born_draft BEFORE INSERT ON ledger_journalentry
FOR EACH ROW WHEN NEW.status = 'posted'
BEGIN SELECT RAISE(ABORT, '{BORN_DRAFT_TH} (journal entries are inserted as drafts, then posted)'); END;
""",
    f"""
CREATE TRIGGER ledger_journalentry_immutable_update BEFORE UPDATE ON ledger_journalentry
FOR EACH ROW WHEN OLD.status = 'posted'
BEGIN SELECT RAISE(ABORT, '{POSTED_IMMUTABLE_TH} (posted journal entry is immutable)'); END;
""",
    f"""
CREATE TRIGGER ledger_journalentry_immutable_delete BEFORE DELETE ON ledger_journalentry
FOR EACH ROW WHEN OLD.status = 'posted'
BEGIN SELECT RAISE(ABORT, '{POSTED_IMMUTABLE_TH} (posted journal entry is immutable)'); END;
""",
    f"""
CREATE TRIGGER ledger_journalentry_balanced AFTER UPDATE OF status ON ledger_journalentry
FOR EACH ROW WHEN NEW.status = 'posted' AND (
  NOT EXISTS (SELECT 1 FROM ledger_journalline WHERE entry_id = NEW.id)
  OR (SELECT sum(CAST(round(debit * 100) AS INTEGER)) - sum(CAST(round(credit * 100) AS INTEGER))
      FROM ledger_journalline WHERE entry_id = NEW.id) <> 0
)
BEGIN SELECT RAISE(ABORT, '{UNBALANCED_TH} (posted journal entry does not balance)'); END;
""",
    f"""
CREATE TRIGGER ledger_journalline_immutable_insert BEFORE INSERT ON ledger_journalline
FOR EACH ROW WHEN EXISTS (SELECT 1 FROM ledger_journalentry WHERE id = NEW.entry_id AND status = 'posted')
BEGIN SELECT RAISE(ABORT, '{POSTED_IMMUTABLE_TH} (lines of a posted journal entry are immutable)'); END;
""",
    f"""
CREATE TRIGGER ledger_journalline_immutable_update BEFORE UPDATE ON ledger_journalline
FOR EACH ROW WHEN EXISTS (
  SELECT 1 FROM ledger_journalentry WHERE id IN (OLD.entry_id, NEW.entry_id) AND status = 'posted'
)
BEGIN SELECT RAISE(ABORT, '{POSTED_IMMUTABLE_TH} (lines of a posted journal entry are immutable)'); END;
""",
    f"""
CREATE TRIGGER ledger_journalline_immutable_delete BEFORE DELETE ON ledger_journalline
FOR EACH ROW WHEN EXISTS (SELECT 1 FROM ledger_journalentry WHERE id = OLD.entry_id AND status = 'posted')
BEGIN SELECT RAISE(ABORT, '{POSTED_IMMUTABLE_TH} (lines of a posted journal entry are immutable)'); END;
""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_journalline_immutable_delete;",
    "DROP TRIGGER IF EXISTS ledger_journalline_immutable_update;",
    "DROP TRIGGER IF EXISTS ledger_journalline_immutable_insert;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_balanced;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_immutable_delete;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_immutable_update;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_born_draft;",
]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:  # another backend: the posting services still enforce both rules
        return
    for sql in statements[0 if forward else 1]:
        # No params: the PL/pgSQL bodies contain literal % placeholders of RAISE.
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(schema_editor, forward=True)


def uninstall(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_seed_chart_of_accounts")]
    operations = [migrations.RunPython(install, uninstall)]
