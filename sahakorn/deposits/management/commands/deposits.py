"""``sahakorn deposits …``: the deposit batch commands.

- ``check [--as-of YYYY-MM-DD]``: prove the sub-ledger (transactions = cached balances = GL control accounts);
  the deposits' part of ``sahakorn reconcile``, run by the same code.
- ``interest-run --product CODE --period-end YYYY-MM-DD [--posted-on YYYY-MM-DD]``: credit a period's interest.
- ``mark-dormant [--on YYYY-MM-DD]``: mark accounts without movement as dormant.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.core.commands import iso_date
from sahakorn.core.dates import today
from sahakorn.core.subledger import reconciled_check
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.batch import deposit_interest_run, deposits_mark_dormant
from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import DepositProduct, InterestRun
from sahakorn.deposits.subledger import SUBLEDGER
from sahakorn.ledger.errors import LedgerError


class Command(BaseCommand):
    help = "เงินฝาก (deposits): check, interest-run, mark-dormant"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="ตรวจเงินฝากกับบัญชีแยกประเภท / reconcile deposits with the GL")
        check.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default: everything)")
        run = actions.add_parser("interest-run", help="ประมวลผลดอกเบี้ยเงินฝาก / credit a period's interest")
        run.add_argument("--product", required=True, help="product code, e.g. 10")
        run.add_argument(
            "--period-end", type=iso_date, required=True, help="last day of the period, YYYY-MM-DD"
        )
        run.add_argument(
            "--posted-on", type=iso_date, default=None, help="voucher date (default: the period end)"
        )
        dormant = actions.add_parser("mark-dormant", help="บัญชีพักการเคลื่อนไหว / mark dormant accounts")
        dormant.add_argument("--on", type=iso_date, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "check":
                self.check_deposits(as_of=options["as_of"])
            elif action == "interest-run":
                self.interest_run(code=options["product"], period_end=options["period_end"],
                                  posted_on=options["posted_on"])  # fmt: skip
            else:
                on = options["on"] or today()
                marked = deposits_mark_dormant(on=on)
                self.stdout.write(self.style.SUCCESS(
                    f"บัญชีพักการเคลื่อนไหว ณ {format_be_date(on)}: {marked:,} บัญชี / {marked:,} accounts marked dormant"
                ))  # fmt: skip
        except (DepositError, LedgerError) as e:
            raise CommandError(str(e)) from None

    def check_deposits(self, *, as_of: dt.date | None) -> None:
        # The same reconciliation ``sahakorn reconcile`` runs; its last line is the verdict.
        reconciled_check(self, SUBLEDGER.reconcile(as_of=as_of))

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
