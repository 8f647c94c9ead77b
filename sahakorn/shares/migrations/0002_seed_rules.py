import datetime as dt
from decimal import Decimal

from django.db import migrations

# The typical table from DOMAIN.md: salary ≤ 5,000 → 20 shares a month, each further 1,000 up
# to 16,000 adds 5 shares, ≤ 20,000 → 80, above that 100. A coop replaces it with its own
# by adding a new rules version.
BRACKETS = [(Decimal(5000 + 1000 * i), Decimal(20 + 5 * i)) for i in range(12)] + [
    (Decimal(20000), Decimal(80)),
    (None, Decimal(100)),
]


def seed(apps, schema_editor):
    ShareRules = apps.get_model("shares", "ShareRules")
    ShareBracket = apps.get_model("shares", "ShareBracket")
    rules = ShareRules.objects.create(
        effective_from=dt.date(1900, 1, 1),
        par_value=Decimal("10.00"),
        min_initial_shares=10,
        entrance_fee=Decimal("100.00"),
        max_extra_purchase=Decimal("100000.00"),
        holding_cap_ratio=Decimal("0.2000"),
        monthly_method="table",
        table_unit="shares",
        monthly_max_percent=Decimal("50.00"),
        monthly_floor_no_salary=Decimal("200.00"),
        default_consecutive_months=3,
        default_months_per_year=6,
        suspension_min_months=240,
        suspension_min_balance=Decimal("300000.00"),
        suspension_requires_debt_below_shares=True,
        note="ค่าเริ่มต้นของระบบ (แก้ไขโดยเพิ่มฉบับใหม่)",
    )
    ShareBracket.objects.bulk_create(
        ShareBracket(rules=rules, salary_up_to=upto, value=value) for upto, value in BRACKETS
    )


class Migration(migrations.Migration):
    dependencies = [("shares", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
