from django.db import migrations


def seed(apps, schema_editor):
    from sahakorn.ledger.chart import ACCOUNT_ROLES, chart_rows

    Account = apps.get_model("ledger", "Account")
    AccountRole = apps.get_model("ledger", "AccountRole")
    by_code = {}
    for row in chart_rows():  # parents come before children in the file
        by_code[row["code"]] = Account.objects.create(
            code=row["code"],
            name_th=row["name_th"],
            name_en=row["name_en"],
            category=row["category"],
            parent=by_code.get(row["parent_code"]) if row["parent_code"] else None,
        )
    for key, (code, description) in ACCOUNT_ROLES.items():
        AccountRole.objects.create(key=key, account=by_code[code], description=description)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
