import datetime as dt
from decimal import Decimal

from django.db import migrations


# A typical teachers' coop association: 20 baht a member for each death, 50 baht to join, and the
# dues collected for a death paid to the beneficiaries less a 5% admin fee kept by the association.
# A coop replaces it by adding a new version.
def seed(apps, schema_editor):
    FuneralSettings = apps.get_model("funeral", "FuneralSettings")
    FuneralSettings.objects.create(
        effective_from=dt.date(1900, 1, 1),
        dues_mode="per_death",
        per_death_amount=Decimal("20.00"),
        annual_amount=Decimal("0.00"),
        entrance_fee=Decimal("50.00"),
        payout_basis="collected",
        admin_fee_percent=Decimal("5.00"),
        fixed_payout=None,
        max_payout=None,
        note="ค่าเริ่มต้นของระบบ (แก้ไขโดยเพิ่มฉบับใหม่)",
    )


class Migration(migrations.Migration):
    dependencies = [("funeral", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
