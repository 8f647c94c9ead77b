"""Reads of share capital (ทุนเรือนหุ้น): a member's share record and the sums the reports share.

The back office and (later) the member portal read a member's shares through
``share_record_get``; the reports in ``reports.py`` build on the helpers here. Sums of money go
through ``money_sum`` so they are exact to the satang on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from sahakorn.core.money import ZERO
from sahakorn.core.months import month_start
from sahakorn.core.reports import Reconciliation as CoreReconciliation
from sahakorn.core.selectors import coop_profile_get, money_from_sum
from sahakorn.core.selectors import money_sum as core_money_sum
from sahakorn.ledger.models import EntryStatus, JournalLine
from sahakorn.ledger.selectors import account_balance, account_for_role
from sahakorn.ledger.services import fiscal_year_bounds
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.models import (
    MonthlyContributionChange,
    ShareAccount,
    ShareRules,
    ShareTransaction,
    Suspension,
    TransactionKind,
)

CONTRIBUTION_KINDS = (TransactionKind.INITIAL, TransactionKind.MONTHLY, TransactionKind.EXTRA)
PAST_FISCAL_YEARS = 5


# ======== Exact money sums on both databases ========


# The one exact money SUM of both databases (core.selectors), by the names this app's readers use.
money_sum = core_money_sum
to_money = money_from_sum


# ======== Months and fiscal years ========


def month_index(day: dt.date) -> int:
    """Months since year 0, so month arithmetic is plain subtraction."""
    return day.year * 12 + day.month - 1


def fiscal_year_start_month() -> int:
    return coop_profile_get().fiscal_year_start_month


def fiscal_year_of(day: dt.date, *, start_month: int | None = None) -> int:
    """The fiscal year (C.E. year of its last day, as the ledger numbers years) that ``day`` falls in."""
    start_month = start_month or fiscal_year_start_month()
    start, end = fiscal_year_bounds(on=day, start_month=start_month)
    return end.year


def fiscal_year_range(fy_end_year: int, *, start_month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year that ends in C.E. ``fy_end_year``."""
    first = dt.date(fy_end_year if start_month == 1 else fy_end_year - 1, start_month, 1)
    return fiscal_year_bounds(on=first, start_month=start_month)


def fiscal_year_expression(date_field: str, *, start_month: int):
    """SQL for ``fiscal_year_of``: the C.E. year in which the date's fiscal year ends."""
    year = ExtractYear(date_field)
    if start_month == 1:
        return year
    return Case(
        When(**{f"{date_field}__month__gte": start_month}, then=year + 1),
        default=year,
        output_field=IntegerField(),
    )


# ======== Reconciliation with the general ledger ========


@dataclass(frozen=True)
class Reconciliation(CoreReconciliation):
    """A share figure beside the share-capital control account (GL)."""

    gl_label: str = "บัญชีคุมทุนเรือนหุ้น (บัญชีแยกประเภท)"


def share_capital_gl_balance(*, as_of: dt.date | None = None) -> Decimal:
    """Balance of the share-capital control account (credit-normal, positive)."""
    return account_balance(account="share_capital", as_of=as_of)


def share_capital_subledger_total(*, as_of: dt.date | None = None) -> Decimal:
    """All members' shares in baht: the accounts' cached balances, or their transactions up to ``as_of``."""
    if as_of is None:
        return to_money(ShareAccount.objects.aggregate(t=money_sum("balance_amount"))["t"])
    return to_money(ShareTransaction.objects.filter(date__lte=as_of).aggregate(t=money_sum("amount"))["t"])


def share_capital_reconciliation(*, as_of: dt.date | None = None, label: str = "") -> Reconciliation:
    """The whole share register beside the GL as of a date (None: everything posted)."""
    return Reconciliation(
        label=label or "ทุนเรือนหุ้นตามทะเบียนหุ้นทั้งหมด",
        subledger=share_capital_subledger_total(as_of=as_of),
        gl=share_capital_gl_balance(as_of=as_of),
    )


