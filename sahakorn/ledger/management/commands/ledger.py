"""``sahakorn ledger check``: prove the general ledger is whole.

Every posted voucher balances (one GROUP BY over its lines), total debits equal total credits,
no posted voucher is empty and no line sits on a header account. Exits non-zero on any failure,
so it can run in cron or CI against a production copy.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.ledger.selectors import ledger_totals, unbalanced_entries

SHOW_AT_MOST = 20


class Command(BaseCommand):
    help = "General ledger tools (บัญชีแยกประเภท): check"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("check", help="ตรวจว่าทุกใบสำคัญสมดุล / prove every posted entry balances")

    def handle(self, *args, action: str, **options) -> None:
        if action == "check":
            self.check_ledger()

    def check_ledger(self) -> None:
        unbalanced = unbalanced_entries()
        totals = ledger_totals()
        problems = []
        for row in unbalanced[:SHOW_AT_MOST]:
            problems.append(
                f"ใบสำคัญ {row.voucher_label} (id {row.entry_id}) ไม่สมดุล / unbalanced: "
                f"Dr {row.debit_total:,.2f} Cr {row.credit_total:,.2f}"
            )
        if len(unbalanced) > SHOW_AT_MOST:
            problems.append(
                f"… และอีก {len(unbalanced) - SHOW_AT_MOST} ฉบับ / and {len(unbalanced) - SHOW_AT_MOST} more"
            )
        if totals.total_debit != totals.total_credit:
            problems.append(
                f"เดบิตรวมไม่เท่ากับเครดิตรวม / total debits differ from total credits: "
                f"Dr {totals.total_debit:,.2f} Cr {totals.total_credit:,.2f}"
            )
        if totals.empty_entries:
            problems.append(f"ใบสำคัญที่ไม่มีรายการ / posted entries without lines: {totals.empty_entries}")
        if totals.header_lines:
            problems.append(f"รายการที่ผ่านเข้าบัญชีคุม / lines posted to header accounts: {totals.header_lines}")

        summary = (
            f"ใบสำคัญ {totals.entries:,} ฉบับ {totals.lines:,} รายการ / {totals.entries:,} entries, "
            f"{totals.lines:,} lines · เดบิต Dr {totals.total_debit:,.2f} · เครดิต Cr {totals.total_credit:,.2f}"
        )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"ตรวจบัญชีไม่ผ่าน / ledger check FAILED ({len(problems)} ปัญหา / problems): {summary}"
            )
        self.stdout.write(self.style.SUCCESS(f"ตรวจบัญชีผ่าน / ledger check OK: {summary}"))
