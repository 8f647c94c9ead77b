"""The files a unit gets for a cycle (แฟ้มรายการหักเงินเดือน) and the file it sends back.

Rendered on demand from the frozen bills, so the same cycle and layout give the same bytes every
time. Layouts are data (``billing.layouts``): the built-in ones live in ``billing/data/layouts`` and
are seeded as ``FileLayout`` rows; a coop adds its employer's own in the settings screens.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db.models import QuerySet

from sahakorn.billing.errors import BillingError
from sahakorn.billing.layouts import Layout, layout_from_spec, render
from sahakorn.billing.models import (
    BankDebitAccount,
    BankDebitMandate,
    Bill,
    BillingCycle,
    BillingMethod,
    FileLayout,
    UnitBilling,
)
from sahakorn.core.money import ZERO
from sahakorn.core.selectors import coop_profile_get

BUILTIN_DIR = Path(__file__).parent / "data" / "layouts"
DEFAULT_LAYOUT = "SAHAKORN-XLSX"
BANK_DEBIT_LAYOUT = "DIRECTDEBIT130"
EXTENSIONS = {"fixed": "txt", "csv": "csv", "xlsx": "xlsx"}
CONTENT_TYPES = {
    "fixed": "text/plain; charset=windows-874",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def billing_layouts_sync() -> None:
    """Seed the built-in layouts (a coop's own edits to them are kept; delete one to get it back)."""
    have = set(FileLayout.objects.values_list("code", flat=True))
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        code = path.stem
        if code in have:
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        layout_from_spec(code, spec)  # a broken built-in is a bug: fail loudly here, not at the unit
        FileLayout.objects.create(code=code, name=spec.get("name", code), spec=spec, is_builtin=True)


def layout_get(code: str) -> Layout:
    billing_layouts_sync()
    found = FileLayout.objects.filter(code=code).first()
    if found is None:
        raise BillingError(f"ไม่พบรูปแบบแฟ้ม “{code}”", field="layout")
    return layout_from_spec(found.code, found.spec)


def unit_layout_code(unit) -> str:
    setting = UnitBilling.objects.filter(unit=unit).select_related("layout").first()
    return setting.layout.code if setting is not None and setting.layout is not None else DEFAULT_LAYOUT


def unit_bills(cycle: BillingCycle, unit) -> QuerySet[Bill]:
    """The unit's bills with something to deduct from pay, by member number (the file's order); a member
    who pays by bank account is in the bank's file instead."""
    return (
        Bill.objects.filter(cycle=cycle, unit=unit, method=BillingMethod.PAYROLL, total_billed__gt=ZERO)
        .select_related("member")
        .order_by("member__number")
    )


def _detail(n: int, bill: Bill) -> dict:
    """A detail record's values for one bill, by source name (``layouts.SOURCES``)."""
    member = bill.member
    return {
        "seq": n,
        "member_number": member.number,
        "national_id": member.national_id,
        "title": member.title,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "title_first_name": f"{member.title}{member.first_name}",
        "full_name": member.full_name,
        "member_reference": f"{member.number} {member.first_name} {member.last_name}",
        "amount": bill.total_billed,
        "bank_code": member.bank_code,
        "bank_account": member.bank_account_no,
    }


def _cycle_values(cycle: BillingCycle) -> dict:
    """The header's and trailer's values every file has: the coop, the month and the cycle's days."""
    return {
        "coop_name": coop_profile_get().name_th,
        "period": cycle.period.month,
        "processing_date": cycle.processing_date,
        "send_date": cycle.send_date,
        "pay_date": cycle.pay_date,
    }


def unit_file(*, cycle: BillingCycle, unit, layout: Layout) -> bytes:
    """The unit's deduction file for ``cycle`` in ``layout``: one detail record per member billed."""
    rows = [_detail(n, bill) for n, bill in enumerate(unit_bills(cycle, unit), 1)]
    header = {"unit_code": unit.code, "unit_name": unit.name, **_cycle_values(cycle)}
    trailer = {**header, "count": len(rows), "total": sum((row["amount"] for row in rows), ZERO)}
    return render(layout, header=header, rows=rows, trailer=trailer)


def unit_file_name(*, cycle: BillingCycle, unit, layout: Layout) -> str:
    return f"billing-{cycle.period.code}-{unit.code}-{layout.code}.{EXTENSIONS[layout.format]}"


# ======== The bank's direct-debit file (members who pay by bank account) ========


def bank_debit_bills(cycle: BillingCycle) -> QuerySet[Bill]:
    """The cycle's bills debited from members' bank accounts, by member number (the file's order)."""
    return (
        Bill.objects.filter(cycle=cycle, method=BillingMethod.BANK, total_billed__gt=ZERO)
        .select_related("member", "unit")
        .order_by("member__number")
    )


def bank_debit_file(*, cycle: BillingCycle, layout: Layout | None = None) -> bytes:
    """The direct-debit file for the bank (BANKFILES.md §7 by default): the coop's collecting account in
    the header, one debit a member from the account of the mandate in force in the cycle's month."""
    account = BankDebitAccount.objects.order_by("pk").first()
    if account is None:
        raise BillingError("ยังไม่ได้กำหนดบัญชีรับเงินหักบัญชีสมาชิกของสหกรณ์ (ตั้งค่าการเรียกเก็บ)", field="account")
    layout = layout or layout_get(BANK_DEBIT_LAYOUT)
    first = cycle.period.month
    bills = list(bank_debit_bills(cycle))
    mandates = {
        mandate.member_id: mandate
        for mandate in BankDebitMandate.objects.filter(
            member_id__in=[bill.member_id for bill in bills], starts__lte=first
        ).order_by("starts")
        if mandate.ends is None or mandate.ends > first
    }
    rows = []
    for n, bill in enumerate(bills, 1):
        # The account is the mandate's in force that month, not the one on the member record.
        mandate = mandates[bill.member_id]
        row = _detail(n, bill)
        row.update(bank_code=mandate.bank_code, bank_account=mandate.account_no,
                   service_code=account.service_code, pay_date=cycle.pay_date)  # fmt: skip
        rows.append(row)
    header = {
        "coop_bank_code": account.bank_code,
        "coop_account": account.account_no,
        "company_name": account.company_name,
        **_cycle_values(cycle),
    }
    trailer = {**header, "count": len(rows), "total": sum((row["amount"] for row in rows), ZERO)}
    return render(layout, header=header, rows=rows, trailer=trailer)


def bank_debit_file_name(*, cycle: BillingCycle) -> str:
    """BANKFILES.md §7: ``D<bank><company>`` … here ``D`` + the bank code + the pay date (C.E. YYYYMMDD)."""
    account = BankDebitAccount.objects.order_by("pk").first()
    bank = account.bank_code if account is not None else "000"
    return f"D{bank}{cycle.pay_date:%Y%m%d}-{cycle.pay_group.code}.txt"
