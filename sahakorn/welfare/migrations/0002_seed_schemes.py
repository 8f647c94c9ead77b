import datetime as dt
from decimal import Decimal

from django.db import migrations

# The schemes a typical teachers' savings coop runs; a coop edits them in the admin.
SCHEMES = [
    {
        "code": "SCH-CHILD",
        "name": "ทุนการศึกษาบุตร",
        "kind": "scholarship",
        "fund_role": "scholarship_fund",
        "amount_rule": "by_level",
        "min_membership_months": 12,
        "max_per_year": 1,
        "per_beneficiary": True,
        "requires_beneficiary": True,
        "requires_documents": "สำเนาสูติบัตรบุตร, หนังสือรับรองการเป็นนักเรียน/นักศึกษาปีการศึกษาปัจจุบัน",
        "levels": [
            ("primary", "ประถมศึกษา", Decimal("1000.00")),
            ("secondary", "มัธยมศึกษา", Decimal("1500.00")),
            ("bachelor", "ปริญญาตรี", Decimal("3000.00")),
        ],
    },
    {
        "code": "WF-BIRTH",
        "name": "สวัสดิการรับขวัญบุตร",
        "kind": "birth",
        "amount_rule": "fixed",
        "amount": Decimal("2000.00"),
        "max_lifetime": 1,
        "per_beneficiary": True,
        "requires_beneficiary": True,
        "event_within_days": 180,
        "requires_documents": "สำเนาสูติบัตรบุตร (ยื่นภายใน 180 วันนับจากวันเกิด)",
    },
    {
        "code": "WF-HOSP",
        "name": "สวัสดิการรักษาพยาบาล (ผู้ป่วยใน)",
        "kind": "illness",
        "amount_rule": "per_day",
        "amount": Decimal("300.00"),
        "max_days_per_year": 10,
        "event_within_days": 90,
        "requires_documents": "ใบรับรองแพทย์หรือใบเสร็จโรงพยาบาลที่ระบุวันเข้าและออกจากโรงพยาบาล",
    },
    {
        "code": "WF-SENIOR",
        "name": "สวัสดิการสมาชิกอาวุโส",
        "kind": "long_membership",
        "amount_rule": "fixed",
        "amount": Decimal("5000.00"),
        "min_membership_months": 300,
        "min_age_years": 60,
        "max_lifetime": 1,
        "requires_documents": "สำเนาบัตรประจำตัวประชาชน",
    },
    {
        "code": "WF-PENSION",
        "name": "กองทุนสวัสดิการบำนาญ",
        "kind": "pension",
        "amount_rule": "fixed",
        "amount": Decimal("1200.00"),
        "min_age_years": 60,
        "max_per_year": 1,
        "requires_documents": "หนังสือรับรองการรับบำนาญ",
    },
]


def seed(apps, schema_editor):
    WelfareScheme = apps.get_model("welfare", "WelfareScheme")
    SchemeAmount = apps.get_model("welfare", "SchemeAmount")
    for data in SCHEMES:
        data = dict(data)
        levels = data.pop("levels", [])
        scheme = WelfareScheme.objects.create(valid_from=dt.date(2000, 1, 1), **data)
        SchemeAmount.objects.bulk_create(
            SchemeAmount(scheme=scheme, level=level, label=label, amount=amount, position=n)
            for n, (level, label, amount) in enumerate(levels)
        )


def unseed(apps, schema_editor):
    WelfareScheme = apps.get_model("welfare", "WelfareScheme")
    WelfareScheme.objects.filter(code__in=[s["code"] for s in SCHEMES], claims__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
