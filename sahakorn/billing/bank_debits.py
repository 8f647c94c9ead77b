"""Members who pay the monthly bill by bank account instead of through the unit (หักบัญชีธนาคาร).

A member signs a mandate (``BankDebitMandate``) naming the bank and account; from its first month the
freeze bills the member by bank (``Bill.method``), the unit's file leaves the member out, and the
bank gets one direct-debit file a cycle (``files.bank_debit_file``, BANKFILES.md §7). What the bank
could not debit comes back as a short list (member number, amount the bank did debit — usually 0);
``bank_debits_post`` posts the rest in full and those short, apart from the units' payroll (its own
``UnitPosting`` a unit with ``method=bank`` and voucher), with the same allocation, arrears and events.

These are the services (the only writers) for mandates, the coop's collecting account and the bank's
result; the posting itself is ``services.billing_units_post``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import (
    BankDebitAccount,
    BankDebitMandate,
    Bill,
    BillingCycle,
    BillingMethod,
    UnitPosting,
)
from sahakorn.billing.services import billing_units_post
from sahakorn.core.money import MoneyInputError, baht, parse_money_text
from sahakorn.core.selectors import in_chunks
from sahakorn.core.thai import format_be_date
from sahakorn.members.models import Member, MemberStatus, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A returned list of 100,000 rows is well under this.
SHOW_AT_MOST = 50


def _digits(value: str, *, width: int, field: str, label: str) -> str:
    value = (value or "").strip().replace("-", "")
    if not (value.isdigit() and len(value) == width):
        raise BillingError(f"{label} ต้องเป็นตัวเลข {width} หลัก (ได้ “{value}”)", field=field)
    return value


@transaction.atomic
def bank_debit_mandate_start(
    *, member: Member, bank_code: str, account_no: str, starts: dt.date, by: User | None = None
) -> BankDebitMandate:
    """The member pays by bank account from ``starts``'s month on (any earlier mandate still in force
    ends then). A month already frozen for the member keeps its bill: the mandate starts with a month
    not yet billed."""
    bank_code = _digits(bank_code, width=3, field="bank_code", label="รหัสธนาคาร")
    account_no = _digits(account_no, width=10, field="account_no", label="เลขที่บัญชี")
    starts = starts.replace(day=1)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise BillingError(f"{member.number_and_name} ไม่ได้เป็นสมาชิกอยู่ ทำหนังสือยินยอมไม่ได้", field="member")
    billed = Bill.objects.filter(member=member, period__month__gte=starts).order_by("period__month").first()
    if billed is not None:
        raise BillingError(
            f"งวด{format_be_date(billed.period.month, 'month')} ประมวลผลใบเรียกเก็บของสมาชิกแล้ว "
            "ให้เริ่มหักบัญชีตั้งแต่งวดถัดไป",
            field="starts",
        )
    current = BankDebitMandate.objects.select_for_update().filter(member=member, ends__isnull=True).first()
    if current is not None:
        if current.starts >= starts:
            raise BillingError(
                f"มีหนังสือยินยอมที่เริ่มงวด{format_be_date(current.starts, 'month')} อยู่แล้ว", field="starts"
            )
        current.ends, current.ended_by = starts, by
        current.save(update_fields=["ends", "ended_by"])
    try:
        return BankDebitMandate.objects.create(
            member=member, bank_code=bank_code, account_no=account_no, starts=starts, created_by=by
        )
    except IntegrityError as e:  # pragma: no cover - the member row is locked above
        raise BillingError("มีหนังสือยินยอมของสมาชิกนี้อยู่แล้ว", field="member") from e


@transaction.atomic
def bank_debit_mandate_end(
    *, mandate: BankDebitMandate, ends: dt.date, by: User | None = None
) -> BankDebitMandate:
    """Back to payroll deduction from ``ends``'s month (a month already frozen stays as billed)."""
    mandate = BankDebitMandate.objects.select_for_update().get(pk=mandate.pk)
    ends = ends.replace(day=1)
    if mandate.ends is not None:
        raise BillingError("หนังสือยินยอมนี้สิ้นสุดแล้ว", field="ends")
    if ends <= mandate.starts:
        raise BillingError(
            f"งวดที่กลับไปหักเงินเดือนต้องหลังงวดที่เริ่ม ({format_be_date(mandate.starts, 'month')})", field="ends"
        )
    if Bill.objects.filter(member_id=mandate.member_id, period__month__gte=ends).exists():
        raise BillingError("งวดนั้นประมวลผลใบเรียกเก็บแล้ว ให้สิ้นสุดตั้งแต่งวดถัดไป", field="ends")
    mandate.ends, mandate.ended_by = ends, by
    mandate.save(update_fields=["ends", "ended_by"])
    return mandate


