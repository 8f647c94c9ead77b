"""Writes to share capital (ทุนเรือนหุ้น). Nothing else creates share rows or moves share balances.

Each service checks the rules first (``rules.py``) and raises ``ShareError`` with a Thai
message (and the failed ``RuleCheck``s) before anything is written; then, in one transaction,
it posts its voucher through the ledger services, creates the ``ShareTransaction`` rows linked
to that voucher, and moves the account's cached balance with ``F()`` expressions.

Decisions worth knowing:

- Requests (withdrawal, transfer, suspension) that fail a rule are refused at creation, so the
  approver's queue holds only requests that can pass; approval re-runs the checks, because the
  figures (debts, balances, other members' shares) may have moved in between.
- The 1/5 holding cap (s.33(3)) is checked on every way a member acquires shares: the initial
  purchase, an extra purchase, a monthly contribution and the receiver of a transfer (the
  monthly batch checks it set-based, ``batch.py``). The law is above the rules: a purchase the
  rules oblige (initial, monthly) is refused all the same. A newly founded coop's first members
  are not capped until ``holding_cap_min_holders`` members hold shares (``ShareRules``).
  Reversals are not checked: they put back a holding that was there before. Brought-forward
  balances (OPENING) come from the old system, not from a service here.
- A monthly contribution is recorded with a voucher of its own (``share_monthly_contribution_record``)
  or inside a caller's voucher, as billing applies a payroll receipt to the month's demand
  (``share_monthly_receipt_record``, through ``shares.subledger``); both run the same checks.
- A reversal of a voucher that holds only the reversed row(s) reverses the whole voucher in the
  ledger (entrance fee and debt settlement included; a transfer reverses both sides together). A
  row on a voucher shared with other rows (the monthly batch) is reversed with a new voucher of
  its own lines only, so the other members' rows stay as they are.
- A purchase, refund, reversal, withdrawal or transfer is never dated after today
  (``core.dates.refuse_future``); a monthly contribution is month-end work and may be dated up to
  the coop's allowance ahead (``refuse_after_batch_limit``). A change of monthly shares or a
  suspension may start a later month: it is a plan, not a movement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from sahakorn.core.approvals import decision_guard, decision_record, rejection_note
from sahakorn.core.dates import refuse_after_batch_limit, refuse_future
from sahakorn.core.money import ZERO, baht, has_more_than_two_places
from sahakorn.core.months import month_start
from sahakorn.core.rules import RuleCheck, checks_refuse
from sahakorn.core.subledger import (
    DebtSettlementError,
    debt_settlements_reverse,
    member_debts,
    refuse_reversing_a_billing_row,
)
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.selectors import account_balance, account_for_role
from sahakorn.ledger.services import Line, journal_entry_reverse, voucher_post
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import (
    Channel,
    MonthlyChangeReason,
    MonthlyContributionChange,
    RequestKind,
    RequestStatus,
    ShareAccount,
    ShareBracket,
    ShareRequest,
    ShareRules,
    ShareTransaction,
    Suspension,
    TransactionKind,
)
from sahakorn.shares.rules import (
    RULE_FIELDS,
    bracket_problems,
    extra_purchase_max_check,
    holding_cap_check,
    initial_minimum_check,
    monthly_amount_checks,
    monthly_requirement,
    par_multiple_check,
    rules_field_problems,
    share_rules_for,
    shares_text,
    suspension_checks,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

__all__ = [
    "monthly_contribution_credit_lines",
    "monthly_receipt_shares",
    "monthly_shares_in_force",
    "share_account_open",
    "share_extra_purchase",
    "share_initial_purchase",
    "share_monthly_change",
    "share_monthly_contribution_record",
    "share_monthly_receipt_record",
    "share_refund_pay",
    "share_request_approve",
    "share_request_checks",
    "share_request_create",
    "share_request_reject",
    "share_rules_create",
    "share_transaction_reverse",
    "suspended_in",
]

# Where the money of each channel lands in the GL.
CHANNEL_ROLES = {Channel.COUNTER: "cash", Channel.TRANSFER: "bank", Channel.PAYROLL: "bank"}


# ======== Helpers ========


def _money_role(channel: str, *, allowed: Sequence[str] = tuple(CHANNEL_ROLES)) -> str:
    if channel not in allowed:
        labels = ", ".join(Channel(c).label for c in allowed)
        raise ShareError(f"ช่องทาง “{channel}” ใช้กับรายการนี้ไม่ได้ (ใช้ได้: {labels})", field="channel")
    return CHANNEL_ROLES[channel]


def _fresh(member: Member | None) -> Member | None:
    # The caller's instance may be stale (a status change returns a new instance); rules read the row.
    return Member.objects.get(pk=member.pk) if member is not None else None


def _refuse_inactive(member: Member, *, action: str) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise ShareError(
            f"{action}ไม่ได้: สมาชิก {member.number_and_name} มีสถานะ{member.get_status_display()} "
            f"ตั้งแต่ {format_be_date(member.status_since)}",
            field="member",
        )


def _account_locked(member: Member, *, action: str) -> ShareAccount:
    account = ShareAccount.objects.select_for_update().filter(member_id=member.pk).first()
    if account is None:
        raise ShareError(
            f"{action}ไม่ได้: สมาชิก {member.number_and_name} ยังไม่มีบัญชีหุ้น (ซื้อหุ้นแรกเข้าก่อน)", field="member"
        )
    return account


def _move(
    *,
    account: ShareAccount,
    kind: str,
    shares: int,
    amount: Decimal,
    on: dt.date,
    entry: JournalEntry,
    by: User | None,
    channel: str = Channel.INTERNAL,
    period: dt.date | None = None,
    request: ShareRequest | None = None,
    reverses: ShareTransaction | None = None,
    memo: str = "",
) -> ShareTransaction:
    """Create a transaction row and move the cached balance by the same figures, in one step."""
    row = ShareTransaction.objects.create(
        account=account,
        date=on,
        kind=kind,
        channel=channel,
        period=period,
        shares=shares,
        amount=amount,
        journal_entry=entry,
        reverses=reverses,
        request=request,
        memo=memo[:200],
        created_by=by,
    )
    ShareAccount.objects.filter(pk=account.pk).update(
        balance_shares=F("balance_shares") + shares, balance_amount=F("balance_amount") + amount
    )
    return row


def _cap_check(
    *, rules: ShareRules, held: int, shares: int, new_shares: int, holders_leaving: int = 0
) -> RuleCheck:
    """The 1/5 cap for a member holding ``held`` who acquires ``shares``.

    ``new_shares`` are what the movement adds to the coop's paid-up shares (all of a purchase,
    none of a transfer, which moves shares between members); ``holders_leaving`` counts the
    members the movement leaves without shares (a sender who transfers them all).
    """
    coop = ShareAccount.objects.aggregate(
        total=Sum("balance_shares"), holders=Count("pk", filter=Q(balance_shares__gt=0))
    )
    becomes_holder = 1 if held <= 0 < shares else 0
    return holding_cap_check(
        member_shares_after=held + shares,
        total_shares_after=(coop["total"] or 0) + new_shares,
        holders_after=coop["holders"] + becomes_holder - holders_leaving,
        rules=rules,
    )


def monthly_shares_in_force(*, account: ShareAccount, period: dt.date) -> int:
    """The monthly shares that apply to ``period``: the latest change effective by then, else the account's."""
    change = (
        MonthlyContributionChange.objects.filter(account=account, effective_month__lte=month_start(period))
        .order_by("-effective_month", "-id")
        .first()
    )
    return change.to_shares if change is not None else account.monthly_shares


