import datetime as dt
from decimal import Decimal

from django.db import migrations

EFFECTIVE_FROM = dt.date(2000, 1, 1)

# Three typical products; a coop edits them (and adds versions with a later effective date) in the admin.
PRODUCTS = [
    dict(
        code="10", name="เงินกู้ฉุกเฉิน", family="emergency",
        rules=dict(annual_rate=Decimal("6.000"), max_amount=Decimal("50000.00"), max_installments=12,
                   repayment_style="equal_installment", installment_rounding="ten_baht_up",
                   salary_multiple=Decimal("2.00")),
        bands=[],
    ),
    dict(
        code="20", name="เงินกู้สามัญ", family="ordinary",
        rules=dict(annual_rate=Decimal("6.500"), max_amount=Decimal("1000000.00"), max_installments=120,
                   repayment_style="equal_installment", installment_rounding="ten_baht_up",
                   salary_multiple=Decimal("40.00"), min_share_percent=Decimal("10.00"),
                   min_membership_months=6, net_pay_min_percent=Decimal("30.00"),
                   net_pay_min_amount=Decimal("3000.00"), max_age_at_end=70),
        bands=[(Decimal("200000.00"), 1), (Decimal("500000.00"), 2), (Decimal("800000.00"), 3),
               (Decimal("1500000.00"), 4), (None, 5)],
    ),
    dict(
        code="30", name="เงินกู้พิเศษเพื่อที่อยู่อาศัย", family="special",
        rules=dict(annual_rate=Decimal("5.750"), max_amount=Decimal("3000000.00"), max_installments=300,
                   repayment_style="equal_principal", installment_rounding="ten_baht_up",
                   earns_average_return=False),
        bands=[],
    ),
]  # fmt: skip


def seed(apps, schema_editor):
    LoanProduct = apps.get_model("loans", "LoanProduct")
    LoanProductRules = apps.get_model("loans", "LoanProductRules")
    GuarantorBand = apps.get_model("loans", "GuarantorBand")
    GuaranteeRules = apps.get_model("loans", "GuaranteeRules")
    for spec in PRODUCTS:
        product = LoanProduct.objects.create(code=spec["code"], name=spec["name"], family=spec["family"])
        rules = LoanProductRules.objects.create(
            product=product, effective_from=EFFECTIVE_FROM, note="ค่าเริ่มต้นของระบบ", **spec["rules"]
        )
        GuarantorBand.objects.bulk_create(
            GuarantorBand(rules=rules, amount_up_to=upto, guarantors=n) for upto, n in spec["bands"]
        )
    GuaranteeRules.objects.create(
        effective_from=EFFECTIVE_FROM,
        max_contracts_per_guarantor=3,
        min_membership_months=12,
        member_types="ordinary",
    )


def unseed(apps, schema_editor):
    apps.get_model("loans", "GuaranteeRules").objects.all().delete()
    apps.get_model("loans", "GuarantorBand").objects.all().delete()
    apps.get_model("loans", "LoanProductRules").objects.all().delete()
    apps.get_model("loans", "LoanProduct").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
