"""``sahakorn loans …``: the loan batch commands.

- ``check [--as-of YYYY-MM-DD]``: reconcile the loan sub-ledger with the GL, per family (the loans'
  part of ``sahakorn reconcile``, ``loans.subledger``).
- ``accrual-run --period-end YYYY-MM-DD``: accrue the month-end interest of every active contract.
- ``rate-change --product CODE --effective-from YYYY-MM-DD [--installment keep|recompute]``: apply
  the rate of the product's rules version starting that day to every active contract paid out
  before it (rate history, schedule re-stored, installment kept or recomputed, the member told).
- ``calc FILE.json``: print a repayment schedule as JSON (docs/loan-calculator.md); bad input names
  its key on stderr and exits with status 2.
"""

import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.core.commands import iso_date
from sahakorn.core.subledger import reconciled_check
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.loans.batch import loan_interest_accrual_run
from sahakorn.loans.calculator import (
    M_UNREADABLE,
    InputProblem,
    LoanCalcInputError,
    loan_calc_json_dump,
    loan_calc_json_load,
    loan_calc_run,
)
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import AccrualRun, InstallmentPolicy, LoanProduct
from sahakorn.loans.rates import loan_product_rate_apply
from sahakorn.loans.subledger import SUBLEDGER

SHOW_AT_MOST = 20


class Command(BaseCommand):
    help = "เงินกู้ (loans): check, accrual-run"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="ตรวจลูกหนี้เงินกู้กับบัญชีแยกประเภท / reconcile loans with the GL")
        check.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default: everything)")
        run = actions.add_parser("accrual-run", help="ตั้งดอกเบี้ยค้างรับสิ้นเดือน / month-end interest accrual")
        run.add_argument(
            "--period-end", type=iso_date, required=True, help="the month-end, YYYY-MM-DD (C.E.)"
        )
        rate = actions.add_parser(
            "rate-change", help="ใช้อัตราดอกเบี้ยใหม่กับสัญญาคงค้าง / apply a new rate to contracts"
        )
        rate.add_argument("--product", required=True, help="product code, e.g. 20")
        rate.add_argument(
            "--effective-from", type=iso_date, required=True, help="the new rules version's date"
        )
        rate.add_argument(
            "--installment",
            choices=InstallmentPolicy.values,
            default=InstallmentPolicy.KEEP,
            help="keep: คงค่างวดเดิม (default); recompute: คำนวณค่างวดใหม่ / keep or recompute the installment",
        )
        calc = actions.add_parser(
            "calc", help="คำนวณตารางผ่อนชำระเป็น JSON / print a repayment schedule as JSON"
        )
        calc.add_argument(
            "file", metavar="FILE.json", help="the input (docs/loan-calculator.md); - reads stdin"
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "calc":
            self.calc(path=options["file"])
            return
        try:
            if action == "check":
                self.check_loans(as_of=options["as_of"])
            elif action == "rate-change":
                self.rate_change(
                    code=options["product"],
                    effective_from=options["effective_from"],
                    policy=options["installment"],
                )
            else:
                self.accrual_run(period_end=options["period_end"])
        except (LedgerError, LoanError) as e:
            raise CommandError(str(e)) from None

    def check_loans(self, *, as_of: dt.date | None) -> None:
        # The same reconciliation ``sahakorn reconcile`` runs; its last line is the verdict.
        reconciled_check(self, SUBLEDGER.reconcile(as_of=as_of))

    def accrual_run(self, *, period_end: dt.date) -> None:
        started = time.perf_counter()
        already = AccrualRun.objects.filter(period_end=period_end).exists()
        run = loan_interest_accrual_run(period_end=period_end)
        prefix = (
            "ตั้งดอกเบี้ยค้างรับวันนี้ไปแล้ว ไม่บันทึกซ้ำ / already run, nothing posted:"
            if already
            else "ตั้งดอกเบี้ยค้างรับแล้ว / accrual done:"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} {format_be_date(period_end)} สัญญา {run.contracts:,} ราย {run.amount:,.2f} บาท; "
                f"{time.perf_counter() - started:.1f} s"
            )
        )

    def rate_change(self, *, code: str, effective_from: dt.date, policy: str) -> None:
        product = LoanProduct.objects.filter(code=code).first()
        if product is None:
            raise CommandError(f"ไม่พบประเภทเงินกู้รหัส {code} / no such product")
        result = loan_product_rate_apply(
            product=product, effective_from=effective_from, by=None, installment_policy=policy
        )
        for number, why in result.skipped[:SHOW_AT_MOST]:
            self.stderr.write(f"ข้ามสัญญา {number}: {why}")
        if len(result.skipped) > SHOW_AT_MOST:
            self.stderr.write(f"… และอีก {len(result.skipped) - SHOW_AT_MOST:,} สัญญา / and more")
        for number, charged_to in result.charged_beyond[:SHOW_AT_MOST]:
            self.stderr.write(
                f"สัญญา {number}: คิดดอกเบี้ยถึง {format_be_date(charged_to)} ด้วยอัตราเดิมแล้ว "
                "ส่วนต่างก่อนวันนั้นไม่ถูกคิดใหม่ (คืนหรือเรียกเก็บเพิ่มตามมติ) / charged at the old rate"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"ประเภท {product} อัตรา {result.annual_rate}% ตั้งแต่ {format_be_date(effective_from)}: "
                f"เปลี่ยน {len(result.changed):,} สัญญา ข้าม {len(result.skipped):,} สัญญา "
                f"/ changed {len(result.changed):,}, skipped {len(result.skipped):,}"
            )
        )

    def calc(self, *, path: str) -> None:
        # Exit status 2 (bad input, as argparse uses) with one "key: ไทย / English" line per problem
        # and no "CommandError:" prefix, so other programs can read stderr as it is.
        try:
            output = loan_calc_run(loan_calc_json_load(_read(path), source=path))
        except LoanCalcInputError as e:
            for problem in e.problems:
                self.stderr.write(problem.line())
            raise SystemExit(2) from None
        self.stdout.write(loan_calc_json_dump(output))


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8-sig") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        error = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise LoanCalcInputError([InputProblem(path, M_UNREADABLE, {"error": error})]) from None
