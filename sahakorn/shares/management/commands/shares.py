"""``sahakorn shares …``: the share-capital batch commands.

- ``check``: prove the sub-ledger (transactions = cached balances = GL control account); the same
  ``SUBLEDGER.reconcile`` that ``sahakorn reconcile`` runs with every other sub-ledger.
- ``monthly-run --period YYYY-MM [--posted-on YYYY-MM-DD]``: post a month's contributions.
- ``below-minimum [--on YYYY-MM-DD]``: members whose monthly shares are below the rules' minimum.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.core.commands import iso_date, iso_month
from sahakorn.core.months import month_end
from sahakorn.core.subledger import reconciled_check
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.shares.batch import members_below_minimum, monthly_contributions_run
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import MonthlyRun
from sahakorn.shares.subledger import SUBLEDGER

SHOW_AT_MOST = 20


class Command(BaseCommand):
    help = "ทุนเรือนหุ้น (share capital): check, monthly-run, below-minimum"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="ตรวจทุนเรือนหุ้นกับบัญชีแยกประเภท / reconcile shares with the GL")
        check.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default: everything)")
        run = actions.add_parser("monthly-run", help="ประมวลผลหุ้นรายเดือน / post a month's contributions")
        run.add_argument("--period", type=iso_month, required=True, help="the month, YYYY-MM (C.E.)")
        run.add_argument(
            "--posted-on", type=iso_date, default=None, help="voucher date (default: the month's last day)"
        )
        below = actions.add_parser(
            "below-minimum", help="สมาชิกที่ส่งหุ้นรายเดือนต่ำกว่าขั้นต่ำ / members below the minimum"
        )
        below.add_argument(
            "--on", type=iso_date, default=None, help="rules in force on YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "check":
                self.check_shares(as_of=options["as_of"])
            elif action == "monthly-run":
                self.monthly_run(period=options["period"], posted_on=options["posted_on"])
            else:
                self.below_minimum(on=options["on"] or dt.date.today())
        except (ShareError, LedgerError) as e:
            raise CommandError(str(e)) from None

    def check_shares(self, *, as_of: dt.date | None) -> None:
        reconciled_check(self, SUBLEDGER.reconcile(as_of=as_of))

    def monthly_run(self, *, period: dt.date, posted_on: dt.date | None) -> None:
        posted_on = posted_on or month_end(period)
        started = time.perf_counter()
        steps = iter(range(1, 6))

        def progress(message: str) -> None:
            self.stdout.write(f"  [{next(steps, 5)}/5] {message} … {time.perf_counter() - started:.1f} s")

        self.stdout.write(f"หุ้นรายเดือน{format_be_date(period, 'month')} ลงวันที่ {format_be_date(posted_on)}")
        already = MonthlyRun.objects.filter(period=period.replace(day=1)).exists()
        run = monthly_contributions_run(period=period, posted_on=posted_on, progress=progress)
        voucher = run.journal_entry.voucher_label if run.journal_entry_id else "-"
        prefix = (
            f"เดือนนี้ประมวลผลไปแล้วเมื่อ {format_be_date(run.finished_at)} ไม่บันทึกซ้ำ / already run, nothing posted:"
            if already
            else "ประมวลผลหุ้นรายเดือนแล้ว / monthly run done:"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} สมาชิก {run.members:,} ราย {run.shares:,} หุ้น {run.amount:,.2f} บาท "
                f"ใบสำคัญ {voucher}; {time.perf_counter() - started:.1f} s"
            )
        )
        if run.over_cap:
            self.stdout.write(
                self.style.WARNING(
                    f"ไม่เรียกเก็บ {len(run.over_cap):,} ราย เพราะเกินเพดานการถือหุ้น (พ.ร.บ.สหกรณ์ มาตรา 33(3)) "
                    f"/ {len(run.over_cap):,} members left out, over the holding cap:"
                )
            )
            for row in run.over_cap[:SHOW_AT_MOST]:
                self.stdout.write(
                    f"  {row['number']} หุ้นรายเดือน {row['shares']:,} หุ้น: {row['check']['figure']}"
                )
            if len(run.over_cap) > SHOW_AT_MOST:
                self.stdout.write(f"  … และอีก {len(run.over_cap) - SHOW_AT_MOST:,} ราย / and more")

    def below_minimum(self, *, on: dt.date) -> None:
        rows = members_below_minimum(on=on)
        header = f"{'เลขทะเบียน':<10} {'ชื่อ-สกุล':<34} {'หน่วย':<14} {'เงินเดือน':>12} {'ส่งอยู่':>7} {'ขั้นต่ำ':>7} {'ขาด':>6}"
        self.stdout.write(f"สมาชิกที่ส่งหุ้นรายเดือนต่ำกว่าขั้นต่ำตามระเบียบที่มีผล {format_be_date(on)}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in rows:
            self.stdout.write(
                f"{r['number']:<10} {r['name'][:34]:<34} {r['unit_code'][:14]:<14} {r['salary']:>12,.2f} "
                f"{r['monthly_shares']:>7,} {r['min_shares']:>7,} {r['shortfall_shares']:>6,}"
            )
        total = sum(r["shortfall_amount"] for r in rows)
        self.stdout.write(
            f"รวม {len(rows):,} ราย ขาดรวม {total:,.2f} บาท ต่อเดือน / {len(rows):,} members below"
        )