@transaction.atomic
def bank_debit_account_set(
    *, bank_code: str, account_no: str, company_name: str, service_code: str, by: User | None = None
) -> BankDebitAccount:
    """The coop's account the direct debits are collected into, as the bank's file names it."""
    bank_code = _digits(bank_code, width=3, field="bank_code", label="รหัสธนาคาร")
    account_no = _digits(account_no, width=10, field="account_no", label="เลขที่บัญชี")
    service_code = (service_code or "").strip()
    if len(service_code) != 2:
        raise BillingError("รหัสบริการต้องยาว 2 ตัวอักษร", field="service_code")
    company_name = (company_name or "").strip()
    if not company_name:
        raise BillingError("ต้องระบุชื่อบริษัทในแฟ้ม", field="company_name")
    try:
        if len(company_name.encode("cp874")) > 25:
            raise BillingError("ชื่อบริษัทในแฟ้มยาวเกิน 25 ตัวอักษร", field="company_name")
    except UnicodeEncodeError:
        raise BillingError("ชื่อบริษัทในแฟ้มมีอักขระที่ใช้ในแฟ้มธนาคาร (cp874) ไม่ได้", field="company_name") from None
    account = BankDebitAccount.objects.select_for_update().order_by("pk").first() or BankDebitAccount()
    account.bank_code, account.account_no = bank_code, account_no
    account.company_name, account.service_code, account.updated_by = company_name, service_code, by
    account.save()
    return account


def bank_debit_result_read(*, cycle: BillingCycle, data: bytes) -> dict[int, Decimal]:
    """The bank's list of debits that did not go through (CSV: member number, amount debited — 0 when
    nothing): member id → amount. Checked whole: an unknown member, one not billed by bank in this
    cycle, a duplicate, a malformed amount or one above the bill is refused with its row and field,
    and nothing is returned."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BillingError("แฟ้มต้องเป็นข้อความ UTF-8 (CSV)", field="file") from None
    rows = [row for row in csv.reader(io.StringIO(text))]
    bills = {
        number: (member_id, total)
        for number, member_id, total in Bill.objects.filter(
            cycle=cycle, method=BillingMethod.BANK
        ).values_list("member__number", "member_id", "total_billed")
    }
    # A whole coop's list is tens of thousands of numbers: asked per 5,000 (SQLite takes 32,766 parameters).
    known = set(
        in_chunks(
            Member.objects.values_list("number", flat=True), "number", {row[0].strip() for row in rows if row}
        )
    )
    found: dict[int, Decimal] = {}
    seen: dict[str, int] = {}
    problems: list[str] = []
    for n, row in enumerate(rows, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        number = row[0].strip()
        if n == 1 and not number.isdigit():
            continue  # a header row
        where = f"แถวที่ {n} เลขทะเบียน {number}"
        if len(row) > 2:
            problems.append(f"{where}: มี {len(row)} ช่อง (ต้องเป็น เลขทะเบียน, ยอดที่หักได้)")
            continue
        if number not in known:
            problems.append(f"{where}: ไม่พบสมาชิก")
            continue
        if number not in bills:
            problems.append(f"{where}: ไม่ได้ชำระโดยหักบัญชีธนาคารใน{cycle}")
            continue
        if number in seen:
            problems.append(f"{where}: ซ้ำกับแถวที่ {seen[number]}")
            continue
        seen[number] = n
        try:
            amount = parse_money_text(row[1]) if len(row) > 1 and row[1].strip() else Decimal("0.00")
        except MoneyInputError as e:
            problems.append(f"{where} ช่อง ยอดที่หักได้: {e}")
            continue
        member_id, billed = bills[number]
        if amount < 0 or amount >= billed:
            problems.append(
                f"{where} ช่อง ยอดที่หักได้: {baht(amount)} บาท ต้องน้อยกว่ายอดเรียกเก็บ {baht(billed)} บาท "
                "(รายการที่หักได้เต็มจำนวนไม่ต้องอยู่ในแฟ้ม)"
            )
            continue
        found[member_id] = amount
    if problems:
        shown = "\n".join(problems[:SHOW_AT_MOST])
        more = f"\n… และอีก {len(problems) - SHOW_AT_MOST:,} แถว" if len(problems) > SHOW_AT_MOST else ""
        raise BillingError(f"แฟ้มผลการหักบัญชีไม่ผ่านการตรวจ {len(problems):,} รายการ ไม่ได้ผ่านรายการ:\n{shown}{more}",
                           field="file")  # fmt: skip
    return found


@transaction.atomic
def bank_debits_post(
    *, cycle: BillingCycle, short: dict[int, Decimal] | None = None, by: User | None = None
) -> list[UnitPosting]:
    """Post the bank's debits of a frozen cycle: every bank-paying member paid in full except those in
    ``short`` (member id → what the bank did debit). One posting and voucher a unit, apart from the
    unit's payroll; a second call returns the first postings."""
    member_unit = dict(
        Bill.objects.filter(cycle=cycle, method=BillingMethod.BANK).values_list("member_id", "unit_id")
    )
    if not member_unit:
        raise BillingError(f"{cycle} ไม่มีสมาชิกที่ชำระโดยหักบัญชีธนาคาร")
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=set(member_unit.values())).order_by("code")}
    deductions: dict[Unit, dict[int, Decimal]] = {unit: {} for unit in units.values()}
    for member_id, amount in (short or {}).items():
        if member_id not in member_unit:
            raise BillingError(f"สมาชิกรหัส {member_id} ไม่ได้ชำระโดยหักบัญชีธนาคารใน{cycle}", field="short")
        deductions[units[member_unit[member_id]]][member_id] = amount
    return billing_units_post(cycle=cycle, deductions=deductions, by=by, method=BillingMethod.BANK)
