"""Posted deposit transactions are never updated or deleted (see sahakorn.core.dbguards)."""

from django.db import migrations

from sahakorn.core.dbguards import immutable_rows


class Migration(migrations.Migration):
    dependencies = [("deposits", "0002_seed_products")]
    operations = [
        immutable_rows(
            table="deposits_deposittransaction", message="รายการเงินฝากแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"
        )
    ]
