"""Deposit transactions can be neither truncated (PostgreSQL) nor replaced (SQLite): see sahakorn.core.dbguards."""

from django.db import migrations

from sahakorn.core.dbguards import no_truncate_or_replace


class Migration(migrations.Migration):
    dependencies = [("deposits", "0004_day_basis")]
    operations = [
        no_truncate_or_replace(
            "deposits_deposittransaction", message="รายการเงินฝากแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"
        )
    ]
