"""Proof that the funeral sub-ledger agrees with the general ledger (กระทบยอดเงินสงเคราะห์ศพรับแทนสมาคม).

The coop holds the association's money in one liability. Its GL balance must equal what the
sub-ledger says the coop received for the association less what it paid out for it:

    entrance fees + dues collected − payouts − remittances = GL funeral_dues_collected

A voucher to the liability with no funeral row behind it (a manual entry) shows as a difference.
``funeral_reconciled`` is the same proof in the sub-ledger contract's words (``core.subledger.Reconciled``):
what ``sahakorn funeral check`` and ``sahakorn reconcile`` print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from sahakorn.core.subledger import Reconciled
from sahakorn.core.thai import format_be_date
from sahakorn.funeral.models import (
    FuneralDue,
    FuneralMembership,
    FuneralPayout,
    FuneralRemittance,
    PayrollCollectionMember,
)
from sahakorn.funeral.selectors import money_sum, to_money
from sahakorn.ledger.selectors import account_balance

TITLE = "สมาคมฌาปนกิจสงเคราะห์ / funeral aid association"


@dataclass
class FuneralReconcileResult:
    as_of: dt.date | None
    entrance_fees: Decimal
    dues_collected: Decimal
    payouts: Decimal
    remittances: Decimal
    ledger_amount: Decimal
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def sub_ledger_amount(self) -> Decimal:
        return self.entrance_fees + self.dues_collected - self.payouts - self.remittances

    @property
    def difference(self) -> Decimal:
        return self.sub_ledger_amount - self.ledger_amount

    @property
    def ok(self) -> bool:
        return self.difference == 0


def _total(queryset, amount: str, date_field: str, as_of: dt.date | None, extra: Q | None = None) -> Decimal:
    if extra is not None:
        queryset = queryset.filter(extra)
    if as_of is not None:
        queryset = queryset.filter(**{f"{date_field}__lte": as_of})
    return to_money(queryset.aggregate(total=money_sum(amount))["total"])


def funeral_reconcile(*, as_of: dt.date | None = None) -> FuneralReconcileResult:
    """Fees + dues collected − payouts − remittances against the GL liability, as of ``as_of`` (default: all)."""
    fees = _total(
        FuneralMembership.objects.all(),
        "entrance_fee",
        "joined_on",
        as_of,
        Q(entrance_fee_entry__isnull=False),
    )
    # Dues paid at the counter are marked on their rows; payroll's are its collections' (``DueQuerySet``).
    dues = _total(
        FuneralDue.objects.all(), "amount", "collected_on", as_of, Q(collected_on__isnull=False)
    ) + _total(PayrollCollectionMember.objects.all(), "amount", "collection__collected_on", as_of)
    payouts = _total(FuneralPayout.objects.all(), "amount", "paid_on", as_of)
    remittances = _total(FuneralRemittance.objects.all(), "amount", "remitted_on", as_of)
    ledger_amount = account_balance(account="funeral_dues_collected", as_of=as_of)
    result = FuneralReconcileResult(
        as_of=as_of,
        entrance_fees=fees,
        dues_collected=dues,
        payouts=payouts,
        remittances=remittances,
        ledger_amount=ledger_amount,
    )
    label_date = f" ณ วันที่ {format_be_date(as_of)}" if as_of is not None else ""
    result.lines = [
        ("ค่าสมัครสมาคมที่รับ", f"{fees:,.2f}"),
        ("เงินสงเคราะห์ที่รับ", f"{dues:,.2f}"),
        ("หัก จ่ายเงินสงเคราะห์ศพ", f"{payouts:,.2f}"),
        ("หัก นำส่งเงินให้สมาคม", f"{remittances:,.2f}"),
        (f"คงเหลือตามทะเบียนฌาปนกิจ{label_date}", f"{result.sub_ledger_amount:,.2f}"),
        (f"ยอดเงินสงเคราะห์ศพรับแทนสมาคมในบัญชีแยกประเภท{label_date}", f"{ledger_amount:,.2f}"),
        ("ผลต่าง", f"{result.difference:,.2f}"),
    ]
    return result


def funeral_reconciled(*, as_of: dt.date | None = None) -> Reconciled:
    """``funeral_reconcile`` as the lines an officer reads: the figures, then the verdict."""
    result = funeral_reconcile(as_of=as_of)
    width = max(len(label) for label, _ in result.lines)
    lines = [f"  {label:<{width}}  {figure:>22}" for label, figure in result.lines]
    verdict = (
        "ตรวจเงินสงเคราะห์ศพผ่าน / funeral check OK"
        if result.ok
        else "ตรวจเงินสงเคราะห์ศพไม่ผ่าน / funeral check FAILED"
    )
    return Reconciled(title=TITLE, ok=result.ok, lines=[*lines, verdict])
