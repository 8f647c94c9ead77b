"""The share capital's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sahakorn.core.subledger import MemberCard, MonthlyDemand, Reconciled, SubLedger
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.services import Line
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.models import ShareAccount, ShareTransaction, TransactionKind
from sahakorn.shares.reconcile import shares_reconcile
from sahakorn.shares.rules import share_rules_for, shares_text
from sahakorn.shares.services import (
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


def share_monthly_demand(*, member: Member, period: dt.date) -> MonthlyDemand | None:
    """The member's monthly contribution for the month of ``period``, when one is still owed.

    Owed by an active member with a share account, monthly shares above zero for the month, not
    suspended for it, and no monthly contribution recorded for it yet (the batch's and the
    counter's own rule). The amount is the monthly shares at the par value of the rules in force
    for the month. A receipt credits share capital for the member inside the caller's voucher
    (``credit_lines``), then ``settle`` records the contribution (payroll) against that voucher.
    """
    period = period.replace(day=1)
    if member.status != MemberStatus.ACTIVE:
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
    due = shares * par

    def credit_lines(amount: Decimal) -> list[Line]:
        monthly_receipt_shares(amount=amount, due=due, par=par)  # refuses a part share or too much
        return monthly_contribution_credit_lines(member=member, amount=amount, period=period)

    def settle(*, amount: Decimal, on: dt.date, entry, by=None) -> None:
        share_monthly_receipt_record(member=member, period=period, amount=amount, on=on, entry=entry, by=by)

    return MonthlyDemand(
        subledger=SUBLEDGER.key,
        reference=member.number,
        label=f"หุ้นรายเดือน {format_be_date(period, 'month')} ({shares_text(shares)})",
        account_role="share_capital",
        amount=due,
        credit_lines=credit_lines,
        settle=settle,
    )


class Shares(SubLedger):
    key = "shares"
    title = "ทุนเรือนหุ้น"
    order = 10

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


SUBLEDGER = Shares()
