"""Loan transactions and contract rates can be neither truncated (PostgreSQL) nor replaced (SQLite):
see sahakorn.core.dbguards."""

from django.db import migrations

from sahakorn.core.dbguards import no_truncate_or_replace


class Migration(migrations.Migration):
    dependencies = [("loans", "0006_maker_checker")]
    operations = [
        no_truncate_or_replace("loans_loantransaction", message="รายการเงินกู้แก้ไขหรือลบไม่ได้ ให้กลับรายการแทน"),
        no_truncate_or_replace(
            "loans_loancontractrate", message="ประวัติอัตราดอกเบี้ยของสัญญาแก้ไขหรือลบไม่ได้ ให้เพิ่มอัตราใหม่แทน"
        ),
    ]