def suspended_in(account: ShareAccount, period: dt.date) -> bool:
    if not account.suspension or account.suspended_from is None or period < account.suspended_from:
        return False
    if account.suspension == Suspension.PERMANENT:
        return True
    return account.suspended_until is not None and period <= account.suspended_until


# ======== Accounts and purchases ========


@transaction.atomic
def share_account_open(
    *, member: Member, opened_on: dt.date, monthly_shares: int | None = None, by: User | None = None
) -> ShareAccount:
    """Open a member's share account (เปิดบัญชีหุ้น); monthly shares default to the rules' minimum."""
    refuse_future(opened_on, what="การเปิดบัญชีหุ้น", error=ShareError, field="opened_on")
    member = _fresh(member)
    if ShareAccount.objects.filter(member_id=member.pk).exists():
        raise ShareError(f"สมาชิก {member.number_and_name} มีบัญชีหุ้นอยู่แล้ว", field="member")
    rules = share_rules_for(on=opened_on)
    requirement = monthly_requirement(rules=rules, salary=member.salary)
    if monthly_shares is None:
        monthly_shares = requirement.min_shares
    else:
        checks_refuse(
            monthly_amount_checks(to_shares=monthly_shares, requirement=requirement),
            action="กำหนดหุ้นรายเดือน",
            error=ShareError,
        )
    account = ShareAccount.objects.create(member=member, opened_on=opened_on, monthly_shares=monthly_shares)
    MonthlyContributionChange.objects.create(
        account=account,
        effective_month=month_start(opened_on),
        from_shares=0,
        to_shares=monthly_shares,
        reason=MonthlyChangeReason.INITIAL,
        note=requirement.explanation[:300],
        created_by=by,
    )
    return account


@transaction.atomic
def share_initial_purchase(
    *,
    member: Member,
    shares: int,
    on: dt.date,
    channel: str = Channel.COUNTER,
    by: User | None = None,
    with_entrance_fee: bool = True,
) -> ShareTransaction:
    """Initial shares on joining (ซื้อหุ้นแรกเข้า), with the entrance fee (ค่าธรรมเนียมแรกเข้า).

    GL: Dr cash|bank (shares + fee) / Cr share capital (member) / Cr entrance fee income.
    Opens the share account if the member has none yet.
    """
    refuse_future(on, what="การซื้อหุ้นแรกเข้า", error=ShareError, field="on")
    member = _fresh(member)
    action = "ซื้อหุ้นแรกเข้า"
    _refuse_inactive(member, action=action)
    money_role = _money_role(channel)
    rules = share_rules_for(on=on)
    if not isinstance(shares, int) or shares <= 0:
        raise ShareError("จำนวนหุ้นต้องเป็นจำนวนเต็มมากกว่า 0", field="shares")
    checks_refuse([initial_minimum_check(shares=shares, rules=rules)], action=action, error=ShareError)
    if not ShareAccount.objects.filter(member_id=member.pk).exists():
        share_account_open(member=member, opened_on=on, by=by)
    account = _account_locked(member, action=action)
    bought = ShareTransaction.objects.filter(
        account=account, kind=TransactionKind.INITIAL, reversed_by__isnull=True
    )
    if bought.exists():
        raise ShareError(f"สมาชิก {member.number_and_name} ซื้อหุ้นแรกเข้าไปแล้ว ใช้รายการซื้อหุ้นเพิ่มแทน", field="kind")
    # Refused after the account is opened: the transaction rolls the opening back with the rest.
    checks_refuse(
        [_cap_check(rules=rules, held=account.balance_shares, shares=shares, new_shares=shares)],
        action=action,
        error=ShareError,
    )

    amount = shares * rules.par_value
    fee = rules.entrance_fee if with_entrance_fee else ZERO
    lines = [
        Line(money_role, debit=amount + fee, memo=member.number_and_name),
        Line("share_capital", credit=amount, member_id=member.pk, memo=f"หุ้นแรกเข้า {shares_text(shares)}"),
    ]
    if fee > 0:
        lines.append(Line("entrance_fee_income", credit=fee, member_id=member.pk, memo="ค่าธรรมเนียมแรกเข้า"))
    entry = voucher_post(
        source=EntrySource.SHARES,
        on=on,
        description=f"ซื้อหุ้นแรกเข้า {member.number_and_name} {shares_text(shares)}",
        lines=lines,
        by=by,
        error=ShareError,
    )
    return _move(
        account=account,
        kind=TransactionKind.INITIAL,
        shares=shares,
        amount=amount,
        on=on,
        entry=entry,
        by=by,
        channel=channel,
        memo=f"ค่าธรรมเนียมแรกเข้า {baht(fee)} บาท" if fee > 0 else "",
    )


@dataclass(frozen=True)
class MonthlyDue:
    """A month's contribution still to record for a member: the locked account and what is due."""

    account: ShareAccount
    shares: int
    par: Decimal
    month: str  # the B.E. month, as messages and memos name it

    @property
    def amount(self) -> Decimal:
        return self.shares * self.par


