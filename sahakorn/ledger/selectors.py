"""Reads of the general ledger: balances, trial balance (งบทดลอง), account statements, the journal."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from sahakorn.core.money import ZERO
from sahakorn.core.selectors import money_from_sum, money_sum
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import (
    DEBIT_NORMAL,
    Account,
    AccountCategory,
    AccountRole,
    EntrySource,
    EntryStatus,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
)

# ======== Chart of accounts ========


def account_for_role(key: str) -> Account:
    """The account that plays ``key`` ("cash", "share_capital", …) in this coop's chart."""
    role = AccountRole.objects.select_related("account").filter(key=key).first()
    if role is None:
        raise LedgerError(f"ยังไม่ได้กำหนดบัญชีสำหรับบทบาท “{key}” (ตั้งค่าที่ บัญชีตามบทบาท)")
    return role.account


def account_resolve(account: str | Account) -> Account:
    """An Account from itself, a role key or a code."""
    if isinstance(account, Account):
        return account
    role = AccountRole.objects.select_related("account").filter(key=account).first()
    if role is not None:
        return role.account
    found = Account.objects.filter(code=account).first()
    if found is None:
        raise LedgerError(f"ไม่พบบัญชีหรือบทบาทบัญชี “{account}”")
    return found


def accounts_postable() -> QuerySet[Account]:
    """Active leaf accounts: the only ones a voucher line may use."""
    return Account.objects.filter(is_active=True).exclude(
        Exists(Account.objects.filter(parent=OuterRef("pk")))
    )


@dataclass(frozen=True)
class ChartNode:
    account: Account
    depth: int
    is_header: bool
    role_keys: tuple[str, ...] = ()
    child_ids: tuple[int, ...] = field(default=(), repr=False)


