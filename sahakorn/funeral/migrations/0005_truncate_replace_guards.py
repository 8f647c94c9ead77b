"""Funeral payouts, remittances and dues can be neither truncated (PostgreSQL) nor replaced (SQLite):
see sahakorn.core.dbguards."""

from django.db import migrations

from sahakorn.core.dbguards import no_truncate_or_replace


class Migration(migrations.Migration):
    dependencies = [("funeral", "0004_deathclaim_maker_checker")]
    operations = [
        no_truncate_or_replace(
            "funeral_funeralpayout",
            "funeral_funeralremittance",
            "funeral_funeraldue",
            message="รายการฌาปนกิจที่ผ่านบัญชีแล้วแก้ไขหรือลบไม่ได้",
        )
    ]