def _monthly_due(
    *, member: Member, period: dt.date, shares: int | None, rules_on: dt.date, action: str
) -> MonthlyDue:
    """Lock the member's account and refuse a month that is suspended, already recorded, has no
    shares or would take the member past the 1/5 cap; ``shares`` None: those in force for the month.

    The one check of a monthly contribution, whether it posts its own voucher
    (``share_monthly_contribution_record``) or is paid inside another's (``share_monthly_receipt_record``).
    """
    month = format_be_date(period, "month")
    account = _account_locked(member, action=action)
    if suspended_in(account, period):
        raise ShareError(
            f"{action}ไม่ได้: สมาชิก {member.number_and_name} {account.get_suspension_display()}ในงวด {month}",
            field="period",
        )
    if ShareTransaction.objects.filter(account=account, kind=TransactionKind.MONTHLY, period=period).exists():
        raise ShareError(
            f"{action}ไม่ได้: สมาชิก {member.number_and_name} มีหุ้นรายเดือนงวด {month} แล้ว", field="period"
        )
    if shares is None:
        shares = monthly_shares_in_force(account=account, period=period)
    if not isinstance(shares, int) or shares <= 0:
        raise ShareError(f"{action}ไม่ได้: จำนวนหุ้นรายเดือนต้องมากกว่า 0", field="shares")
    rules = share_rules_for(on=rules_on)
    checks_refuse(
        [_cap_check(rules=rules, held=account.balance_shares, shares=shares, new_shares=shares)],
        action=action,
        error=ShareError,
    )
    return MonthlyDue(account=account, shares=shares, par=rules.par_value, month=month)


def monthly_contribution_credit_lines(*, member: Member, amount: Decimal, period: dt.date) -> list[Line]:
    """The share-capital side of a monthly contribution: Cr share capital (member)."""
    month = format_be_date(month_start(period), "month")
    return [Line("share_capital", credit=amount, member_id=member.pk, memo=f"หุ้นรายเดือน {month}")]


def _monthly_record(
    *,
    member: Member,
    due: MonthlyDue,
    shares: int,
    amount: Decimal,
    period: dt.date,
    on: dt.date,
    entry: JournalEntry,
    by: User | None,
    channel: str,
    action: str,
) -> ShareTransaction:
    try:
        with transaction.atomic():
            return _move(
                account=due.account,
                kind=TransactionKind.MONTHLY,
                shares=shares,
                amount=amount,
                on=on,
                entry=entry,
                by=by,
                channel=channel,
                period=period,
            )
    except IntegrityError:  # the batch recorded the same month a moment ago
        raise ShareError(
            f"{action}ไม่ได้: สมาชิก {member.number_and_name} มีหุ้นรายเดือนงวด {due.month} แล้ว", field="period"
        ) from None


@transaction.atomic
def share_monthly_contribution_record(
    *,
    member: Member,
    period: dt.date,
    on: dt.date,
    shares: int | None = None,
    channel: str = Channel.PAYROLL,
    by: User | None = None,
) -> ShareTransaction:
    """One member's monthly contribution (หุ้นรายเดือน) for ``period``; GL Dr bank|cash / Cr share capital.

    One per account and month. ``shares`` defaults to the monthly shares in force for the month.
    Month-end work, as the monthly batch's: dated at most the coop's allowance after today.
    """
    refuse_after_batch_limit(on, what="การบันทึกหุ้นรายเดือน", error=ShareError, field="on")
    member = _fresh(member)
    action = "บันทึกหุ้นรายเดือน"
    period = month_start(period)
    _refuse_inactive(member, action=action)
    money_role = _money_role(channel)
    due = _monthly_due(member=member, period=period, shares=shares, rules_on=on, action=action)
    entry = voucher_post(
        source=EntrySource.SHARES,
        on=on,
        description=f"หุ้นรายเดือน งวด {due.month} {member.number_and_name}",
        lines=[
            Line(money_role, debit=due.amount),
            *monthly_contribution_credit_lines(member=member, amount=due.amount, period=period),
        ],
        by=by,
        error=ShareError,
    )
    return _monthly_record(
        member=member,
        due=due,
        shares=due.shares,
        amount=due.amount,
        period=period,
        on=on,
        entry=entry,
        by=by,
        channel=channel,
        action=action,
    )


