from django.db import migrations

from sahakorn.core.dbguards import immutable_rows, no_truncate_or_replace


class Migration(migrations.Migration):
    """Frozen bills and what their lines received never change: what changes after the freeze goes to
    next month's bill, and a correction of a receipt is a reversal in its sub-ledger."""

    dependencies = [("billing", "0001_initial")]

    operations = [
        immutable_rows(table="billing_bill", message="ใบเรียกเก็บที่ประมวลผลแล้วแก้ไขหรือลบไม่ได้"),
        immutable_rows(table="billing_billline", message="รายการเรียกเก็บที่ประมวลผลแล้วแก้ไขหรือลบไม่ได้"),
        immutable_rows(table="billing_linereceipt", message="การรับชำระตามรายการแก้ไขหรือลบไม่ได้"),
        no_truncate_or_replace(
            "billing_bill", "billing_billline", "billing_linereceipt", message="ข้อมูลเรียกเก็บแก้ไขหรือลบไม่ได้"
        ),
    ]
