"""Share history of the generated coop (ประวัติทุนเรือนหุ้น), a step after the members.

Every member gets a share account with monthly shares from the salary table (some pay more).
Members who joined before the history get an opening balance (ยอดยกมา) at its start, the others
an initial purchase on the day they joined; then a payroll contribution for every month up to the
month before ``as_of`` (a few members skip months, a few stop paying, a few long-standing
members suspend), some extra purchases, and for each member who left a withdrawal to pending
refund, usually paid back about a month later.

The GL gets what the real system would post: one summary voucher per month (as the monthly
batch does), one opening voucher, and a voucher per member for the other movements.

Scale: 100,000 members × 5 years is about six million rows, so the step first plans each
member with its own random stream (``coop.rng("shares")``), then writes: the monthly rows as
text straight into PostgreSQL's COPY (no tuple or model per row), bulk inserts on SQLite.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from sahakorn.core.months import add_months, month_end
from sahakorn.generator.coop import GeneratedCoop, bulk_load, entries_post, ids_reserve, rows_insert
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import EntrySpec, Line
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.batch import monthly_run_description
from sahakorn.shares.models import (
    Channel,
    MonthlyChangeReason,
    MonthlyRun,
    ShareAccount,
    Suspension,
    TransactionKind,
)
from sahakorn.shares.rules import monthly_requirement, share_rules_for

ABOVE_MINIMUM = 0.3  # members who chose 10–50% more than the table's minimum
MONTHLY_CHANGE = 0.05  # members who raised their monthly shares once during the history
IRREGULAR = 0.02  # members who miss some months (arrears) …
MISS_MONTH = 0.1  # … each month with this chance
DEFAULTER = 0.15  # … and of those, the ones still members who stopped paying altogether lately
EXTRA_PER_YEAR = 0.03  # extra purchases (ซื้อหุ้นเพิ่ม) a member a year
LONG_SERVICE_MONTHS = 240
SUSPENDS = 0.05  # long-standing members who stopped monthly contributions (งดส่งถาวร)
REFUNDED = 0.9  # leavers whose pending refund was paid (the rest are still pending)
INITIAL_SHARES = (10, 10, 10, 20, 20, 50, 100)
EXTRA_SHARES = (50, 100, 100, 200, 300, 500, 1000, 2000, 5000)
LEFT = {MemberStatus.RESIGNED, MemberStatus.DECEASED, MemberStatus.EXPELLED}
STATUS_REASON = {
    MemberStatus.RESIGNED: "ลาออก",
    MemberStatus.DECEASED: "ถึงแก่กรรม",
    MemberStatus.EXPELLED: "ให้ออก",
}
ACCOUNT_COLUMNS = ["member_id", "opened_on", "monthly_shares", "balance_shares", "balance_amount", "suspension",
                   "suspended_from"]  # fmt: skip
TX_COLUMNS = ["account_id", "shares", "amount", "kind", "channel", "memo", "created_at", "date", "period",
              "journal_entry_id"]  # fmt: skip


@dataclass(slots=True)
class _Plan:
    """One member's share history, decided before anything is written."""

    member_id: int
    number: str
    joined: dt.date
    first_kind: str  # OPENING or INITIAL
    first_date: dt.date
    first_shares: int
    monthly_before: int
    monthly_after: int
    change_at: int | None  # month index from which monthly_after applies
    first_m: int  # months [first_m, end_m) are due, except the skipped ones
    end_m: int
    skipped: set[int] = field(default_factory=set)
    extras: list[tuple[dt.date, int, str]] = field(default_factory=list)
    suspended_from: dt.date | None = None
    left_on: dt.date | None = None
    left_status: str = ""
    refund_on: dt.date | None = None
    # voucher indexes (into the step's spec list), filled when the vouchers are planned
    first_spec: int = -1
    extra_specs: list[int] = field(default_factory=list)
    withdrawal_spec: int = -1

    def monthly_shares(self, m: int) -> int:
        return (
            self.monthly_after if self.change_at is not None and m >= self.change_at else self.monthly_before
        )

    def paid_months(self) -> int:
        return self.end_m - self.first_m - len(self.skipped)

    def total_shares(self) -> int:
        monthly = sum(
            self.monthly_shares(m) for m in range(self.first_m, self.end_m) if m not in self.skipped
        )
        return self.first_shares + monthly + sum(shares for _, shares, _ in self.extras)