def monthly_receipt_shares(*, amount: Decimal, due: Decimal, par: Decimal) -> int:
    """The whole shares a receipt of ``amount`` buys towards a monthly contribution of ``due``.

    A receipt pays whole shares (a short payroll deduction may pay fewer than are due, never a part
    share) and never more than is due.
    """
    if not isinstance(amount, Decimal) or amount <= 0 or amount > due or amount % par != 0:
        raise ShareError(
            f"รับชำระหุ้นรายเดือนได้เป็นจำนวนเต็มหุ้น หุ้นละ {baht(par)} บาท ไม่เกิน {baht(due)} บาท "
            f"(ได้ {baht(amount) if isinstance(amount, Decimal) else amount} บาท)",
            field="amount",
        )
    return int(amount // par)


def monthly_contribution_check(*, member: Member, period: dt.date, action: str) -> None:
    """Refuse, before anything is posted, a monthly contribution ``share_monthly_receipt_record`` would
    refuse (the account stays locked to the end of the caller's transaction)."""
    member = _fresh(member)
    _refuse_inactive(member, action=action)
    _monthly_due(member=member, period=month_start(period), shares=None, rules_on=period, action=action)


@transaction.atomic
def share_monthly_receipt_record(
    *,
    member: Member,
    period: dt.date,
    amount: Decimal,
    on: dt.date,
    entry: JournalEntry,
    by: User | None = None,
) -> ShareTransaction:
    """Record a monthly contribution paid inside a caller's voucher (``entry``, already posted with
    ``monthly_contribution_credit_lines``), e.g. billing's payroll receipt; moves the cached balance.

    The same checks as ``share_monthly_contribution_record``, with the rules in force for the month
    (the figure billed); ``amount`` buys whole shares, at most those due for the month. A payroll
    receipt is month-end work: dated at most the coop's allowance after today.
    """
    refuse_after_batch_limit(on, what="การรับชำระหุ้นรายเดือน", error=ShareError, field="on")
    member = _fresh(member)
    action = "บันทึกหุ้นรายเดือน"
    period = month_start(period)
    _refuse_inactive(member, action=action)
    due = _monthly_due(member=member, period=period, shares=None, rules_on=period, action=action)
    shares = monthly_receipt_shares(amount=amount, due=due.amount, par=due.par)
    return _monthly_record(
        member=member,
        due=due,
        shares=shares,
        amount=amount,
        period=period,
        on=on,
        entry=entry,
        by=by,
        channel=Channel.PAYROLL,
        action=action,
    )


def extra_purchase_checks(
    *, account: ShareAccount, shares: int, amount: Decimal, rules: ShareRules
) -> list[RuleCheck]:
    """The rules an extra purchase must pass: whole shares, the per-purchase maximum, the 1/5 cap."""
    return [
        par_multiple_check(amount=amount, rules=rules),
        extra_purchase_max_check(amount=amount, rules=rules),
        _cap_check(rules=rules, held=account.balance_shares, shares=shares, new_shares=shares),
    ]


@transaction.atomic
def share_extra_purchase(
    *,
    member: Member,
    shares: int | None = None,
    amount: Decimal | None = None,
    on: dt.date,
    channel: str,
    by: User | None,
) -> ShareTransaction:
    """An extra purchase (ซื้อหุ้นเพิ่ม) at the counter or by transfer, given in shares or in baht."""
    refuse_future(on, what="การซื้อหุ้นเพิ่ม", error=ShareError, field="on")
    member = _fresh(member)
    action = "ซื้อหุ้นเพิ่ม"
    if (shares is None) == (amount is None):
        raise ShareError("ระบุจำนวนหุ้นหรือจำนวนเงินอย่างใดอย่างหนึ่ง", field="shares")
    _refuse_inactive(member, action=action)
    money_role = _money_role(channel, allowed=(Channel.COUNTER, Channel.TRANSFER))
    rules = share_rules_for(on=on)
    account = _account_locked(member, action=action)
    par = rules.par_value
    if amount is not None:
        if not isinstance(amount, Decimal) or has_more_than_two_places(amount) or amount <= 0:
            raise ShareError("จำนวนเงินต้องมากกว่า 0 และมีทศนิยมไม่เกิน 2 ตำแหน่ง", field="amount")
        whole = amount % par == 0
        shares = int(amount // par) if whole else 0
        if not whole:
            check = par_multiple_check(amount=amount, rules=rules)
            raise ShareError(
                f"{action}ไม่ได้: {check.message} ({check.figure})", checks=[check], field="amount"
            )
    else:
        if not isinstance(shares, int) or shares <= 0:
            raise ShareError("จำนวนหุ้นต้องเป็นจำนวนเต็มมากกว่า 0", field="shares")
        amount = shares * par
    checks_refuse(
        extra_purchase_checks(account=account, shares=shares, amount=amount, rules=rules),
        action=action,
        error=ShareError,
    )
    entry = voucher_post(
        source=EntrySource.SHARES,
        on=on,
        description=f"ซื้อหุ้นเพิ่ม {member.number_and_name} {shares_text(shares)}",
        lines=[
            Line(money_role, debit=amount),
            Line("share_capital", credit=amount, member_id=member.pk, memo=f"ซื้อหุ้นเพิ่ม {shares_text(shares)}"),
        ],
        by=by,
        error=ShareError,
    )
    return _move(
        account=account,
        kind=TransactionKind.EXTRA,
        shares=shares,
        amount=amount,
        on=on,
        entry=entry,
        by=by,
        channel=channel,
    )


# ======== Monthly shares (เปลี่ยนหุ้นรายเดือน) ========


@transaction.atomic
def share_monthly_change(
    *,
    member: Member,
    to_shares: int,
    effective_month: dt.date,
    reason: str,
    by: User | None,
    note: str = "",
) -> MonthlyContributionChange:
    """Change a member's monthly shares from a month on (a member's request, a salary change, …).

    Checked against the rules in force that month for the member's salary. A change for the
    current month updates the account at once; a later one waits in the change rows, which the
    monthly batch reads.
    """
    member = _fresh(member)
    action = "เปลี่ยนหุ้นรายเดือน"
    if effective_month.day != 1:
        raise ShareError("เดือนที่มีผลต้องเป็นวันที่ 1 ของเดือน", field="effective_month")
    this_month = month_start(timezone.localdate())
    if effective_month < this_month:
        raise ShareError(
            f"เดือนที่มีผลต้องไม่ก่อนเดือนปัจจุบัน ({format_be_date(this_month, 'month')})", field="effective_month"
        )
    if reason not in MonthlyChangeReason.values or reason == MonthlyChangeReason.INITIAL:
        raise ShareError(f"ไม่รู้จักเหตุผลการเปลี่ยน “{reason}”", field="reason")
    if not isinstance(to_shares, int) or to_shares < 0:
        raise ShareError("จำนวนหุ้นรายเดือนต้องเป็นจำนวนเต็มไม่ติดลบ", field="to_shares")
    _refuse_inactive(member, action=action)
    account = _account_locked(member, action=action)
    rules = share_rules_for(on=effective_month)
    requirement = monthly_requirement(rules=rules, salary=member.salary)
    checks_refuse(
        monthly_amount_checks(to_shares=to_shares, requirement=requirement), action=action, error=ShareError
    )
    from_shares = monthly_shares_in_force(account=account, period=effective_month)
    if to_shares == from_shares:
        raise ShareError(
            f"หุ้นรายเดือนตั้งแต่ {format_be_date(effective_month, 'month')} เป็น {shares_text(to_shares)} อยู่แล้ว",
            field="to_shares",
        )
    change = MonthlyContributionChange.objects.create(
        account=account,
        effective_month=effective_month,
        from_shares=from_shares,
        to_shares=to_shares,
        reason=reason,
        note=(note or "").strip()[:300],
        created_by=by,
    )
    if effective_month <= this_month:
        ShareAccount.objects.filter(pk=account.pk).update(monthly_shares=to_shares)
    return change


# ======== Requests: withdrawal, transfer, suspension (maker-checker) ========


def _withdrawal_checks(
    *, rules: ShareRules, member: Member, account: ShareAccount, shares: int | None, on: dt.date
) -> list[RuleCheck]:
    ended = member.status != MemberStatus.ACTIVE
    checks = [
        RuleCheck(
            rule="ถอนหุ้นได้เมื่อพ้นสมาชิกภาพเท่านั้น",
            figure=f"สถานะ{member.get_status_display()} ตั้งแต่ {format_be_date(member.status_since)}",
            passed=ended,
            message="ผ่าน" if ended else "สมาชิกยังไม่พ้นสมาชิกภาพ ถอนหุ้นไม่ได้",
        ),
        RuleCheck(
            rule="มีหุ้นให้ถอน",
            figure=f"{shares_text(account.balance_shares)} ({baht(account.balance_amount)} บาท)",
            passed=account.balance_shares > 0,
            message="ผ่าน" if account.balance_shares > 0 else "ไม่มีหุ้นคงเหลือ",
        ),
    ]
    whole = shares is None or shares == account.balance_shares
    checks.append(
        RuleCheck(
            rule="ถอนหุ้นทั้งจำนวน",
            figure=shares_text(account.balance_shares if shares is None else shares),
            passed=whole,
            message="ผ่าน" if whole else f"เมื่อพ้นสมาชิกภาพต้องถอนทั้งหมด {shares_text(account.balance_shares)}",
        )
    )
    debts = member_debts(member=member, on=on)
    total = sum((d.amount for d in debts), ZERO)
    if rules.withdrawal_settles_debts and total > 0:
        settled = min(total, account.balance_amount)
        figure = "; ".join(f"{d.label} {baht(d.amount)} บาท" for d in debts)
        message = (
            f"หักชำระหนี้ {baht(settled)} บาท คงเหลือรอจ่ายคืน {baht(account.balance_amount - settled)} บาท"
            + (f" หนี้คงค้างหลังหัก {baht(total - settled)} บาท" if total > settled else "")
        )
        checks.append(RuleCheck(rule="หุ้นหักชำระหนี้ก่อนคืน", figure=figure, passed=True, message=message))
    return checks


def _transfer_checks(
    *,
    rules: ShareRules,
    member: Member,
    account: ShareAccount,
    to_member: Member | None,
    shares: int | None,
    on: dt.date,
) -> list[RuleCheck]:
    checks = [
        RuleCheck(
            rule="ระเบียบอนุญาตให้โอนหุ้น",
            figure="อนุญาต" if rules.transfer_allowed else "ไม่อนุญาต",
            passed=rules.transfer_allowed,
            message="ผ่าน" if rules.transfer_allowed else "ระเบียบไม่อนุญาตให้โอนหุ้น",
        )
    ]
    ended = member.status != MemberStatus.ACTIVE
    checks.append(
        RuleCheck(
            rule="โอนหุ้นได้เมื่อผู้โอนพ้นสมาชิกภาพ (เช่น โอนให้ทายาท)",
            figure=f"ผู้โอนสถานะ{member.get_status_display()}",
            passed=ended,
            message="ผ่าน" if ended else "สมาชิกยังไม่พ้นสมาชิกภาพ โอนหุ้นไม่ได้",
        )
    )
    receiver_ok = (
        to_member is not None and to_member.pk != member.pk and to_member.status == MemberStatus.ACTIVE
    )
    checks.append(
        RuleCheck(
            rule="ผู้รับโอนเป็นสมาชิกอื่นที่มีสถานะปกติ",
            figure=to_member.number_and_name if to_member is not None else "ไม่ได้ระบุ",
            passed=receiver_ok,
            message="ผ่าน" if receiver_ok else "ผู้รับโอนต้องเป็นสมาชิกอื่นที่มีสถานะปกติ",
        )
    )
    n = account.balance_shares if shares is None else shares
    enough = 0 < n <= account.balance_shares
    checks.append(
        RuleCheck(
            rule="โอนได้ไม่เกินหุ้นคงเหลือ",
            figure=f"โอน {shares_text(n)} จากคงเหลือ {shares_text(account.balance_shares)}",
            passed=enough,
            message="ผ่าน" if enough else "จำนวนหุ้นที่โอนต้องมากกว่า 0 และไม่เกินหุ้นคงเหลือ",
        )
    )
    if rules.withdrawal_settles_debts:
        debts = sum((d.amount for d in member_debts(member=member, on=on)), ZERO)
        left = account.balance_amount - _transfer_amount(account=account, shares=n, rules=rules)
        covered = debts <= left
        checks.append(
            RuleCheck(
                rule="หุ้นที่เหลือหลังโอนต้องพอชำระหนี้ของผู้โอน",
                figure=f"หนี้ {baht(debts)} บาท หุ้นเหลือหลังโอน {baht(left)} บาท",
                passed=covered,
                message="ผ่าน" if covered else "ต้องหักชำระหนี้จากหุ้นก่อนโอน",
            )
        )
    if receiver_ok and enough:
        receiver = ShareAccount.objects.filter(member_id=to_member.pk).first()
        held = receiver.balance_shares if receiver is not None else 0
        checks.append(
            _cap_check(
                rules=rules,
                held=held,
                shares=n,
                new_shares=0,
                holders_leaving=1 if n == account.balance_shares else 0,
            )
        )
    return checks


def _transfer_amount(*, account: ShareAccount, shares: int, rules: ShareRules) -> Decimal:
    # The whole holding moves at its book amount (shares bought under an older par value keep it).
    if shares == account.balance_shares:
        return account.balance_amount
    return shares * rules.par_value


def share_request_checks(
    *,
    kind: str,
    member: Member,
    effective_on: dt.date,
    to_member: Member | None = None,
    shares: int | None = None,
    suspension: str = "",
) -> list[RuleCheck]:
    """The rule checks of a request as of now (creation, the approver's screen, approval)."""
    rules = share_rules_for(on=effective_on)
    account = ShareAccount.objects.filter(member_id=member.pk).first()
    if account is None:
        raise ShareError(f"สมาชิก {member.number_and_name} ยังไม่มีบัญชีหุ้น", field="member")
    if kind == RequestKind.WITHDRAWAL:
        return _withdrawal_checks(rules=rules, member=member, account=account, shares=shares, on=effective_on)
    if kind == RequestKind.TRANSFER:
        return _transfer_checks(
            rules=rules, member=member, account=account, to_member=to_member, shares=shares, on=effective_on
        )
    if kind == RequestKind.SUSPENSION:
        active = member.status == MemberStatus.ACTIVE
        return [
            RuleCheck(
                rule="งดส่งค่าหุ้นได้เฉพาะสมาชิกที่มีสถานะปกติ",
                figure=f"สถานะ{member.get_status_display()}",
                passed=active,
                message="ผ่าน" if active else "สมาชิกพ้นสมาชิกภาพแล้ว",
            ),
            *suspension_checks(
                rules=rules,
                suspension=suspension,
                joined_on=member.joined_on,
                on=effective_on,
                balance_amount=account.balance_amount,
                debts_total=sum((d.amount for d in member_debts(member=member, on=effective_on)), ZERO),
                current_suspension=account.suspension,
            ),
        ]
    raise ShareError(f"ไม่รู้จักประเภทคำขอ “{kind}”", field="kind")


@transaction.atomic
def share_request_create(
    *,
    kind: str,
    member: Member,
    by: User,
    effective_on: dt.date,
    reason: str,
    to_member: Member | None = None,
    shares: int | None = None,
    suspension: str = "",
) -> ShareRequest:
    """Record a withdrawal, transfer or suspension request (บันทึกคำขอ) with its rule checks.

    A request that fails a rule is refused here (``ShareError`` with the checks), so the
    approver's queue holds only requests that can pass.
    """
    member, to_member = _fresh(member), _fresh(to_member)
    reason = (reason or "").strip()
    if not reason:
        raise ShareError("กรุณากรอกเหตุผล", field="reason")
    if len(reason) > 300:
        raise ShareError("เหตุผลยาวเกิน 300 ตัวอักษร", field="reason")
    if kind not in RequestKind.values:
        raise ShareError(f"ไม่รู้จักประเภทคำขอ “{kind}”", field="kind")
    if kind != RequestKind.SUSPENSION:
        # A withdrawal or transfer posts on its effective date; a suspension may start a later month.
        refuse_future(
            effective_on, what=f"คำขอ{RequestKind(kind).label}", error=ShareError, field="effective_on"
        )
    if kind != RequestKind.TRANSFER:
        to_member = None
    if kind == RequestKind.SUSPENSION:
        shares = None
        if suspension not in (Suspension.TEMPORARY, Suspension.PERMANENT):
            raise ShareError("เลือกแบบการงดส่ง: ชั่วคราวหรือถาวร", field="suspension")
        effective_on = month_start(effective_on)
    else:
        suspension = ""
    if shares is not None and (not isinstance(shares, int) or shares <= 0):
        raise ShareError("จำนวนหุ้นต้องเป็นจำนวนเต็มมากกว่า 0", field="shares")
    # Lock the member's account so two officers cannot file the same request at once.
    _account_locked(member, action="บันทึกคำขอ")
    pending = ShareRequest.objects.filter(member=member, kind=kind, status=RequestStatus.PENDING).first()
    if pending is not None:
        raise ShareError(
            f"สมาชิก {member.number_and_name} มีคำขอ{pending.get_kind_display()}ที่รออนุมัติอยู่แล้ว (เลขที่ {pending.pk})",
            field="kind",
        )
    checks = share_request_checks(
        kind=kind,
        member=member,
        effective_on=effective_on,
        to_member=to_member,
        shares=shares,
        suspension=suspension,
    )
    checks_refuse(checks, action=f"บันทึกคำขอ{RequestKind(kind).label}", error=ShareError)
    return ShareRequest.objects.create(
        kind=kind,
        member=member,
        to_member=to_member,
        shares=shares,
        suspension=suspension,
        effective_on=effective_on,
        reason=reason,
        checks=[c.as_json() for c in checks],
        requested_by=by,
    )


@transaction.atomic
def share_request_approve(*, request: ShareRequest, by: User, note: str = "") -> ShareRequest:
    """Approve a request (อนุมัติคำขอ) as the second person, and post it.

    WITHDRAWAL: Dr share capital / Cr share refund payable (member), then, when the rules say
    so, Dr share refund payable / Cr each debt (member) up to what the shares cover; all in one
    voucher. What stays on share refund payable is the pending refund (หุ้นรอจ่ายคืน).
    TRANSFER: Dr share capital (from) / Cr share capital (to). SUSPENSION: the account's
    suspension fields (temporary = the one month; permanent from that month).
    """
    request = (
        ShareRequest.objects.select_for_update(of=("self",))
        .select_related("member", "to_member")
        .get(pk=request.pk)
    )
    decision_guard(request, by=by, action="อนุมัติ", error=ShareError)
    today = timezone.localdate()
    if request.kind != RequestKind.SUSPENSION and request.effective_on > today:
        raise ShareError(f"อนุมัติได้ตั้งแต่วันที่มีผล {format_be_date(request.effective_on)}")
    member = request.member
    account = _account_locked(member, action="อนุมัติคำขอ")
    checks = share_request_checks(
        kind=request.kind,
        member=member,
        effective_on=request.effective_on,
        to_member=request.to_member,
        shares=request.shares,
        suspension=request.suspension,
    )
    checks_refuse(checks, action="อนุมัติคำขอ", error=ShareError)
    rules = share_rules_for(on=request.effective_on)
    on = request.effective_on

    if request.kind == RequestKind.WITHDRAWAL:
        amount, shares = account.balance_amount, account.balance_shares
        lines = [
            Line("share_capital", debit=amount, member_id=member.pk, memo=f"ถอนหุ้น {shares_text(shares)}"),
            Line("share_refund_payable", credit=amount, member_id=member.pk, memo="หุ้นรอจ่ายคืน"),
        ]
        available = amount
        settled = []
        try:
            if rules.withdrawal_settles_debts:
                for debt in member_debts(member=member, on=on):
                    settle = min(debt.amount, available)
                    if settle <= 0:
                        break
                    if settle < debt.minimum:
                        continue  # e.g. not even a loan's interest to the day: the next debt may take it
                    lines.append(
                        Line(
                            "share_refund_payable",
                            debit=settle,
                            member_id=member.pk,
                            memo=f"หักชำระ{debt.label}",
                        )
                    )
                    if debt.credit_lines is not None:
                        lines += debt.credit_lines(settle)
                    else:
                        lines.append(
                            Line(
                                debt.account_role,
                                credit=settle,
                                member_id=member.pk,
                                memo=f"ชำระจากหุ้น {member.number_and_name}",
                            )
                        )
                    settled.append((debt, settle))
                    available -= settle
            entry = voucher_post(
                source=EntrySource.SHARES,
                on=on,
                description=f"ถอนหุ้น (พ้นสมาชิกภาพ) {member.number_and_name}",
                lines=lines,
                by=by,
                error=ShareError,
            )
            for debt, settle in settled:
                if debt.settle is not None:
                    debt.settle(amount=settle, on=on, entry=entry, by=by)
        except DebtSettlementError as e:
            raise ShareError(f"หักชำระหนี้จากหุ้นไม่ได้: {e}") from e
        _move(
            account=account,
            kind=TransactionKind.WITHDRAWAL,
            shares=-shares,
            amount=-amount,
            on=on,
            entry=entry,
            by=by,
            request=request,
            memo=f"รอจ่ายคืน {baht(available)} บาท",
        )
    elif request.kind == RequestKind.TRANSFER:
        to_member = request.to_member
        shares = account.balance_shares if request.shares is None else request.shares
        amount = _transfer_amount(account=account, shares=shares, rules=rules)
        receiver = ShareAccount.objects.select_for_update().filter(member_id=to_member.pk).first()
        if receiver is None:
            receiver = share_account_open(member=to_member, opened_on=on, by=by)
        entry = voucher_post(
            source=EntrySource.SHARES,
            on=on,
            description=f"โอนหุ้น {member.number_and_name} ให้ {to_member.number_and_name} {shares_text(shares)}",
            lines=[
                Line("share_capital", debit=amount, member_id=member.pk, memo=f"โอนหุ้นให้ {to_member.number}"),
                Line(
                    "share_capital", credit=amount, member_id=to_member.pk, memo=f"รับโอนหุ้นจาก {member.number}"
                ),
            ],
            by=by,
            error=ShareError,
        )
        _move(
            account=account,
            kind=TransactionKind.TRANSFER_OUT,
            shares=-shares,
            amount=-amount,
            on=on,
            entry=entry,
            by=by,
            request=request,
            memo=f"โอนให้ {to_member.number_and_name}",
        )
        _move(
            account=receiver,
            kind=TransactionKind.TRANSFER_IN,
            shares=shares,
            amount=amount,
            on=on,
            entry=entry,
            by=by,
            request=request,
            memo=f"รับโอนจาก {member.number_and_name}",
        )
    else:
        month = month_start(on)
        until = month if request.suspension == Suspension.TEMPORARY else None
        ShareAccount.objects.filter(pk=account.pk).update(
            suspension=request.suspension, suspended_from=month, suspended_until=until
        )

    decision_record(request, status=RequestStatus.APPROVED, by=by, note=note, checks=checks)
    return request


@transaction.atomic
def share_request_reject(*, request: ShareRequest, by: User, note: str) -> ShareRequest:
    """Reject a request (ไม่อนุมัติ), with the reason; nothing posts. Needs the approver's permission,
    and the approver may not reject a request they recorded (a manager included)."""
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    decision_guard(request, by=by, action="ไม่อนุมัติ", error=ShareError)
    note = rejection_note(note, error=ShareError)
    decision_record(request, status=RequestStatus.REJECTED, by=by, note=note)
    return request


# ======== Refunds (จ่ายคืนค่าหุ้น) ========


@transaction.atomic
def share_refund_pay(
    *, member: Member, amount: Decimal | None = None, on: dt.date, channel: str, by: User | None
) -> JournalEntry:
    """Pay a member who left their pending refund (หุ้นรอจ่ายคืน), all of it or part.

    GL: Dr share refund payable (member) / Cr cash|bank.
    """
    refuse_future(on, what="การจ่ายคืนค่าหุ้น", error=ShareError, field="on")
    member = _fresh(member)
    money_role = _money_role(channel, allowed=(Channel.COUNTER, Channel.TRANSFER))
    # Lock the account so two payments of the same refund cannot both pass the balance check.
    _account_locked(member, action="จ่ายคืนค่าหุ้น")
    pending = min(
        account_balance(account="share_refund_payable", member_id=member.pk, as_of=on),
        account_balance(account="share_refund_payable", member_id=member.pk),
    )
    if pending <= 0:
        raise ShareError(
            f"สมาชิก {member.number_and_name} ไม่มีหุ้นรอจ่ายคืน ณ วันที่ {format_be_date(on)}", field="member"
        )
    if amount is None:
        amount = pending
    if not isinstance(amount, Decimal) or has_more_than_two_places(amount) or amount <= 0:
        raise ShareError("จำนวนเงินต้องมากกว่า 0 และมีทศนิยมไม่เกิน 2 ตำแหน่ง", field="amount")
    if amount > pending:
        raise ShareError(
            f"จ่ายคืนได้ไม่เกินหุ้นรอจ่ายคืน {baht(pending)} บาท (ขอจ่าย {baht(amount)} บาท)", field="amount"
        )
    return voucher_post(
        source=EntrySource.SHARES,
        on=on,
        description=f"จ่ายคืนค่าหุ้น {member.number_and_name}",
        lines=[
            Line("share_refund_payable", debit=amount, member_id=member.pk, memo="จ่ายคืนค่าหุ้น"),
            Line(money_role, credit=amount, memo=member.number_and_name),
        ],
        by=by,
        error=ShareError,
    )


# ======== Corrections (กลับรายการ) ========


@transaction.atomic
def share_transaction_reverse(
    *, transaction: ShareTransaction, on: dt.date, reason: str, by: User | None
) -> ShareTransaction:
    """Reverse a share transaction (กลับรายการ): a REVERSAL row with negated figures, and its voucher.

    When the voucher holds only this row (or the two sides of a transfer), the whole voucher is
    reversed in the ledger; a row on a shared voucher (the monthly batch) gets a voucher of its
    own lines only. A row is reversed at most once, and never a reversal.
    """
    refuse_future(on, what="การกลับรายการ", error=ShareError, field="on")
    original = (
        ShareTransaction.objects.select_for_update(of=("self",))
        .select_related("journal_entry")
        .get(pk=transaction.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise ShareError("กรุณาระบุเหตุผลที่กลับรายการ", field="reason")
    if original.kind == TransactionKind.REVERSAL:
        raise ShareError("รายการนี้เป็นรายการกลับรายการอยู่แล้ว กลับรายการซ้ำไม่ได้")
    if original.kind == TransactionKind.OPENING:
        raise ShareError("ยอดยกมากลับรายการไม่ได้ ให้แก้ไขที่ใบสำคัญยอดยกมาในบัญชีแยกประเภท")
    if on < original.date:
        raise ShareError(f"วันที่กลับรายการต้องไม่ก่อนวันที่ของรายการเดิม ({format_be_date(original.date)})", field="on")
    refuse_reversing_a_billing_row(original.journal_entry, error=ShareError)
    siblings = list(ShareTransaction.objects.filter(journal_entry=original.journal_entry).order_by("id"))
    if original.kind in (TransactionKind.TRANSFER_OUT, TransactionKind.TRANSFER_IN):
        group = [s for s in siblings if s.request_id == original.request_id]
    else:
        group = [original]
    whole_voucher = len(group) == len(siblings)
    if ShareTransaction.objects.filter(reverses__in=group).exists():
        raise ShareError("รายการนี้ถูกกลับรายการไปแล้ว")

    accounts = {
        a.pk: a
        for a in ShareAccount.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(pk__in={row.account_id for row in group})
        .order_by("pk")
    }
    for row in group:
        account = accounts[row.account_id]
        if account.balance_shares - row.shares < 0 or account.balance_amount - row.amount < 0:
            raise ShareError(
                f"กลับรายการไม่ได้: หุ้นคงเหลือของ {account.member.number_and_name} ({shares_text(account.balance_shares)}) "
                f"ไม่พอให้หัก {shares_text(row.shares)}"
            )
    if original.kind == TransactionKind.WITHDRAWAL:
        member = accounts[original.account_id].member
        refund_role = account_for_role("share_refund_payable")
        credited = sum(
            (
                line.credit - line.debit
                for line in original.journal_entry.lines.all()
                if line.account_id == refund_role.pk
            ),
            ZERO,
        )
        pending = account_balance(account=refund_role, member_id=member.pk)
        if pending < credited:
            raise ShareError(
                f"กลับรายการถอนหุ้นไม่ได้: จ่ายคืนค่าหุ้นไปแล้ว (หุ้นรอจ่ายคืนเหลือ {baht(pending)} บาท "
                f"น้อยกว่า {baht(credited)} บาท) ให้กลับรายการจ่ายคืนในบัญชีแยกประเภทก่อน"
            )

    if whole_voucher:
        try:
            entry = journal_entry_reverse(
                entry=original.journal_entry, date=on, reason=reason, reversed_by=by
            )
        except LedgerError as e:
            raise ShareError(f"กลับรายการบัญชีไม่ได้: {e.message}") from e
    else:
        entry = _reverse_own_lines(original=original, on=on, reason=reason, by=by)
    if original.kind == TransactionKind.WITHDRAWAL:
        try:
            debt_settlements_reverse(
                entry=original.journal_entry, reversal_entry=entry, on=on, reason=reason, by=by
            )
        except DebtSettlementError as e:
            raise ShareError(f"กลับรายการถอนหุ้นไม่ได้: {e}") from e

    reversals = {
        row.pk: _move(
            account=accounts[row.account_id],
            kind=TransactionKind.REVERSAL,
            shares=-row.shares,
            amount=-row.amount,
            on=on,
            entry=entry,
            by=by,
            channel=row.channel,
            request=row.request,
            reverses=row,
            memo=f"กลับรายการ{row.get_kind_display()}: {reason}",
        )
        for row in group
    }
    return reversals[original.pk]


def _reverse_own_lines(
    *, original: ShareTransaction, on: dt.date, reason: str, by: User | None
) -> JournalEntry:
    """A voucher undoing one row of a shared voucher: its share-capital line against the voucher's
    other side (when that side is one account), else the channel's cash or bank account."""
    capital = account_for_role("share_capital")
    member_id = original.account.member_id
    others = {line.account_id for line in original.journal_entry.lines.all() if line.account_id != capital.pk}
    if len(others) == 1:
        contra: object = original.journal_entry.lines.filter(account_id__in=others).first().account
    else:
        contra = _money_role(original.channel)
    amount = original.amount
    if amount > 0:
        lines = [
            Line(
                "share_capital",
                debit=amount,
                member_id=member_id,
                memo=f"กลับรายการ{original.get_kind_display()}",
            ),
            Line(contra, credit=amount),
        ]
    else:
        lines = [
            Line(contra, debit=-amount),
            Line(
                "share_capital",
                credit=-amount,
                member_id=member_id,
                memo=f"กลับรายการ{original.get_kind_display()}",
            ),
        ]
    return voucher_post(
        source=EntrySource.SHARES,
        on=on,
        description=f"กลับรายการ{original.get_kind_display()} {original.account.member.number} "
        f"ของใบสำคัญ {original.journal_entry.voucher_label}: {reason}",
        lines=lines,
        by=by,
        error=ShareError,
    )


# ======== Rules versions (ระเบียบหุ้น) ========


@transaction.atomic
def share_rules_create(
    *,
    by: User | None,
    effective_from: dt.date,
    brackets: list[tuple[Decimal | None, Decimal]] | None,
    note: str,
    **fields,
) -> ShareRules:
    """Add a rules version in force from ``effective_from`` (ระเบียบหุ้นฉบับใหม่).

    Settings not given carry over from the version in force before it (``brackets=None`` keeps
    its salary table). A date in the past is refused once any share transaction exists: the
    history is never recomputed under rules that did not apply then.
    """
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown share rule field(s): {', '.join(sorted(unknown))}")
    errors = problems_of_new_rules(effective_from=effective_from, brackets=brackets, note=note, **fields)
    if errors:
        raise ShareError("; ".join(errors.values()), errors=errors)
    previous = (
        ShareRules.objects.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
    )
    values = _rule_values(previous, fields)
    rules = ShareRules.objects.create(
        effective_from=effective_from, note=note.strip(), created_by=by, **values
    )
    if brackets is None and previous is not None:
        brackets = [(b.salary_up_to, b.value) for b in previous.brackets.all()]
    ShareBracket.objects.bulk_create(
        ShareBracket(rules=rules, salary_up_to=upto, value=value) for upto, value in _sorted(brackets or [])
    )
    return rules


def _sorted(brackets: list[tuple[Decimal | None, Decimal]]) -> list[tuple[Decimal | None, Decimal]]:
    return sorted(brackets, key=lambda b: (b[0] is None, b[0] if b[0] is not None else ZERO))


def _rule_values(previous: ShareRules | None, fields: dict) -> dict:
    base = {name: getattr(previous, name) for name in RULE_FIELDS} if previous is not None else {}
    if previous is None:
        fields_meta = [ShareRules._meta.get_field(name) for name in RULE_FIELDS]
        base = {f.name: f.to_python(f.get_default()) for f in fields_meta if f.has_default()}
    return {**base, **fields}


def brackets_problem(brackets: list[tuple[Decimal | None, Decimal]], *, required: bool) -> str | None:
    """A Thai message when a salary table (in any order) cannot place every salary exactly once."""
    edges = [upto for upto, _ in brackets]
    if len(set(edges)) != len(edges):
        return "เงินเดือนของแต่ละขั้นต้องไม่ซ้ำกัน"
    return bracket_problems(_sorted(brackets), required=required)


def problems_of_new_rules(
    *,
    effective_from: dt.date | None,
    brackets: list[tuple[Decimal | None, Decimal]] | None,
    note: str,
    **fields,
) -> dict[str, str]:
    """Field → Thai message for a new rules version that cannot be saved (the admin form uses it too)."""
    errors: dict[str, str] = {}
    if effective_from is None:
        errors["effective_from"] = "กรุณากรอกวันที่มีผล"
    else:
        today = timezone.localdate()
        if effective_from < today and ShareTransaction.objects.exists():
            errors["effective_from"] = (
                f"วันที่มีผลต้องไม่ก่อนวันนี้ ({format_be_date(today)}) เพราะมีรายการหุ้นแล้ว "
                "(ประวัติคำนวณตามระเบียบที่ใช้ในขณะนั้น)"
            )
        elif ShareRules.objects.filter(effective_from=effective_from).exists():
            errors["effective_from"] = f"มีระเบียบหุ้นที่มีผลวันที่ {format_be_date(effective_from)} อยู่แล้ว"
    if not (note or "").strip():
        errors["note"] = "กรุณากรอกเหตุผลหรือมติที่ประชุม"
    previous = (
        ShareRules.objects.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
        if effective_from is not None
        else None
    )
    values = _rule_values(previous, fields)
    errors |= {k: v for k, v in rules_field_problems(values).items() if k not in errors}
    if brackets is not None or previous is None:
        problem = brackets_problem(brackets or [], required=values.get("monthly_method") == "table")
        if problem:
            errors["brackets"] = problem
    return errors
