import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from sahakorn.core.thai import format_be_date
from sahakorn.generator.coop import GeneratorError, coop_generate

# The demo and a generated coop show two months billed by the real cycle (bills, receipts, arrears).
BILLING_MONTHS = 2


class Command(BaseCommand):
    help = "สร้างสหกรณ์ตัวอย่าง (Generate a realistic, deterministic coop into an empty database)"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=3000, help="number of members (default 3000)")
        parser.add_argument("--years", type=int, default=3, help="years of history (default 3)")
        parser.add_argument("--seed", type=int, default=2569, help="random seed: same seed, same coop")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                            help="the generated coop's today, YYYY-MM-DD (C.E.; default: today)")  # fmt: skip
        parser.add_argument("--billing-months", type=int, default=BILLING_MONTHS,
                            help=f"months before as-of's billed and posted by the real billing cycle "
                                 f"(default {BILLING_MONTHS}; 0: none)")  # fmt: skip
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for CI logs)")

    def handle(
        self, *args, members, years, seed, as_of, no_progress, billing_months=BILLING_MONTHS, **options
    ):
        started = time.perf_counter()
        try:
            coop = coop_generate(members=members, years=years, seed=seed, as_of=as_of,
                                 show_progress=not no_progress, billing_months=billing_months)  # fmt: skip
        except GeneratorError as e:
            raise CommandError(str(e)) from None
        elapsed = time.perf_counter() - started
        c = coop.counts
        self.stdout.write(
            f"สร้างสหกรณ์ตัวอย่างแล้ว: สมาชิก {c['members']:,} ราย (พ้นสภาพ {c['members_left']:,}), "
            f"หน่วยสังกัด {c['units']:,}, บัญชีหุ้น {c.get('share_accounts', 0):,}, "
            f"รายการหุ้น {c.get('share_transactions', 0):,}, ใบสำคัญ {c.get('journal_entries', 0):,}; "
            f"ประวัติตั้งแต่ {format_be_date(coop.history_start)} ถึง {format_be_date(coop.as_of)}, "
            f"เรียกเก็บรายเดือนด้วยรอบจริง {len(coop.billed_months)} เดือน; "
            f"seed {seed}; {elapsed:.1f} s"
        )
