import datetime as dt
from decimal import Decimal

from django.db import migrations

# Three typical products, interest credited at the end of June and December. A coop edits them
# (and adds rate schedules with a later effective date) in the admin.
PRODUCTS = [
    dict(code="10", name="ออมทรัพย์", kind="savings", gl_role="deposit_savings", min_opening=Decimal("100.00"),
         min_balance=Decimal("0.00"), max_withdrawals_per_month=None, term_months=None, dormant_after_months=24,
         rates=[(Decimal("0.00"), Decimal("1.5000")), (Decimal("1000000.00"), Decimal("2.0000"))]),
    dict(code="20", name="ออมทรัพย์พิเศษ", kind="special_savings", gl_role="deposit_special_savings",
         min_opening=Decimal("1000.00"), min_balance=Decimal("1000.00"), max_withdrawals_per_month=2,
         term_months=None, dormant_after_months=24,
         rates=[(Decimal("0.00"), Decimal("2.5000")), (Decimal("500000.00"), Decimal("3.0000"))]),
    dict(code="30", name="ประจำ 12 เดือน", kind="fixed_term", gl_role="deposit_fixed",
         min_opening=Decimal("1000.00"), min_balance=Decimal("0.00"), max_withdrawals_per_month=None,
         term_months=12, dormant_after_months=None, rates=[(Decimal("0.00"), Decimal("3.2500"))]),
]
EFFECTIVE_FROM = dt.date(2000, 1, 1)


def seed(apps, schema_editor):
    DepositProduct = apps.get_model("deposits", "DepositProduct")
    DepositRate = apps.get_model("deposits", "DepositRate")
    for spec in PRODUCTS:
        spec = dict(spec)
        rates = spec.pop("rates")
        product = DepositProduct.objects.create(
            credit_months="6,12", interest_rounding="satang_half_up", early_withdrawal="savings_rate", **spec
        )
        DepositRate.objects.bulk_create(
            DepositRate(product=product, effective_from=EFFECTIVE_FROM, balance_from=b, annual_rate=r)
            for b, r in rates
        )


def unseed(apps, schema_editor):
    apps.get_model("deposits", "DepositRate").objects.all().delete()
    apps.get_model("deposits", "DepositProduct").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("deposits", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
