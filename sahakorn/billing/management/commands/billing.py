"""``sahakorn billing …``: the monthly billing cycle (เรียกเก็บรายเดือน) from the command line.

- ``open --period YYYY-MM``: open the month, one cycle per pay group (idempotent).
- ``preview --period YYYY-MM [--group CODE] [--member NUMBER]``: what each member's bill would be and
  why it changed from last month (only members whose bill changes).
- ``freeze --period YYYY-MM [--group CODE]``: freeze the bills (once; a rerun changes nothing).
- ``files --period YYYY-MM --out DIR [--layout CODE]``: every unit's file (its own layout by default).
- ``import --period YYYY-MM --unit CODE --layout CODE --file PATH --remittance AMOUNT``: check a unit's
  returned file whole and keep it (nothing kept when any row is wrong; every bad row printed).
- ``post --period YYYY-MM --unit CODE``: post the unit's checked file, or its bills in full when it sent
  none (once; a rerun changes nothing). ``post --period YYYY-MM --all [--in-full]``: every unit not
  posted yet, together, each by its checked file (a unit without one is refused by name unless
  ``--in-full``).
- ``bank-file --period YYYY-MM --out DIR``: the bank's direct-debit file of the members who pay by bank.
- ``bank-post --period YYYY-MM [--short CSV]``: post the bank's debits, all in full except the bank's
  short list (member number, amount debited), checked whole.
- ``reconcile --period YYYY-MM`` / ``close --period YYYY-MM``: the ✔/✘ lines; close when all pass.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sahakorn.billing.bank_debits import bank_debit_result_read, bank_debits_post
from sahakorn.billing.errors import BillingError
from sahakorn.billing.files import (
    bank_debit_bills,
    bank_debit_file,
    bank_debit_file_name,
    layout_get,
    unit_file,
    unit_file_name,
    unit_layout_code,
)
from sahakorn.billing.models import (
    Bill,
    BillingCycle,
    BillingMethod,
    BillingPeriod,
    DeductionImport,
    ImportStatus,
)
from sahakorn.billing.selectors import billing_cycle_preview, cycle_item_totals, cycle_reconciled, cycle_units
from sahakorn.billing.services import (
    billing_cycle_close,
    billing_cycle_freeze,
    billing_period_open,
    billing_unit_post,
    cycle_units_post,
    deduction_import_post,
    deduction_import_record,
)
from sahakorn.core.commands import iso_month
from sahakorn.core.errors import ServiceError
from sahakorn.core.money import ZERO, MoneyInputError, baht, parse_money_text
from sahakorn.core.subledger import reconciled_write
from sahakorn.members.models import Member, Unit


class Command(BaseCommand):
    help = "เรียกเก็บรายเดือน (monthly billing): open, preview, freeze, files, import, post, reconcile, close"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        opened = actions.add_parser("open", help="เปิดงวดเรียกเก็บ / open a month")
        preview = actions.add_parser(
            "preview", help="ตรวจรายการก่อนประมวลผล / the bills' changes from last month"
        )
        freeze = actions.add_parser("freeze", help="ประมวลผลและคงยอดเรียกเก็บ / freeze the bills")
        for sub in (opened, preview, freeze):
            sub.add_argument("--period", type=iso_month, required=True, help="the month, YYYY-MM (C.E.)")
        for sub in (preview, freeze):
            sub.add_argument("--group", default=None, help="pay group code (default: every group)")
        preview.add_argument("--member", default=None, help="one member's number")
        out = actions.add_parser("files", help="แฟ้มรายการหักเงินเดือนของทุกหน่วย / every unit's file")
        imported = actions.add_parser(
            "import", help="นำเข้าแฟ้มผลการหัก / check and keep a unit's returned file"
        )
        post = actions.add_parser("post", help="ผ่านรายการรับชำระ / post a unit's deductions (or every unit's)")
        bank_file = actions.add_parser("bank-file", help="แฟ้มหักบัญชีธนาคาร / the bank's direct-debit file")
        bank_post = actions.add_parser(
            "bank-post", help="ผ่านรายการหักบัญชีธนาคาร / post the bank's debits (its short list, if any)"
        )
        reconcile = actions.add_parser("reconcile", help="กระทบยอดงวด / reconcile the month")
        close = actions.add_parser("close", help="ปิดงวดเรียกเก็บ / close the month")
        for sub in (out, imported, post, reconcile, close, bank_file, bank_post):
            sub.add_argument("--period", type=iso_month, required=True, help="the month, YYYY-MM (C.E.)")
            sub.add_argument("--group", default=None, help="pay group code (default: every group)")
        out.add_argument("--out", required=True, help="directory to write the files to")
        out.add_argument("--layout", default=None, help="layout code (default: each unit's own)")
        imported.add_argument("--unit", required=True, help="unit code")
        which = post.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", help="unit code")
        which.add_argument(
            "--all", action="store_true", help="every unit not posted yet, by its checked file"
        )
        post.add_argument(
            "--in-full",
            action="store_true",
            help="with --all: a unit without a file deducted every bill in full",
        )
        bank_file.add_argument("--out", required=True, help="directory to write the file to")
        bank_post.add_argument(
            "--short", default=None, help="the bank's CSV of debits that did not go through"
        )
        imported.add_argument("--layout", required=True, help="layout code of the returned file")
        imported.add_argument("--file", required=True, help="path of the returned file")
        imported.add_argument("--remittance", required=True, help="what the unit remitted, e.g. 1234567.89")

    def handle(self, *args, action: str, period: dt.date, **options) -> None:
        try:
            if action == "open":
                opened = billing_period_open(month=period)
                for cycle in opened.cycles.select_related("pay_group").order_by("pay_group__code"):
                    self.stdout.write(
                        f"{opened} {cycle.pay_group.code}: ประมวลผล {cycle.processing_date} ส่ง {cycle.send_date} "
                        f"จ่าย {cycle.pay_date} ผ่านรายการ {cycle.posting_date} ({cycle.get_status_display()})"
                    )
                return
            for cycle in self._cycles(period, options["group"]):
                if action == "preview":
                    self._preview(cycle, options["member"])
                elif action == "freeze":
                    self._freeze(cycle)
                elif action == "files":
                    self._files(cycle, options["out"], options["layout"])
                elif action == "post" and options["all"]:
                    self._post_all(cycle, in_full=options["in_full"])
                elif action == "bank-file":
                    self._bank_file(cycle, options["out"])
                elif action == "bank-post":
                    self._bank_post(cycle, options["short"])
                elif action in ("import", "post"):
                    unit = self._unit(cycle, options["unit"])
                    if unit is None:
                        continue
                    if action == "import":
                        self._import(cycle, unit, options)
                    else:
                        self._post(cycle, unit)
                else:
                    result = cycle_reconciled(cycle=cycle)
                    if action == "close" and result.ok:
                        billing_cycle_close(cycle=cycle)
                    failed = reconciled_write(self, [result], titled=True)
                    if failed:
                        raise BillingError(
                            f"กระทบยอด{cycle}ไม่ผ่าน" + (" ปิดงวดไม่ได้" if action == "close" else "")
                        )
                    if action == "close":
                        self.stdout.write(self.style.SUCCESS(f"ปิด{cycle}แล้ว"))
        except ServiceError as e:
            raise CommandError(e.message) from None

    def _cycles(self, month: dt.date, group: str | None) -> list[BillingCycle]:
        period = BillingPeriod.objects.filter(month=month).first()
        if period is None:
            raise BillingError(f"ยังไม่ได้เปิดงวด {month:%Y-%m}: ใช้ sahakorn billing open --period {month:%Y-%m}")
        cycles = period.cycles.select_related("period", "pay_group").order_by("pay_group__code")
        if group:
            cycles = cycles.filter(pay_group__code=group)
            if not cycles.exists():
                raise BillingError(f"ไม่มีกลุ่มการจ่ายเงินเดือนรหัส “{group}” ในงวด {period.code}")
        return list(cycles)

    def _preview(self, cycle: BillingCycle, number: str | None) -> None:
        members = None
        if number:
            members = Member.objects.filter(number=number)
            if not members.exists():
                raise BillingError(f"ไม่พบสมาชิกเลขทะเบียน {number}")
        rows = billing_cycle_preview(cycle=cycle, members=members)
        self.stdout.write(f"== {cycle}: เปลี่ยนจากเดือนก่อน {len(rows):,} ราย")
        for row in rows:
            self.stdout.write(
                f"{row.member.number_and_name}: {baht(row.last_total)} → {baht(row.total)} ({row.difference:+,.2f})"
            )
            for change in row.changes:
                self.stdout.write(f"    {change.text}")

    def _freeze(self, cycle: BillingCycle) -> None:
        was_open = cycle.status == "open"
        cycle = billing_cycle_freeze(cycle=cycle)
        state = "ประมวลผลแล้ว" if was_open else "ประมวลผลไว้แล้ว ไม่มีการเปลี่ยนแปลง"
        self.stdout.write(
            f"{cycle}: {state} สมาชิก {cycle.bills:,} ราย {cycle.lines:,} รายการ "
            f"ยอดเรียกเก็บ {baht(cycle.total_billed)} บาท (จากยอดของระบบงาน {baht(cycle.total_demanded)})"
            + (f" ใช้เวลา {cycle.freeze_seconds} วินาที" if was_open else "")
        )
        for total in cycle_item_totals(cycle=cycle):
            self.stdout.write(
                f"    {total.code:<6} {total.name:<30} {total.lines:>8,} {baht(total.billed):>18}"
            )

    def _unit(self, cycle: BillingCycle, code: str) -> Unit | None:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise BillingError(f"ไม่พบหน่วยรหัส “{code}”")
        if not Bill.objects.filter(cycle=cycle, unit=unit, method=BillingMethod.PAYROLL).exists():
            return None  # billed in another pay group's cycle (or only its members who pay by bank)
        return unit

    def _files(self, cycle: BillingCycle, out: str, code: str | None) -> None:
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        for row in cycle_units(cycle=cycle):
            layout = layout_get(code or unit_layout_code(row.unit))
            data = unit_file(cycle=cycle, unit=row.unit, layout=layout)
            path = target / unit_file_name(cycle=cycle, unit=row.unit, layout=layout)
            path.write_bytes(data)
            self.stdout.write(f"{path}: {row.bills:,} ราย {baht(row.billed)} บาท ({len(data):,} ไบต์)")

    def _import(self, cycle: BillingCycle, unit: Unit, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise BillingError(f"ไม่พบแฟ้ม {path}")
        try:
            remittance = parse_money_text(options["remittance"])
        except MoneyInputError as e:
            raise BillingError(f"--remittance: {e}") from None
        imported = deduction_import_record(
            cycle=cycle, unit=unit, layout_code=options["layout"], data=path.read_bytes(), file_name=path.name,
            remittance=remittance,
        )  # fmt: skip
        self.stdout.write(
            f"ตรวจแฟ้ม {path.name} แล้ว: {imported.rows:,} แถว ยอดหักได้ {baht(imported.total)} บาท "
            f"(ผ่านรายการด้วย sahakorn billing post --period {cycle.period.month:%Y-%m} --unit {unit.code})"
        )

    def _post(self, cycle: BillingCycle, unit: Unit) -> None:
        pending = (
            DeductionImport.objects.filter(cycle=cycle, unit=unit, status=ImportStatus.VALIDATED)
            .order_by("-uploaded_at")
            .first()
        )
        if pending is not None:
            posting = deduction_import_post(deduction_import=pending)
        else:
            posting = billing_unit_post(cycle=cycle, unit=unit)
        self.stdout.write(
            f"{unit.code} {unit.name}: หักได้ {baht(posting.received)} จาก {baht(posting.billed)} บาท "
            f"หักไม่ได้ {baht(posting.short)} หักเกิน {baht(posting.over)}"
        )

    def _post_all(self, cycle: BillingCycle, *, in_full: bool) -> None:
        postings = cycle_units_post(cycle=cycle, in_full=in_full)
        for posting in postings:
            self.stdout.write(
                f"{posting.unit.code} {posting.unit.name}: หักได้ {baht(posting.received)} จาก {baht(posting.billed)} "
                f"บาท หักไม่ได้ {baht(posting.short)} หักเกิน {baht(posting.over)}"
            )
        received = sum((posting.received for posting in postings), ZERO)
        self.stdout.write(f"{cycle}: ผ่านรายการ {len(postings):,} หน่วย หักได้รวม {baht(received)} บาท")

    def _bank_file(self, cycle: BillingCycle, out: str) -> None:
        if not bank_debit_bills(cycle).exists():
            self.stdout.write(f"{cycle}: ไม่มีสมาชิกที่ชำระโดยหักบัญชีธนาคาร")
            return
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        data = bank_debit_file(cycle=cycle)
        path = target / bank_debit_file_name(cycle=cycle)
        path.write_bytes(data)
        self.stdout.write(f"{path}: {data.count(b'\r\nD'):,} ราย ({len(data):,} ไบต์)")

    def _bank_post(self, cycle: BillingCycle, short: str | None) -> None:
        if not bank_debit_bills(cycle).exists():
            self.stdout.write(f"{cycle}: ไม่มีสมาชิกที่ชำระโดยหักบัญชีธนาคาร")
            return
        found = {}
        if short:
            path = Path(short)
            if not path.is_file():
                raise BillingError(f"ไม่พบแฟ้ม {path}")
            found = bank_debit_result_read(cycle=cycle, data=path.read_bytes())
        postings = bank_debits_post(cycle=cycle, short=found)
        received = sum((posting.received for posting in postings), ZERO)
        not_debited = sum((posting.short for posting in postings), ZERO)
        self.stdout.write(
            f"{cycle}: หักบัญชีธนาคาร {len(postings):,} หน่วย หักได้ {baht(received)} บาท หักไม่ได้ {baht(not_debited)} บาท"
        )