def _month_index(start: dt.date, on: dt.date) -> int:
    return (on.year - start.year) * 12 + on.month - start.month


def _between(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _plan_members(coop: GeneratedCoop, *, minimum_for, min_initial: int, n_months: int) -> list[_Plan]:
    rng = coop.rng("shares")
    start, as_of = coop.history_start, coop.as_of
    plans: list[_Plan] = []
    rows = Member.objects.order_by("number").values_list(
        "id", "number", "joined_on", "status", "status_since", "salary"
    )
    for member_id, number, joined, status, status_since, salary in rows.iterator(chunk_size=10_000):
        minimum = minimum_for(salary)
        monthly = minimum
        if rng.random() < ABOVE_MINIMUM:
            monthly = math.ceil(minimum * (1 + rng.uniform(0.1, 0.5)) / 5) * 5
        first_m = max(_month_index(start, joined), 0)
        left = status in LEFT
        end_m = min(_month_index(start, status_since), n_months) if left else n_months
        if joined < start:
            months_before = _month_index(joined, start)
            first_kind, first_date = TransactionKind.OPENING, start
            first_shares = min_initial + int(months_before * monthly * rng.uniform(0.55, 0.85))
        else:
            first_kind, first_date = TransactionKind.INITIAL, joined
            first_shares = max(min_initial, rng.choice(INITIAL_SHARES))
        plan = _Plan(member_id=member_id, number=number, joined=joined, first_kind=first_kind, first_date=first_date,
                     first_shares=first_shares, monthly_before=monthly, monthly_after=monthly, change_at=None,
                     first_m=first_m, end_m=max(end_m, first_m))  # fmt: skip
        if not left and _month_index(joined, as_of) >= LONG_SERVICE_MONTHS and rng.random() < SUSPENDS:
            suspend_m = rng.randint(max(first_m, n_months - 24), n_months)
            plan.suspended_from = add_months(start, suspend_m)
            plan.end_m = suspend_m
        if plan.end_m - plan.first_m > 6 and rng.random() < MONTHLY_CHANGE:
            plan.change_at = rng.randint(plan.first_m + 1, plan.end_m - 1)
            plan.monthly_after = monthly + 5 * rng.randint(1, 4)
        if rng.random() < IRREGULAR:
            plan.skipped = {m for m in range(plan.first_m, plan.end_m) if rng.random() < MISS_MONTH}
            if not left and plan.suspended_from is None and rng.random() < DEFAULTER:
                stopped = rng.randint(3, 6)
                plan.skipped |= set(range(max(plan.first_m, plan.end_m - stopped), plan.end_m))
        last_day = min(status_since if left else as_of, as_of) - dt.timedelta(days=1)
        for year in range(coop.years + 1):
            if rng.random() < EXTRA_PER_YEAR:
                window_start = max(joined + dt.timedelta(days=1), start.replace(year=start.year + year))
                window_end = min(last_day, start.replace(year=start.year + year + 1) - dt.timedelta(days=1))
                if window_start <= window_end:
                    on = _between(rng, window_start, window_end)
                    channel = Channel.COUNTER if rng.random() < 0.5 else Channel.TRANSFER
                    plan.extras.append((on, rng.choice(EXTRA_SHARES), channel))
        if left:
            plan.left_on, plan.left_status = status_since, status
            if rng.random() < REFUNDED:
                refund_on = status_since + dt.timedelta(days=rng.randint(20, 45))
                plan.refund_on = refund_on if refund_on <= as_of else None
        plans.append(plan)
    return plans


def _member_line(role: str, member_id: int, *, debit: Decimal = Decimal(0), credit: Decimal = Decimal(0),
                 memo: str = "") -> Line:  # fmt: skip
    return Line(account=role, debit=debit, credit=credit, member_id=member_id, memo=memo)


def shares_step(coop: GeneratedCoop) -> None:
    """ทุนเรือนหุ้น: accounts, opening balances, initial and monthly contributions, extras, withdrawals, refunds."""
    rules = share_rules_for(on=coop.as_of)
    par, min_initial = rules.par_value, rules.min_initial_shares
    start = coop.history_start
    last_month = coop.as_of.replace(day=1)
    n_months = max(_month_index(start, last_month), 0)
    months = [add_months(start, m) for m in range(n_months)]
    posted_on = [month_end(m) for m in months]
    minimums: dict[Decimal, int] = {}

    def minimum_for(salary: Decimal) -> int:
        if salary not in minimums:
            minimums[salary] = monthly_requirement(rules=rules, salary=salary).min_shares
        return minimums[salary]

    plans = _plan_members(coop, minimum_for=minimum_for, min_initial=min_initial, n_months=n_months)

    # ---- totals per month for the summary vouchers and run records (difference arrays: O(members))
    count_diff = [0] * (n_months + 1)
    shares_diff = [0] * (n_months + 1)
    for p in plans:
        split = p.change_at if p.change_at is not None else p.end_m
        for a, b, shares in ((p.first_m, split, p.monthly_before), (split, p.end_m, p.monthly_after)):
            if a < b:
                count_diff[a] += 1
                count_diff[b] -= 1
                shares_diff[a] += shares
                shares_diff[b] -= shares
        for m in p.skipped:
            count_diff[m] -= 1
            count_diff[m + 1] += 1
            shares_diff[m] -= p.monthly_shares(m)
            shares_diff[m + 1] += p.monthly_shares(m)
    month_members, month_shares = [], []
    running_count = running_shares = 0
    for m in range(n_months):
        running_count += count_diff[m]
        running_shares += shares_diff[m]
        month_members.append(running_count)
        month_shares.append(running_shares)

    # ---- vouchers
    specs: list[EntrySpec] = []
    opening_total = sum(p.first_shares for p in plans if p.first_kind == TransactionKind.OPENING) * par
    opening_spec = -1
    if opening_total:
        opening_spec = len(specs)
        specs.append(EntrySpec(date=start, description="ยอดยกมาทุนเรือนหุ้น", source=EntrySource.SHARES, lines=(
            Line(account="bank", debit=opening_total), Line(account="share_capital", credit=opening_total))))  # fmt: skip
    month_spec: list[int] = []
    for m in range(n_months):
        amount = month_shares[m] * par
        month_spec.append(len(specs) if amount else -1)
        if amount:
            specs.append(EntrySpec(date=posted_on[m], description=monthly_run_description(months[m]),
                                   source=EntrySource.SHARES, lines=(Line(account="bank", debit=amount),
                                                                     Line(account="share_capital", credit=amount))))  # fmt: skip
    for p in plans:
        if p.first_kind == TransactionKind.INITIAL:
            amount = p.first_shares * par
            p.first_spec = len(specs)
            specs.append(EntrySpec(date=p.first_date, description=f"ซื้อหุ้นแรกเข้า {p.number}",
                                   source=EntrySource.SHARES, lines=(
                Line(account="cash", debit=amount, memo=p.number),
                _member_line("share_capital", p.member_id, credit=amount, memo=f"หุ้นแรกเข้า {p.first_shares:,} หุ้น"))))  # fmt: skip
        for on, shares, channel in p.extras:
            amount = shares * par
            p.extra_specs.append(len(specs))
            specs.append(EntrySpec(date=on, description=f"ซื้อหุ้นเพิ่ม {p.number}", source=EntrySource.SHARES, lines=(
                Line(account="cash" if channel == Channel.COUNTER else "bank", debit=amount, memo=p.number),
                _member_line("share_capital", p.member_id, credit=amount, memo=f"ซื้อหุ้นเพิ่ม {shares:,} หุ้น"))))  # fmt: skip
        if p.left_on is not None:
            amount = p.total_shares() * par
            p.withdrawal_spec = len(specs)
            specs.append(EntrySpec(date=p.left_on, description=f"ถอนหุ้น (พ้นสมาชิกภาพ) {p.number}",
                                   source=EntrySource.SHARES, lines=(
                _member_line("share_capital", p.member_id, debit=amount, memo=STATUS_REASON[p.left_status]),
                _member_line("share_refund_payable", p.member_id, credit=amount, memo="หุ้นรอจ่ายคืน"))))  # fmt: skip
            if p.refund_on is not None:
                specs.append(EntrySpec(date=p.refund_on, description=f"จ่ายคืนค่าหุ้น {p.number}",
                                       source=EntrySource.SHARES, lines=(
                    _member_line("share_refund_payable", p.member_id, debit=amount, memo="จ่ายคืนค่าหุ้น"),
                    Line(account="bank", credit=amount, memo=p.number))))  # fmt: skip
    bar = coop.progress("บัญชีหุ้น", len(specs))
    entry_ids = entries_post(specs, bar=bar)
    bar.close()

    # ---- share accounts, with their balances as the sum of the rows written below
    now = timezone.now()
    # Raw inserts store what the model field would: SQLite keeps datetimes as naive UTC text.
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    account_rows = []
    for p in plans:
        total = 0 if p.left_on is not None else p.total_shares()
        suspension = Suspension.PERMANENT.value if p.suspended_from else ""
        account_rows.append((p.member_id, p.joined, p.monthly_after, total, total * par, suspension,
                             p.suspended_from))  # fmt: skip
    if connection.vendor == "postgresql":
        account_ids = ids_reserve("shares_shareaccount", len(account_rows))
        rows_insert("shares_shareaccount", ["id", *ACCOUNT_COLUMNS],
                    [(pk, *row) for pk, row in zip(account_ids, account_rows, strict=True)])  # fmt: skip
    else:
        accounts = ShareAccount.objects.bulk_create(
            ShareAccount(**dict(zip(ACCOUNT_COLUMNS, row, strict=True))) for row in account_rows
        )
        account_ids = [account.pk for account in accounts]
    changes = []
    for p, account_id in zip(plans, account_ids, strict=True):
        changes.append((account_id, p.joined.replace(day=1), 0, p.monthly_before,
                        MonthlyChangeReason.INITIAL.value, "", stamp))  # fmt: skip
        if p.change_at is not None:
            changes.append((account_id, months[p.change_at], p.monthly_before, p.monthly_after,
                            MonthlyChangeReason.MEMBER_REQUEST.value, "สมาชิกขอเพิ่มหุ้นรายเดือน", stamp))  # fmt: skip
    rows_insert("shares_monthlycontributionchange",
                ["account_id", "effective_month", "from_shares", "to_shares", "reason", "note", "created_at"],
                changes)  # fmt: skip

    # ---- transactions
    month_entry = [entry_ids[k] if k >= 0 else None for k in month_spec]
    bar = coop.progress("รายการหุ้น", len(plans))
    with bulk_load("shares_sharetransaction"):
        write = _copy_transactions if connection.vendor == "postgresql" else _insert_transactions
        written = write(
            plans, account_ids, entry_ids, opening_spec, month_entry, months, posted_on, par, stamp, bar
        )
    bar.close()

    MonthlyRun.objects.bulk_create(
        MonthlyRun(period=months[m], posted_on=posted_on[m], members=month_members[m], shares=month_shares[m],
                   amount=month_shares[m] * par, journal_entry_id=month_entry[m], finished_at=now,
                   seconds=Decimal("0.000"))
        for m in range(n_months)
    )  # fmt: skip
    coop.counts["share_accounts"] = len(account_ids)
    coop.counts["share_transactions"] = written
    coop.counts["journal_entries"] = coop.counts.get("journal_entries", 0) + len(specs)


def _one_off_rows(p: _Plan, entry_ids: list[int], opening_spec: int, par: Decimal):
    """The member's non-monthly rows: (kind, channel, date, shares, amount, entry id, memo)."""
    opening = p.first_kind == TransactionKind.OPENING
    first_entry = entry_ids[opening_spec] if opening else entry_ids[p.first_spec]
    first_channel = Channel.INTERNAL.value if opening else Channel.COUNTER.value
    yield (
        str(p.first_kind),
        first_channel,
        p.first_date,
        p.first_shares,
        p.first_shares * par,
        first_entry,
        "",
    )
    for (on, shares, channel), k in zip(p.extras, p.extra_specs, strict=True):
        yield TransactionKind.EXTRA.value, str(channel), on, shares, shares * par, entry_ids[k], ""
    if p.left_on is not None:
        total = p.total_shares()
        yield (TransactionKind.WITHDRAWAL.value, Channel.INTERNAL.value, p.left_on, -total, -total * par,
               entry_ids[p.withdrawal_spec], f"{STATUS_REASON[p.left_status]}: รอจ่ายคืน {total * par:,.2f} บาท")  # fmt: skip


def _copy_transactions(
    plans, account_ids, entry_ids, opening_spec, month_entry, months, posted_on, par, now, bar
):
    """PostgreSQL: the rows as COPY text; a monthly row is the member's prefix plus the month's suffix."""
    stamp = now.isoformat()
    reported = 0
    month_suffix = [f"{posted_on[m]}\t{months[m]}\t{month_entry[m]}\n" for m in range(len(months))]
    written = 0
    buffer: list[str] = []
    size = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY shares_sharetransaction ({', '.join(TX_COLUMNS)}) FROM STDIN") as copy:
            for n, (p, acc) in enumerate(zip(plans, account_ids, strict=True), 1):
                for kind, channel, on, shares, amount, entry_id, memo in _one_off_rows(
                    p, entry_ids, opening_spec, par
                ):
                    buffer.append(
                        f"{acc}\t{shares}\t{amount}\t{kind}\t{channel}\t{memo}\t{stamp}\t{on}\t\\N\t{entry_id}\n"
                    )
                    written += 1
                prefixes = {
                    shares: f"{acc}\t{shares}\t{shares * par}\tmonthly\tpayroll\t\t{stamp}\t"
                    for shares in {p.monthly_before, p.monthly_after}
                }
                rows = [prefixes[p.monthly_shares(m)] + month_suffix[m]
                        for m in range(p.first_m, p.end_m) if m not in p.skipped]  # fmt: skip
                written += len(rows)
                buffer += rows
                size += len(rows) + 3
                if size > 200_000:
                    copy.write("".join(buffer))
                    buffer, size = [], 0
                    bar.update(n - reported)
                    reported = n
            copy.write("".join(buffer))
    bar.update(len(plans) - reported)
    return written


def _insert_transactions(
    plans, account_ids, entry_ids, opening_spec, month_entry, months, posted_on, par, now, bar
):
    """SQLite: the same rows as tuples, inserted in chunks."""
    rows: list[tuple] = []
    written = 0
    for p, acc in zip(plans, account_ids, strict=True):
        for kind, channel, on, shares, amount, entry_id, memo in _one_off_rows(
            p, entry_ids, opening_spec, par
        ):
            rows.append((acc, shares, amount, kind, channel, memo, now, on, None, entry_id))
        for m in range(p.first_m, p.end_m):
            if m not in p.skipped:
                shares = p.monthly_shares(m)
                rows.append((acc, shares, shares * par, TransactionKind.MONTHLY.value, Channel.PAYROLL.value, "", now,
                             posted_on[m], months[m], month_entry[m]))  # fmt: skip
        if len(rows) > 50_000:
            rows_insert("shares_sharetransaction", TX_COLUMNS, rows)
            written += len(rows)
            rows = []
        bar.update(1)
    rows_insert("shares_sharetransaction", TX_COLUMNS, rows)
    return written + len(rows)