def chart_tree() -> list[ChartNode]:
    """Every account in tree order (parents before their children, siblings by code), two queries."""
    accounts = list(Account.objects.order_by("code"))
    roles: dict[int, list[str]] = {}
    for key, account_id in AccountRole.objects.order_by("key").values_list("key", "account_id"):
        roles.setdefault(account_id, []).append(key)
    children: dict[int | None, list[Account]] = {}
    for account in accounts:
        children.setdefault(account.parent_id, []).append(account)
    nodes: list[ChartNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for account in children.get(parent_id, []):
            kids = children.get(account.pk, [])
            nodes.append(
                ChartNode(
                    account=account,
                    depth=depth,
                    is_header=bool(kids),
                    role_keys=tuple(roles.get(account.pk, [])),
                    child_ids=tuple(kid.pk for kid in kids),
                )
            )
            walk(account.pk, depth + 1)

    walk(None, 0)
    return nodes


def _with_descendants(account: Account) -> list[int]:
    by_parent: dict[int | None, list[int]] = {}
    for pk, parent_id in Account.objects.values_list("pk", "parent_id"):
        by_parent.setdefault(parent_id, []).append(pk)
    ids, stack = [], [account.pk]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack.extend(by_parent.get(pk, []))
    return ids


def _natural(account: Account | str, debit: Decimal, credit: Decimal) -> Decimal:
    category = account if isinstance(account, str) else account.category
    return debit - credit if category in DEBIT_NORMAL else credit - debit


# ======== Balances ========


def account_balance(
    *, account: str | Account, as_of: dt.date | None = None, member_id: int | None = None
) -> Decimal:
    """Balance on the account's normal side (assets and expenses positive when debit).

    A header account's balance is the sum of its children's; ``member_id`` narrows it to one
    member's lines (a member's share capital, a member's loan).
    """
    account = account_resolve(account)
    lines = JournalLine.objects.filter(
        entry__status=EntryStatus.POSTED, account_id__in=_with_descendants(account)
    )
    if as_of is not None:
        lines = lines.filter(entry__date__lte=as_of)
    if member_id is not None:
        lines = lines.filter(member_id=member_id)
    sums = lines.aggregate(dr=money_sum("debit"), cr=money_sum("credit"))
    return _natural(account, money_from_sum(sums["dr"]), money_from_sum(sums["cr"]))


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    code: str
    name: str
    category: str
    depth: int
    is_header: bool
    debit_balance: Decimal
    credit_balance: Decimal

    @property
    def category_label(self) -> str:
        return AccountCategory(self.category).label


@dataclass(frozen=True)
class TrialBalance:
    as_of: dt.date
    fiscal_year: FiscalYear | None
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def is_balanced(self) -> bool:
        return self.total_debit == self.total_credit


def trial_balance(*, as_of: dt.date, fiscal_year: FiscalYear | None = None) -> TrialBalance:
    """The trial balance (งบทดลอง) as of a date, from one GROUP BY over posted lines.

    By default every posted voucher up to ``as_of`` counts; with ``fiscal_year`` only that
    year's vouchers (whose opening vouchers carry the brought-forward balances). Header accounts
    show the sum of their children; the totals add each account once, so they are equal exactly
    when every voucher balances.
    """
    lines = JournalLine.objects.filter(entry__status=EntryStatus.POSTED, entry__date__lte=as_of)
    if fiscal_year is not None:
        lines = lines.filter(entry__fiscal_year=fiscal_year)
    own: dict[int, Decimal] = {}
    for row in lines.values("account_id").annotate(dr=money_sum("debit"), cr=money_sum("credit")).order_by():
        own[row["account_id"]] = money_from_sum(row["dr"]) - money_from_sum(row["cr"])

    nodes = chart_tree()
    rolled: dict[int, Decimal] = {}
    active: dict[int, bool] = {}
    for node in reversed(nodes):  # children come after their parent, so walk backwards
        pk = node.account.pk
        rolled[pk] = own.get(pk, ZERO) + sum((rolled[kid] for kid in node.child_ids), ZERO)
        active[pk] = pk in own or any(active[kid] for kid in node.child_ids)

    rows = []
    for node in nodes:
        pk = node.account.pk
        if not active[pk]:
            continue
        net = rolled[pk]
        rows.append(
            TrialBalanceRow(
                account_id=pk,
                code=node.account.code,
                name=node.account.name_th,
                category=node.account.category,
                depth=node.depth,
                is_header=node.is_header,
                debit_balance=net if net > 0 else ZERO,
                credit_balance=-net if net < 0 else ZERO,
            )
        )
    total_debit = sum((net for net in own.values() if net > 0), ZERO)
    total_credit = sum((-net for net in own.values() if net < 0), ZERO)
    return TrialBalance(
        as_of=as_of, fiscal_year=fiscal_year, rows=rows, total_debit=total_debit, total_credit=total_credit
    )


# ======== Account statement ========


@dataclass(frozen=True)
class StatementLine:
    date: dt.date
    entry_id: int
    voucher_label: str
    description: str
    account_code: str
    memo: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class AccountStatement:
    account: Account
    start: dt.date
    end: dt.date
    opening_balance: Decimal
    lines: list[StatementLine]
    total_debit: Decimal
    total_credit: Decimal
    closing_balance: Decimal

    @property
    def is_debit_normal(self) -> bool:
        return self.account.is_debit_normal


def account_statement(*, account: str | Account, start: dt.date, end: dt.date) -> AccountStatement:
    """The ledger card (บัญชีแยกประเภท) of one account: opening, each posting with the running
    balance on the account's normal side, closing. A header account includes its children."""
    account = account_resolve(account)
    base = JournalLine.objects.filter(
        entry__status=EntryStatus.POSTED, account_id__in=_with_descendants(account)
    )
    before = base.filter(entry__date__lt=start).aggregate(dr=money_sum("debit"), cr=money_sum("credit"))
    opening = _natural(account, money_from_sum(before["dr"]), money_from_sum(before["cr"]))
    balance = opening
    total_debit = total_credit = ZERO
    out = []
    lines = (
        base.filter(entry__date__gte=start, entry__date__lte=end)
        .select_related("entry__fiscal_year", "account")
        .order_by("entry__date", "entry__fiscal_year__year_be", "entry__voucher_no", "id")
    )
    for line in lines:
        balance += _natural(account, line.debit, line.credit)
        total_debit += line.debit
        total_credit += line.credit
        out.append(
            StatementLine(
                date=line.entry.date,
                entry_id=line.entry_id,
                voucher_label=line.entry.voucher_label,
                description=line.entry.description,
                account_code=line.account.code,
                memo=line.memo,
                debit=line.debit,
                credit=line.credit,
                balance=balance,
            )
        )
    return AccountStatement(
        account=account,
        start=start,
        end=end,
        opening_balance=opening,
        lines=out,
        total_debit=total_debit,
        total_credit=total_credit,
        closing_balance=balance,
    )


# ======== Journal ========

_VOUCHER = re.compile(r"^\s*(?:JV)?\s*(\d{4})\s*[-/]\s*(\d{1,9})\s*$", re.IGNORECASE)


def voucher_query(text: str) -> Q:
    """Match what people type for a voucher: JV2569-000123, 2569-123, or just 123 (any year)."""
    text = (text or "").strip()
    m = _VOUCHER.match(text)
    if m:
        return Q(fiscal_year__year_be=int(m.group(1)), voucher_no=int(m.group(2)))
    if text.isdigit():
        return Q(voucher_no=int(text))
    return Q(pk__in=[])


def _line_total(side: str) -> Subquery:
    # A correlated subquery rather than a JOIN + GROUP BY, so counting and slicing a page of
    # vouchers never aggregates every line of the range first.
    return Subquery(
        JournalLine.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(t=Sum(side))
        .values("t")
    )


def general_journal(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    source: str | None = None,
    status: str | None = EntryStatus.POSTED,
    voucher: str | None = None,
) -> QuerySet[JournalEntry]:
    """The general journal (สมุดรายวันทั่วไป): vouchers in date order with their lines prefetched.

    ``status=None`` includes drafts. Each entry carries ``total_debit`` and ``total_credit``.
    """
    entries = JournalEntry.objects.all()
    if start is not None:
        entries = entries.filter(date__gte=start)
    if end is not None:
        entries = entries.filter(date__lte=end)
    if source:
        entries = entries.filter(source=source)
    if status:
        entries = entries.filter(status=status)
    if voucher:
        entries = entries.filter(voucher_query(voucher))
    return (
        entries.select_related("fiscal_year")
        .prefetch_related(
            Prefetch("lines", queryset=JournalLine.objects.select_related("account", "member").order_by("id"))
        )
        .annotate(total_debit=_line_total("debit"), total_credit=_line_total("credit"))
        .order_by("date", "fiscal_year__year_be", "voucher_no", "id")
    )


def journal_entries_recent(*, limit: int = 10) -> list[JournalEntry]:
    """The latest posted vouchers with ``total_debit`` (the home page)."""
    return list(
        JournalEntry.objects.filter(status=EntryStatus.POSTED)
        .select_related("fiscal_year")
        .annotate(total_debit=_line_total("debit"))
        .order_by("-id")[:limit]
    )


def journal_entry_get(*, pk: int) -> JournalEntry:
    """One voucher with its lines, people and the vouchers it reverses or is reversed by."""
    return (
        JournalEntry.objects.select_related(
            "fiscal_year", "period__fiscal_year", "created_by", "posted_by", "reverses__fiscal_year"
        )
        .prefetch_related(
            Prefetch("lines", queryset=JournalLine.objects.select_related("account", "member").order_by("id"))
        )
        .get(pk=pk)
    )


def journal_entry_reversal(*, entry: JournalEntry) -> JournalEntry | None:
    return JournalEntry.objects.select_related("fiscal_year").filter(reverses=entry).first()


def drafts_count() -> int:
    return JournalEntry.objects.filter(status=EntryStatus.DRAFT).count()


# ======== Integrity ========


class UnbalancedEntry(NamedTuple):
    entry_id: int
    voucher_label: str
    debit_total: Decimal
    credit_total: Decimal


def unbalanced_entries() -> list[UnbalancedEntry]:
    """Posted vouchers whose debits and credits differ, from one GROUP BY query (should be none)."""
    rows = (
        JournalLine.objects.filter(entry__status=EntryStatus.POSTED)
        .values("entry_id", "entry__voucher_no", "entry__fiscal_year__year_be")
        .annotate(dr=money_sum("debit"), cr=money_sum("credit"))
        .exclude(dr=F("cr"))
        .order_by("entry_id")
    )
    return [
        UnbalancedEntry(
            entry_id=row["entry_id"],
            voucher_label=f"JV{row['entry__fiscal_year__year_be']}-{row['entry__voucher_no']:06d}",
            debit_total=money_from_sum(row["dr"]),
            credit_total=money_from_sum(row["cr"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class LedgerTotals:
    entries: int
    lines: int
    total_debit: Decimal
    total_credit: Decimal
    empty_entries: int
    header_lines: int


def ledger_totals() -> LedgerTotals:
    """Counts and grand totals of everything posted, for ``sahakorn ledger check``."""
    posted_lines = JournalLine.objects.filter(entry__status=EntryStatus.POSTED)
    sums = posted_lines.aggregate(dr=money_sum("debit"), cr=money_sum("credit"))
    posted = JournalEntry.objects.filter(status=EntryStatus.POSTED)
    return LedgerTotals(
        entries=posted.count(),
        lines=posted_lines.count(),
        total_debit=money_from_sum(sums["dr"]),
        total_credit=money_from_sum(sums["cr"]),
        empty_entries=posted.exclude(Exists(JournalLine.objects.filter(entry=OuterRef("pk")))).count(),
        header_lines=posted_lines.filter(
            Exists(Account.objects.filter(parent_id=OuterRef("account_id")))
        ).count(),
    )


# ======== Fiscal years ========


def fiscal_years_with_periods() -> list[FiscalYear]:
    """Fiscal years, newest first, each with ``periods`` prefetched in order (and who closed them)."""
    return list(
        FiscalYear.objects.order_by("-year_be").prefetch_related(
            Prefetch("periods", queryset=FiscalPeriod.objects.select_related("closed_by").order_by("number"))
        )
    )


def fiscal_year_for(*, on: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(start_date__lte=on, end_date__gte=on).first()


def fiscal_year_span(*, on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year containing ``on``: the ledger's year once opened, else
    the one the coop's start month gives (an opened year wins, as in ``fiscal_year_ensure``)."""
    year = fiscal_year_for(on=on)
    if year is not None:
        return year.start_date, year.end_date
    from sahakorn.core.selectors import coop_profile_get
    from sahakorn.ledger.services import fiscal_year_bounds

    return fiscal_year_bounds(on=on, start_month=coop_profile_get().fiscal_year_start_month)


# ======== Manual vouchers awaiting a second person ========


def manual_vouchers_awaiting_approval(*, limit: Decimal) -> list[JournalEntry]:
    """Manual drafts whose total debit is above ``limit`` (CoopProfile.manual_voucher_approval_above),
    oldest first, each with ``total_debit``: what an approver sees (ใบสำคัญรออนุมัติ).

    Drafts are few, so the totals are summed here, exactly, rather than in SQL (REAL on SQLite).
    """
    drafts = (
        JournalEntry.objects.filter(status=EntryStatus.DRAFT, source=EntrySource.MANUAL)
        .select_related("created_by", "fiscal_year")
        .prefetch_related("lines")
        .order_by("date", "created_at", "id")
    )
    waiting = []
    for entry in drafts:
        entry.total_debit = sum((line.debit for line in entry.lines.all()), ZERO)  # type: ignore[attr-defined]
        if entry.total_debit > limit:  # type: ignore[attr-defined]
            waiting.append(entry)
    return waiting
