"""``sahakorn deposits …``: the deposit batch commands.

- ``check [--as-of YYYY-MM-DD]``: prove the sub-ledger (transactions = cached balances = GL control accounts).
- ``interest-run --product CODE --period-end YYYY-MM-DD [--posted-on YYYY-MM-DD]``: credit a period's interest.
- ``mark-dormant [--on YYYY-MM-DD]``: mark accounts without movement as dormant.
"""

import argparse
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.core.thai import format_be_date
from sahakorn.deposits.batch import deposit_interest_run, deposits_mark_dormant
from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import DepositProduct, InterestRun
from sahakorn.deposits.reconcile import deposits_reconcile
from sahakorn.ledger.errors import LedgerError

SHOW_AT_MOST = 20


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"วันที่ต้องเป็น YYYY-MM-DD (ค.ศ.) เช่น 2026-06-30 (ได้ “{text}”)"
        ) from None


class Command(BaseCommand):
    help = "เงินฝาก (deposits): check, interest-run, mark-dormant"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="ตรวจเงินฝากกับบัญชีแยกประเภท / reconcile deposits with the GL")
        check.add_argument("--as-of", type=_day, default=None, help="YYYY-MM-DD (default: everything)")
        run = actions.add_parser("interest-run", help="ประมวลผลดอกเบี้ยเงินฝาก / credit a period's interest")
        run.add_argument("--product", required=True, help="product code, e.g. 10")
        run.add_argument("--period-end", type=_day, required=True, help="last day of the period, YYYY-MM-DD")
        run.add_argument(
            "--posted-on", type=_day, default=None, help="voucher date (default: the period end)"
        )
        dormant = actions.add_parser("mark-dormant", help="บัญชีพักการเคลื่อนไหว / mark dormant accounts")
        dormant.add_argument("--on", type=_day, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "check":
                self.check_deposits(as_of=options["as_of"])
            elif action == "interest-run":
                self.interest_run(code=options["product"], period_end=options["period_end"],
                                  posted_on=options["posted_on"])  # fmt: skip
            else:
                on = options["on"] or dt.date.today()
                marked = deposits_mark_dormant(on=on)
                self.stdout.write(self.style.SUCCESS(
                    f"บัญชีพักการเคลื่อนไหว ณ {format_be_date(on)}: {marked:,} บัญชี / {marked:,} accounts marked dormant"
                ))  # fmt: skip
        except (DepositError, LedgerError) as e:
            raise CommandError(str(e)) from None

    def check_deposits(self, *, as_of: dt.date | None) -> None:
        result = deposits_reconcile(as_of=as_of)
        width = max(len(label) for label, _ in result.lines)
        for label, figure in result.lines:
            self.stdout.write(f"  {label:<{width}}  {figure:>22}")
        for r in result.roles:
            if not r.ok:
                self.stderr.write(
                    f"{r.role}: รายการ {r.transactions_amount:,.2f} ≠ บัญชีแยกประเภท {r.ledger_amount:,.2f} "
                    "/ sub-ledger differs from the GL"
                )
        for m in result.mismatches[:SHOW_AT_MOST]:
            self.stderr.write(
                f"บัญชี {m.number} ยอดคงเหลือ {m.cached:,.2f} แต่รายการรวม {m.transactions:,.2f} "
                f"ยอดคงเหลือในสมุดล่าสุด {m.last_running:,.2f} / cached balance differs"
            )
        if len(result.mismatches) > SHOW_AT_MOST:
            self.stderr.write(f"… และอีก {len(result.mismatches) - SHOW_AT_MOST:,} บัญชี / and more")
        if not result.ok:
            raise CommandError("ตรวจเงินฝากไม่ผ่าน / deposits check FAILED")
        self.stdout.write(self.style.SUCCESS("ตรวจเงินฝากผ่าน / deposits check OK"))

    def interest_run(self, *, code: str, period_end: dt.date, posted_on: dt.date | None) -> None:
        product = DepositProduct.objects.filter(code=code).first()
        if product is None:
            raise CommandError(f"ไม่พบประเภทเงินฝากรหัส {code} / no such product")
        started = time.perf_counter()
        already = InterestRun.objects.filter(product=product, period_end=period_end).exists()
        run = deposit_interest_run(product=product, period_end=period_end, posted_on=posted_on)
        voucher = run.journal_entry.voucher_label if run.journal_entry_id else "-"
        prefix = (
            "งวดนี้ประมวลผลไปแล้ว ไม่บันทึกซ้ำ / already run, nothing posted:"
            if already
            else "ประมวลผลดอกเบี้ยแล้ว / interest run done:"
        )
        self.stdout.write(self.style.SUCCESS(
            f"{prefix} {product.name} {format_be_date(run.period_start)} – {format_be_date(run.period_end)} "
            f"{run.accounts:,} บัญชี {run.amount:,.2f} บาท ใบสำคัญ {voucher}; {time.perf_counter() - started:.1f} s"
        ))  # fmt: skip
