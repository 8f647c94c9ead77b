"""Dues are marked collected in place: billing marks every member's dues of the month collected in
one pass, millions of rows at 100,000 members (sixty-odd deaths a month × every association member).

- No index covers what the collection writes (``collected_on``, ``channel``, ``journal_entry``): the
  (membership, collected_on) index goes (the membership index serves a member's dues), and so do the
  indexes on ``journal_entry`` and ``levy`` (the (levy, membership) unique constraint serves a levy).
- On PostgreSQL the table's pages are filled half (``fillfactor``): each due is updated exactly once,
  and with room on its page and no indexed column changed the update is HOT (no index entries, no new
  page). Measured on 1.56 million dues: 26 s → 10 s.
- The collected-due guard fires only for a collected row (a WHEN clause evaluated by the executor,
  instead of calling the PL/pgSQL function for every row only to find it uncollected); its meaning is
  unchanged. SQLite's triggers already carry the same WHEN; they went with the table SQLite rebuilt
  for the altered fields and are installed again, with the INSERT OR REPLACE guard.
"""

import django.db.models.deletion
from django.db import migrations, models

from sahakorn.core.dbguards import replace_guard_after_sqlite_rebuild

IMMUTABLE_TH = "รายการฌาปนกิจที่ผ่านบัญชีแล้วแก้ไขหรือลบไม่ได้"

PG_FORWARD = [
    "ALTER TABLE funeral_funeraldue SET (fillfactor = 50);",
    "DROP TRIGGER IF EXISTS funeral_funeraldue_collected_immutable ON funeral_funeraldue;",
    """
CREATE TRIGGER funeral_funeraldue_collected_immutable BEFORE UPDATE OR DELETE ON funeral_funeraldue
  FOR EACH ROW WHEN (OLD.journal_entry_id IS NOT NULL) EXECUTE FUNCTION funeral_due_guard();
""",
]

PG_REVERSE = [
    "ALTER TABLE funeral_funeraldue RESET (fillfactor);",
    "DROP TRIGGER IF EXISTS funeral_funeraldue_collected_immutable ON funeral_funeraldue;",
    """
CREATE TRIGGER funeral_funeraldue_collected_immutable BEFORE UPDATE OR DELETE ON funeral_funeraldue
  FOR EACH ROW EXECUTE FUNCTION funeral_due_guard();
""",
]


SQLITE_FORWARD = [
    f"""
CREATE TRIGGER IF NOT EXISTS funeral_funeraldue_collected_immutable_{op} BEFORE {op.upper()} ON funeral_funeraldue
FOR EACH ROW WHEN OLD.journal_entry_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_TH} (collected due is immutable)'); END;
"""
    for op in ("update", "delete")
]


def _run(schema_editor, statements) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(schema_editor, PG_FORWARD)
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql, params=None)
        replace_guard_after_sqlite_rebuild(schema_editor, "funeral_funeraldue", IMMUTABLE_TH)


def uninstall(apps, schema_editor):
    _run(schema_editor, PG_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("funeral", "0005_truncate_replace_guards"),
        ("ledger", "0006_journalentry_approve_permission"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="funeraldue", name="funeral_fun_members_83a051_idx"),
        migrations.AlterField(
            model_name="funeraldue",
            name="journal_entry",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funeral_dues",
                to="ledger.journalentry",
            ),
        ),
        migrations.AlterField(
            model_name="funeraldue",
            name="levy",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dues",
                to="funeral.funerallevy",
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
