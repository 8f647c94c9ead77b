"""Welfare claims can be neither truncated (PostgreSQL) nor replaced (SQLite): see sahakorn.core.dbguards.

Migration 0003 guards a paid claim row by row; TRUNCATE and INSERT OR REPLACE go round row triggers."""

from django.db import migrations

from sahakorn.core.dbguards import no_truncate_or_replace


class Migration(migrations.Migration):
    dependencies = [("welfare", "0004_welfareclaim_maker_checker")]
    operations = [
        no_truncate_or_replace(
            "welfare_welfareclaim", message="คำขอสวัสดิการที่จ่ายแล้วแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"
        )
    ]
