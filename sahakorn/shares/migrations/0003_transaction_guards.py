"""Posted share transactions are never updated or deleted (see sahakorn.core.dbguards)."""

from django.db import migrations

from sahakorn.core.dbguards import immutable_rows


class Migration(migrations.Migration):
    dependencies = [("shares", "0002_seed_rules")]
    operations = [
        immutable_rows(table="shares_sharetransaction", message="รายการหุ้นแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน")
    ]
