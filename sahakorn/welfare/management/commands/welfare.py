"""``sahakorn welfare …``: the welfare commands.

- ``check [--as-of YYYY-MM-DD]``: paid minus reversed claims per fund equal the GL's welfare debits.
"""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.welfare.reconcile import welfare_reconcile

SHOW_AT_MOST = 20


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"วันที่ต้องเป็น YYYY-MM-DD (ค.ศ.) เช่น 2026-11-30 (ได้ “{text}”)"
        ) from None


class Command(BaseCommand):
    help = "สวัสดิการ (welfare): check"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "check", help="ตรวจการจ่ายสวัสดิการกับบัญชีแยกประเภท / reconcile welfare with the GL"
        )
        check.add_argument("--as-of", type=_day, default=None, help="YYYY-MM-DD (default: everything)")

    def handle(self, *args, action: str, **options) -> None:
        result = welfare_reconcile(as_of=options["as_of"])
        width = max(len(label) for label, _ in result.lines)
        for label, figure in result.lines:
            self.stdout.write(f"  {label:<{width}}  {figure:>18}")
        for fund in result.funds:
            for m in fund.mismatches[:SHOW_AT_MOST]:
                self.stderr.write(
                    f"คำขอสวัสดิการเลขที่ {m.claim_id} สมาชิก {m.member_number} จำนวน {m.amount:,.2f} บาท "
                    f"แต่ใบสำคัญเดบิต{fund.label} {m.voucher_debit:,.2f} บาท / claim voucher differs"
                )
        if not result.ok:
            raise CommandError("ตรวจสวัสดิการไม่ผ่าน / welfare check FAILED")
        self.stdout.write(self.style.SUCCESS("ตรวจสวัสดิการผ่าน / welfare check OK"))
