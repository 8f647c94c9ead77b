"""The share capital's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sahakorn.core.money import ZERO, baht
from sahakorn.core.months import add_months, month_end
from sahakorn.core.subledger import (
    BillingKind,
    DemandRow,
    MemberCard,
    MonthlyDemand,
    ReceiptBatch,
    Reconciled,
    SubLedger,
)
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.services import Line
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import ShareAccount, ShareTransaction, TransactionKind
from sahakorn.shares.reconcile import shares_reconcile
from sahakorn.shares.rules import share_rules_for, shares_text
from sahakorn.shares.services import (
    monthly_contribution_check,
    monthly_contribution_credit_lines,
    monthly_receipt_shares,
    monthly_shares_in_force,
    share_monthly_receipt_record,
    suspended_in,
)

# The cached balances that disagree with their transactions printed by name; the rest are counted.
SHOW_AT_MOST = 20


def _card_context(member: Member) -> dict:
    from sahakorn.shares.report_views import member_section_context

    return member_section_context(member)


def shares_reconciled(*, as_of: dt.date | None = None) -> Reconciled:
    """``shares_reconcile`` as the lines ``sahakorn shares check`` prints: the five figures, the
    accounts whose cached balance is off (at most ``SHOW_AT_MOST`` named), then the verdict."""
    result = shares_reconcile(as_of=as_of)
    width = max(len(label) for label, _ in result.lines)
    lines = [f"  {label:<{width}}  {figure:>22}" for label, figure in result.lines]
    lines += [
        f"บัญชีหุ้นสมาชิก {m.member_number} ยอดคงเหลือ {m.cached_shares:,} หุ้น {m.cached_amount:,.2f} บาท "
        f"แต่รายการรวม {m.transaction_shares:,} หุ้น {m.transaction_amount:,.2f} บาท / cached balance "
        "differs from transactions"
        for m in result.mismatches[:SHOW_AT_MOST]
    ]
    if len(result.mismatches) > SHOW_AT_MOST:
        lines.append(f"… และอีก {len(result.mismatches) - SHOW_AT_MOST:,} บัญชี / and more")
    lines.append(
        "ตรวจทุนเรือนหุ้นผ่าน / shares check OK" if result.ok else "ตรวจทุนเรือนหุ้นไม่ผ่าน / shares check FAILED"
    )
    return Reconciled(title="ทุนเรือนหุ้น / share capital", ok=result.ok, lines=lines)


class _MonthlyReceipt:
    """One member's monthly contribution received inside a caller's voucher, in the contract's two steps.

    ``credit_lines(amount)`` locks the account and runs every check the counter's contribution runs
    (active, not suspended, not yet recorded for the month, the 1/5 cap) before the caller posts
    anything, and gives the share-capital credit; ``settle`` records the contribution against the
    posted voucher, for the same amount only.
    """

    action = "รับชำระหุ้นรายเดือน"

    def __init__(self, member: Member, period: dt.date, due: Decimal, par: Decimal) -> None:
        self.member, self.period, self.due, self.par = member, period, due, par
        self.amount: Decimal | None = None

    def credit_lines(self, amount: Decimal) -> list[Line]:
        monthly_receipt_shares(amount=amount, due=self.due, par=self.par)  # whole shares, not too much
        monthly_contribution_check(member=self.member, period=self.period, action=self.action)
        self.amount = amount
        return monthly_contribution_credit_lines(member=self.member, amount=amount, period=self.period)

    def settle(self, *, amount: Decimal, on: dt.date, entry, by=None) -> None:
        if self.amount is None or amount != self.amount:
            raise ShareError("ต้องคำนวณการรับชำระ (credit_lines) ด้วยจำนวนเดียวกันก่อนบันทึก")
        share_monthly_receipt_record(
            member=self.member, period=self.period, amount=amount, on=on, entry=entry, by=by
        )


def share_monthly_demand(*, member: Member, period: dt.date) -> MonthlyDemand | None:
    """The member's monthly contribution for the month of ``period``, when one is still owed.

    Owed by an active member who had joined by the month's end, with a share account, monthly shares
    above zero for the month, not suspended for it, and no monthly contribution recorded for it yet
    (the batch's and the counter's own rule). The amount is the monthly shares at the par value of the
    rules in force for the month. The 1/5 cap is checked when the receipt is taken (``credit_lines``,
    before the caller's voucher): reading it here would be one aggregate over every account per member.
    """
    period = period.replace(day=1)
    if member.status != MemberStatus.ACTIVE or member.joined_on > month_end(period):
        return None
    account = ShareAccount.objects.filter(member_id=member.pk).first()
    if account is None or suspended_in(account, period):
        return None
    if ShareTransaction.objects.filter(account=account, kind=TransactionKind.MONTHLY, period=period).exists():
        return None
    shares = monthly_shares_in_force(account=account, period=period)
    if shares <= 0:
        return None
    par = share_rules_for(on=period).par_value
    receipt = _MonthlyReceipt(member, period, due=shares * par, par=par)
    return MonthlyDemand(
        subledger=SUBLEDGER.key,
        reference=member.number,
        label=f"หุ้นรายเดือน {format_be_date(period, 'month')} ({shares_text(shares)})",
        account_role="share_capital",
        amount=receipt.due,
        kind="shares.monthly",
        step=par,
        credit_lines=receipt.credit_lines,
        settle=receipt.settle,
    )


class Shares(SubLedger):
    key = "shares"
    title = "ทุนเรือนหุ้น"
    order = 10
    source = "shares"
    control_roles = ("share_capital",)

    def member_cards(self) -> list[MemberCard]:
        return [
            MemberCard(
                key="shares",
                title="ทุนเรือนหุ้น",
                position=10,
                template="shares/member_section.html",
                permission="shares.view_shareaccount",
                context=_card_context,
            )
        ]

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        return shares_reconciled(as_of=as_of)

    def monthly_demands(self, *, member: Member, period: dt.date) -> list[MonthlyDemand]:
        demand = share_monthly_demand(member=member, period=period)
        return [demand] if demand is not None else []

    def billing_change_reason(
        self, *, member: Member, kind: str, reference: str, period: dt.date, before: Decimal, after: Decimal
    ) -> str:
        account = ShareAccount.objects.filter(member_id=member.pk).first()
        if account is None:
            return ""
        if after == ZERO and suspended_in(account, period):
            return "งดส่งค่าหุ้นรายเดือน"
        last_month = add_months(period.replace(day=1), -1)
        was, now = (
            monthly_shares_in_force(account=account, period=last_month),
            monthly_shares_in_force(account=account, period=period),
        )
        if was != now:
            par = share_rules_for(on=period).par_value
            return f"ค่าหุ้นรายเดือนเปลี่ยนจาก {baht(was * par)} เป็น {baht(now * par)} บาท"
        return ""

    def billing_demand_rows(self, *, period: dt.date, members) -> list[DemandRow]:
        """Every member's monthly contribution at once: the monthly run's own due query (the same rule
        as ``share_monthly_demand``), a statement per 5,000 members whatever the coop's size."""
        from sahakorn.shares.batch import monthly_due_shares

        wanted = {member.pk: member for member in members}
        if not wanted:
            return []
        period = period.replace(day=1)
        par = share_rules_for(on=period).par_value
        month = format_be_date(period, "month")
        return [
            DemandRow(
                member_id=member_id,
                subledger=self.key,
                kind="shares.monthly",
                reference=wanted[member_id].number,
                label=f"หุ้นรายเดือน {month} ({shares_text(shares)})",
                amount=shares * par,
                step=par,
            )
            for member_id, (_, shares) in sorted(monthly_due_shares(period=period, member_ids=wanted).items())
        ]

    def billing_receipts(self, *, period: dt.date, receipts) -> ReceiptBatch:
        from sahakorn.shares.batch import monthly_receipts_take

        return monthly_receipts_take(period=period, receipts=receipts)

    def billing_received(self, *, entry_ids) -> Decimal:
        from sahakorn.core.selectors import money_from_sum, money_sum

        total = ShareTransaction.objects.filter(journal_entry_id__in=entry_ids, kind=TransactionKind.MONTHLY)
        return money_from_sum(total.aggregate(t=money_sum("amount"))["t"])

    def billing_kinds(self) -> list[BillingKind]:
        # In whole shares: a short month buys fewer shares, never a part of one (the demand's step).
        return [BillingKind("shares.monthly", "SHR", "ค่าหุ้นรายเดือน", priority=30)]


SUBLEDGER = Shares()
