"""``sahakorn reconcile [--as-of YYYY-MM-DD] [--only KEY …]``: every sub-ledger against the GL, and the GL itself.

Runs each sub-ledger's ``reconcile`` (``core.subledger``): shares, loans, deposits, welfare, the
funeral association and the ledger's own proof that every voucher balances. Prints each one's lines
and exits non-zero when any fails, so it can run in cron or CI against a production copy. The
per-app ``check`` commands (``sahakorn shares check`` …) run the same code for one sub-ledger.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.core.commands import iso_date
from sahakorn.core.subledger import reconciled_write, reconciliations, subledgers


class Command(BaseCommand):
    help = "กระทบยอดทุกระบบย่อยกับบัญชีแยกประเภท / reconcile every sub-ledger with the general ledger"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default: everything)")
        parser.add_argument(
            "--only", nargs="+", default=(), metavar="KEY", help="only these sub-ledgers (shares, loans, …)"
        )

    def handle(self, *args, as_of: dt.date | None, only, **options) -> None:
        known = {item.key for item in subledgers()}
        unknown = [key for key in only if key not in known]
        if unknown:
            raise CommandError(
                f"ไม่รู้จักระบบย่อย / unknown sub-ledger: {', '.join(unknown)} (มี / known: {', '.join(sorted(known))})"
            )
        results = reconciliations(as_of=as_of, only=only)
        failed = reconciled_write(self, results, titled=True)
        if failed:
            raise CommandError(f"กระทบยอดไม่ผ่าน / reconcile FAILED: {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(f"กระทบยอดผ่านทั้งหมด / all {len(results)} reconciled"))
