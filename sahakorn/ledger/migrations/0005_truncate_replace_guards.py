"""Vouchers and their lines can be neither truncated (PostgreSQL) nor replaced (SQLite).

Migration 0003 guards posted vouchers row by row (a draft stays editable). TRUNCATE (PostgreSQL) and
INSERT OR REPLACE (SQLite: it deletes the row it collides with without firing DELETE triggers, so a
posted voucher could come back as a draft) go round row triggers; the guards of
``sahakorn.core.dbguards.no_truncate_or_replace`` refuse both, for drafts too (no service truncates
or replaces a voucher; a draft is edited or deleted row by row)."""

from django.db import migrations

from sahakorn.core.dbguards import no_truncate_or_replace


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_entry_source_funeral")]
    operations = [
        no_truncate_or_replace(
            "ledger_journalentry",
            "ledger_journalline",
            message="ใบสำคัญที่ผ่านรายการแล้วแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน",
        )
    ]