def share_capital_gl_net_credit(*, lines: QuerySet[JournalLine]) -> Decimal:
    """Credits less debits of the given journal lines on the share-capital account."""
    account = account_for_role("share_capital")
    sums = lines.filter(account=account, entry__status=EntryStatus.POSTED).aggregate(
        dr=money_sum("debit"), cr=money_sum("credit")
    )
    return to_money(sums["cr"]) - to_money(sums["dr"])


# ======== One member's share record (ข้อมูลหุ้นของสมาชิก) ========


@dataclass(frozen=True)
class HistoryLine:
    date: dt.date
    kind: str
    kind_label: str
    channel_label: str
    period: dt.date | None
    shares: int
    amount: Decimal
    balance_shares: int
    balance_amount: Decimal
    journal_entry_id: int
    voucher_label: str
    memo: str
    reversed: bool
    is_reversal: bool


@dataclass(frozen=True)
class FiscalYearContribution:
    fy_end_year: int
    year_be: int
    start: dt.date
    end: dt.date
    amount: Decimal
    shares: int


@dataclass
class ShareRecord:
    """Everything the member's share page shows; ``account`` is None before the account is opened."""

    member: Member
    account: ShareAccount | None
    today: dt.date
    rules: ShareRules | None = None
    par_value: Decimal = ZERO
    initial_shares: int = 0
    initial_amount: Decimal = ZERO
    monthly_shares: int = 0
    monthly_amount: Decimal = ZERO
    pending_change: MonthlyContributionChange | None = None
    balance_shares: int = 0
    balance_amount: Decimal = ZERO
    pending_collection_shares: int = 0
    pending_collection_amount: Decimal = ZERO
    pending_refund: Decimal = ZERO
    suspended_now: bool = False
    current_month_purchases: list[HistoryLine] = field(default_factory=list)
    current_month_total: Decimal = ZERO
    fiscal_years: list[FiscalYearContribution] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)

    @property
    def has_left(self) -> bool:
        return self.member.status != MemberStatus.ACTIVE


def suspension_covers(account: ShareAccount, month: dt.date) -> bool:
    """Is the monthly contribution for ``month`` (first day) suspended (งดส่ง) on this account?"""
    if not account.suspension:
        return False
    start = month_start(account.suspended_from) if account.suspended_from else None
    if start is not None and month < start:
        return False
    if account.suspension == Suspension.TEMPORARY and account.suspended_until is not None:
        return month <= month_start(account.suspended_until)
    return True


def share_history(*, account: ShareAccount) -> list[HistoryLine]:
    """The account's transactions oldest first with the running balance (B.E. dates in templates)."""
    kinds = dict(TransactionKind.choices)
    lines = []
    shares, amount = 0, ZERO
    transactions = (
        ShareTransaction.objects.filter(account=account)
        .select_related("journal_entry__fiscal_year")
        .annotate(is_reversed=Q(reversed_by__isnull=False))
        .order_by("date", "id")
    )
    for tx in transactions:
        shares += tx.shares
        amount += tx.amount
        lines.append(
            HistoryLine(
                date=tx.date,
                kind=tx.kind,
                kind_label=str(kinds.get(tx.kind, tx.kind)),
                channel_label=tx.get_channel_display(),
                period=tx.period,
                shares=tx.shares,
                amount=tx.amount,
                balance_shares=shares,
                balance_amount=amount,
                journal_entry_id=tx.journal_entry_id,
                voucher_label=tx.journal_entry.voucher_label,
                memo=tx.memo,
                reversed=bool(tx.is_reversed),
                is_reversal=tx.reverses_id is not None,
            )
        )
    return lines


