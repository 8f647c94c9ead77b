"""Proof that welfare payouts agree with the general ledger (กระทบยอดสวัสดิการกับบัญชีแยกประเภท).

For each fund (ทุนสวัสดิการสมาชิก, ทุนการศึกษาบุตรสมาชิก): the claims paid from it minus those reversed
equal the GL debits minus credits on that fund from welfare vouchers (those posted by welfare, those
the paid claims link to, e.g. a payment into a deposit account, and the reversals of either).
Appropriations into the fund from profit are other vouchers and stay out. A paid claim whose own
voucher does not debit its fund by its amount is listed.

``welfare_reconciled`` is the same proof in the sub-ledger contract's words (``core.subledger.Reconciled``):
what ``sahakorn welfare check`` and ``sahakorn reconcile`` print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from sahakorn.core.selectors import money_from_sum
from sahakorn.core.selectors import money_sum as core_money_sum
from sahakorn.core.subledger import Reconciled
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import EntrySource, EntryStatus, JournalLine
from sahakorn.ledger.selectors import account_for_role
from sahakorn.welfare.models import ClaimStatus, FundRole, WelfareClaim

PAID_EVER = (ClaimStatus.PAID, ClaimStatus.REVERSED)
TITLE = "สวัสดิการ / welfare"
SHOW_AT_MOST = 20  # mismatched claims listed per fund


# The one exact money SUM of both databases (core.selectors); the names kept for this module's readers.
money_sum = core_money_sum
money_value = money_from_sum


@dataclass(frozen=True)
class ClaimMismatch:
    claim_id: int
    member_number: str
    amount: Decimal
    voucher_debit: Decimal


@dataclass(frozen=True)
class FundReconciliation:
    fund_role: str
    label: str
    paid: Decimal
    reversed: Decimal
    ledger: Decimal
    mismatches: list[ClaimMismatch] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.paid - self.reversed

    @property
    def ok(self) -> bool:
        return self.net == self.ledger and not self.mismatches

    def lines(self, as_of: dt.date | None) -> list[tuple[str, str]]:
        when = f" ณ วันที่ {format_be_date(as_of)}" if as_of else ""
        return [
            (f"{self.label}: จ่ายสวัสดิการ{when}", f"{self.paid:,.2f}"),
            (f"{self.label}: กลับรายการ", f"{self.reversed:,.2f}"),
            (f"{self.label}: สุทธิตามทะเบียนสวัสดิการ", f"{self.net:,.2f}"),
            (f"{self.label}: เดบิตสุทธิในบัญชีแยกประเภท", f"{self.ledger:,.2f}"),
            (f"{self.label}: ผลต่าง", f"{self.net - self.ledger:,.2f}"),
            (f"{self.label}: คำขอที่ใบสำคัญไม่ตรงกับจำนวนเงิน", f"{len(self.mismatches):,}"),
        ]


@dataclass
class ReconcileResult:
    as_of: dt.date | None
    funds: list[FundReconciliation]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.funds)

    @property
    def lines(self) -> list[tuple[str, str]]:
        return [line for f in self.funds for line in f.lines(self.as_of)]


def _claims_sum(role: str, *, date_field: str, as_of: dt.date | None, statuses) -> Decimal:
    rows = WelfareClaim.objects.filter(fund_role=role, status__in=statuses)
    if as_of is not None:
        rows = rows.filter(**{f"{date_field}__lte": as_of})
    return money_value(rows.aggregate(t=money_sum("amount"))["t"])


def _welfare_vouchers() -> Q:
    linked = WelfareClaim.objects.filter(journal_entry__isnull=False).values("journal_entry_id")
    return (
        Q(entry__source=EntrySource.WELFARE)
        | Q(entry_id__in=linked)
        | Q(entry__reverses__source=EntrySource.WELFARE)
        | Q(entry__reverses_id__in=linked)
    )


def _mismatches(role: str, account_id: int) -> list[ClaimMismatch]:
    """Paid claims whose own voucher does not debit their fund by exactly their amount (one GROUP BY)."""
    rows = (
        WelfareClaim.objects.filter(fund_role=role, status__in=PAID_EVER)
        .annotate(
            debit=money_sum(
                "journal_entry__lines__debit",
                filter=Q(journal_entry__lines__account_id=account_id),
            )
        )
        .values_list("pk", "member__number", "amount", "debit")
        .order_by("pk")
    )
    out = []
    for pk, number, amount, debit in rows:
        voucher_debit = money_value(debit)
        if voucher_debit != amount:
            out.append(ClaimMismatch(pk, number, amount, voucher_debit))
    return out


def welfare_reconcile(*, as_of: dt.date | None = None) -> ReconcileResult:
    """Paid minus reversed claims per fund == the GL's net debits to that fund from welfare vouchers."""
    funds = []
    for role in FundRole:
        account = account_for_role(role.value)
        lines = JournalLine.objects.filter(account=account, entry__status=EntryStatus.POSTED).filter(
            _welfare_vouchers()
        )
        if as_of is not None:
            lines = lines.filter(entry__date__lte=as_of)
        sums = lines.aggregate(dr=money_sum("debit"), cr=money_sum("credit"))
        funds.append(
            FundReconciliation(
                fund_role=role.value,
                label=role.label,
                paid=_claims_sum(role.value, date_field="paid_on", as_of=as_of, statuses=PAID_EVER),
                reversed=_claims_sum(
                    role.value, date_field="reversed_on", as_of=as_of, statuses=(ClaimStatus.REVERSED,)
                ),
                ledger=money_value(sums["dr"]) - money_value(sums["cr"]),
                mismatches=_mismatches(role.value, account.pk),
            )
        )
    return ReconcileResult(as_of=as_of, funds=funds)


def welfare_reconciled(*, as_of: dt.date | None = None) -> Reconciled:
    """``welfare_reconcile`` as the lines an officer reads: the figures per fund, each claim whose voucher
    differs (at most ``SHOW_AT_MOST`` a fund), and the verdict last."""
    result = welfare_reconcile(as_of=as_of)
    width = max(len(label) for label, _ in result.lines)
    lines = [f"  {label:<{width}}  {figure:>18}" for label, figure in result.lines]
    for fund in result.funds:
        lines += [
            f"คำขอสวัสดิการเลขที่ {m.claim_id} สมาชิก {m.member_number} จำนวน {m.amount:,.2f} บาท "
            f"แต่ใบสำคัญเดบิต{fund.label} {m.voucher_debit:,.2f} บาท / claim voucher differs"
            for m in fund.mismatches[:SHOW_AT_MOST]
        ]
    verdict = "ตรวจสวัสดิการผ่าน / welfare check OK" if result.ok else "ตรวจสวัสดิการไม่ผ่าน / welfare check FAILED"
    return Reconciled(title=TITLE, ok=result.ok, lines=[*lines, verdict])
