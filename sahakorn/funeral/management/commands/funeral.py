"""``sahakorn funeral check [--as-of YYYY-MM-DD]``: prove the funeral sub-ledger equals its GL liability."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.funeral.reconcile import funeral_reconcile


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"วันที่ต้องเป็น YYYY-MM-DD (ค.ศ.) เช่น 2026-11-30 (ได้ “{text}”)"
        ) from None


class Command(BaseCommand):
    help = "สมาคมฌาปนกิจสงเคราะห์ (funeral aid association): check"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="ตรวจเงินสงเคราะห์กับบัญชีแยกประเภท / reconcile with the GL")
        check.add_argument("--as-of", type=_day, default=None, help="YYYY-MM-DD (default: everything)")

    def handle(self, *args, action: str, **options) -> None:
        result = funeral_reconcile(as_of=options["as_of"])
        width = max(len(label) for label, _ in result.lines)
        for label, figure in result.lines:
            self.stdout.write(f"  {label:<{width}}  {figure:>22}")
        if not result.ok:
            raise CommandError("ตรวจเงินสงเคราะห์ศพไม่ผ่าน / funeral check FAILED")
        self.stdout.write(self.style.SUCCESS("ตรวจเงินสงเคราะห์ศพผ่าน / funeral check OK"))