def contributions_by_fiscal_year(
    *, account: ShareAccount, today: dt.date, past_years: int = PAST_FISCAL_YEARS
) -> list[FiscalYearContribution]:
    """Shares bought (initial + monthly + extra, less their reversals) in each fiscal year, newest first.

    Covers the current fiscal year and at least ``past_years`` before it (zero where nothing was
    bought), and every earlier year with purchases; one GROUP BY query.
    """
    start_month = fiscal_year_start_month()
    rows = (
        ShareTransaction.objects.filter(account=account, date__lte=today)
        .filter(
            Q(kind__in=CONTRIBUTION_KINDS)
            | Q(kind=TransactionKind.REVERSAL, reverses__kind__in=CONTRIBUTION_KINDS)
        )
        .annotate(fy=fiscal_year_expression("date", start_month=start_month))
        .values("fy")
        .annotate(amount=money_sum("amount"), shares=Sum("shares"))
        .order_by()
    )
    by_year = {row["fy"]: (to_money(row["amount"]), row["shares"] or 0) for row in rows}
    current = fiscal_year_of(today, start_month=start_month)
    first = min([current - past_years, *by_year])
    out = []
    for fy in range(current, first - 1, -1):
        start, end = fiscal_year_range(fy, start_month=start_month)
        amount, shares = by_year.get(fy, (ZERO, 0))
        out.append(
            FiscalYearContribution(
                fy_end_year=fy, year_be=fy + 543, start=start, end=end, amount=amount, shares=shares
            )
        )
    return out


def monthly_collected(*, account: ShareAccount, month: dt.date) -> bool:
    """Has the monthly contribution for ``month`` been collected (and not reversed)?"""
    return ShareTransaction.objects.filter(
        account=account, kind=TransactionKind.MONTHLY, period=month_start(month), reversed_by__isnull=True
    ).exists()


def share_account_for(*, member: Member) -> ShareAccount | None:
    return ShareAccount.objects.filter(member=member).first()


def share_summary_get(*, member: Member, today: dt.date | None = None) -> ShareRecord:
    """The figures of a member's share record without the transaction list (the member-page card)."""
    from sahakorn.shares.rules import share_rules_for

    today = today or timezone.localdate()
    account = share_account_for(member=member)
    record = ShareRecord(member=member, account=account, today=today)
    record.pending_refund = account_balance(account="share_refund_payable", member_id=member.pk)
    if account is None:
        return record
    rules = share_rules_for(on=today)
    this_month = month_start(today)
    record.rules = rules
    record.par_value = rules.par_value
    record.balance_shares = account.balance_shares
    record.balance_amount = account.balance_amount
    record.monthly_shares = account.monthly_shares
    record.monthly_amount = rules.par_value * account.monthly_shares
    initial = ShareTransaction.objects.filter(account=account, kind=TransactionKind.INITIAL).aggregate(
        shares=Sum("shares"), amount=money_sum("amount")
    )
    record.initial_shares = initial["shares"] or 0
    record.initial_amount = to_money(initial["amount"])
    record.pending_change = (
        MonthlyContributionChange.objects.filter(account=account, effective_month__gt=this_month)
        .order_by("-effective_month", "-id")
        .first()
    )
    record.suspended_now = suspension_covers(account, this_month)
    if (
        member.status == MemberStatus.ACTIVE
        and not record.suspended_now
        and account.monthly_shares > 0
        and not monthly_collected(account=account, month=this_month)
    ):
        record.pending_collection_shares = account.monthly_shares
        record.pending_collection_amount = record.monthly_amount
    record.fiscal_years = contributions_by_fiscal_year(account=account, today=today)
    return record


def share_record_get(*, member: Member, today: dt.date | None = None) -> ShareRecord:
    """A member's full share record (ข้อมูลหุ้น): the summary, each fiscal year, this month, every transaction."""
    record = share_summary_get(member=member, today=today)
    if record.account is None:
        return record
    record.history = share_history(account=record.account)
    this_month = month_start(record.today)
    record.current_month_purchases = [
        line
        for line in record.history
        if line.kind in CONTRIBUTION_KINDS and this_month <= line.date <= record.today
    ]
    record.current_month_total = sum((line.amount for line in record.current_month_purchases), ZERO)
    return record
