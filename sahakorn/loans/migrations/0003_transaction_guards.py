from django.db import migrations

from sahakorn.core.dbguards import immutable_rows


class Migration(migrations.Migration):
    dependencies = [("loans", "0002_seed_products")]

    operations = [
        immutable_rows(
            table="loans_loantransaction",
            message="รายการเงินกู้แก้ไขหรือลบไม่ได้ ให้กลับรายการแทน",
        )
    ]
