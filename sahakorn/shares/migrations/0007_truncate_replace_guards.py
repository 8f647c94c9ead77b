"""Share transactions can be neither truncated (PostgreSQL) nor replaced (SQLite): see sahakorn.core.dbguards."""

from django.db import migrations

from sahakorn.core.dbguards import no_truncate_or_replace


class Migration(migrations.Migration):
    dependencies = [("shares", "0006_sharerequest_maker_checker")]
    operations = [
        no_truncate_or_replace("shares_sharetransaction", message="รายการหุ้นแก้ไขหรือลบไม่ได้ ให้กลับรายการแทน")
    ]
