"""Deposit history of the generated coop (ประวัติเงินฝาก), a step after the shares.

About 60% of members hold an ordinary savings account (some also special savings or a fixed
deposit). Members who joined before the history opened theirs earlier and bring a balance forward
(ยอดยกมา) at its start; the others open one soon after joining. Then a few deposits and
withdrawals a year, interest credited at the end of every crediting month of the history (June
and December for the seeded products) with the same calculator and day basis (the product's, else
the coop's) the interest run uses, and for members who left, interest to the day before leaving
and the payout that closes the account.
Accounts left without movement long enough are marked dormant by the real service at the end.

The GL gets summary vouchers: one opening voucher per product, one voucher per product and month
for the counter movements (closing interest included), one per product and crediting period for
interest (with its ``InterestRun`` record), so ``sahakorn deposits check`` holds afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from sahakorn.core.interest import INTEREST_DIVISOR, weighted_days
from sahakorn.core.money import ZERO, round_money
from sahakorn.core.months import add_months, month_end
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.batch import deposits_mark_dormant, interest_run_description
from sahakorn.deposits.calc import (
    ONE_DAY,
    RateSchedule,
    Segment,
    credit_months_parse,
    interest_for_period,
    previous_period_end,
)
from sahakorn.deposits.interest import day_basis_of, early_schedule, rate_schedule
from sahakorn.deposits.models import (
    AccountStatus,
    Channel,
    DepositAccount,
    DepositKind,
    DepositProduct,
    InterestRun,
    TransactionKind,
)
from sahakorn.generator.coop import GeneratedCoop, bulk_load, entries_post, ids_reserve, rows_insert
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import EntrySpec, Line
from sahakorn.members.models import Member, MemberStatus

HAS_SAVINGS = 0.6
ALSO_SPECIAL = 0.15
ALSO_FIXED = 0.06
MOVES_PER_YEAR = (0, 1, 1, 2, 2, 3, 4)
WITHDRAW_SHARE = 0.35  # of the movements, the share that are withdrawals
AMOUNTS = {
    DepositKind.SAVINGS: (500, 1000, 1000, 2000, 3000, 5000, 10000, 20000),
    DepositKind.SPECIAL_SAVINGS: (5000, 10000, 20000, 50000, 100000, 200000),
    DepositKind.FIXED_TERM: (10000, 20000, 50000, 100000, 300000),
}
OPENING_BALANCES = {
    DepositKind.SAVINGS: (1000, 3000, 5000, 12000, 30000, 80000, 250000, 1200000),
    DepositKind.SPECIAL_SAVINGS: (20000, 50000, 150000, 400000, 700000),
    DepositKind.FIXED_TERM: (20000, 50000, 100000),
}
ACCOUNT_COLUMNS = ["number", "member_id", "product_id", "opened_on", "matures_on", "status", "closed_on", "balance",
                   "last_movement_on", "created_at"]  # fmt: skip
TX_COLUMNS = ["account_id", "date", "kind", "channel", "amount", "balance_after", "journal_entry_id", "interest_run_id",
              "memo", "created_at"]  # fmt: skip
CHANGE_COLUMNS = ["account_id", "from_status", "to_status", "effective_on", "reason", "changed_at"]


@dataclass(slots=True)
class _Product:
    product: DepositProduct
    schedule: RateSchedule
    early: RateSchedule | None
    periods: list[dt.date]  # crediting dates inside the history
    day_basis: str  # the product's, else the coop's
    seq: int = 0


@dataclass(slots=True)
class _Account:
    member_id: int
    number: str
    p: _Product
    opened_on: dt.date
    matures_on: dt.date | None
    # (date, kind, channel, amount, balance_after, memo, voucher key); voucher key: ("m", yyyymm) or ("i", k) or ("o",)
    rows: list[tuple] = field(default_factory=list)
    balance: Decimal = ZERO
    last_movement: dt.date | None = None
    closed_on: dt.date | None = None


def _interest(acc: _Account, start: dt.date, end: dt.date, segments: list[Segment], opening: Decimal,
              schedule: RateSchedule) -> Decimal:  # fmt: skip
    """The interest run's figure; a fast path for a period without movement under one schedule."""
    if end < start:
        return ZERO
    if not segments:
        version = schedule.version_index(start)
        if version == schedule.version_index(end) and (version < 0 or schedule.dates[version] <= start):
            rate = schedule.rate(version, opening)
            if not rate:
                return ZERO
            days = weighted_days(start, end, acc.p.day_basis)
            return round_money(opening * rate * days / INTEREST_DIVISOR, acc.p.product.interest_rounding)
    full = ([Segment(start, opening)] if opening else []) + segments
    return interest_for_period(segments=full, rates=schedule, start=start, end=end,
                               rounding=acc.p.product.interest_rounding, day_basis=acc.p.day_basis)  # fmt: skip


def _plan_account(coop: GeneratedCoop, rng, acc: _Account, *, first_on: dt.date, opening_kind: str,
                  first_amount: Decimal, end: dt.date, leave_on: dt.date | None) -> None:  # fmt: skip
    """Fill ``acc.rows``: the first row, the movements, interest per period and the closing."""
    kind = acc.p.product.kind
    product = acc.p.product
    amounts = AMOUNTS[kind]
    moves: list[tuple[dt.date, Decimal]] = []
    if kind != DepositKind.FIXED_TERM:
        year = first_on.year
        while dt.date(year, 1, 1) <= end:
            for _ in range(rng.choice(MOVES_PER_YEAR)):
                lo, hi = max(first_on + ONE_DAY, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
                if lo <= hi:
                    on = lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))
                    amount = Decimal(rng.choice(amounts))
                    moves.append((on, -amount if rng.random() < WITHDRAW_SHARE else amount))
            year += 1
    moves.sort(key=lambda m: m[0])

    channel_first = Channel.INTERNAL.value if opening_kind == TransactionKind.OPENING else Channel.CASH.value
    acc.balance = first_amount
    acc.rows.append((first_on, opening_kind, channel_first, first_amount, first_amount,
                     "ยอดยกมา" if opening_kind == TransactionKind.OPENING else "เปิดบัญชี",
                     ("o",) if opening_kind == TransactionKind.OPENING else ("m", first_on)))  # fmt: skip
    acc.last_movement = first_on
    withdrawn_months: set[tuple[int, int]] = set()
    period_start = max(acc.opened_on, coop.history_start)
    # The balance brought into the current period, and the period's closing balances by day.
    opening = ZERO
    segments: list[Segment] = []
    if first_on <= period_start:
        opening = first_amount
    else:
        segments.append(Segment(first_on, first_amount))
    mi = 0
    periods = [d for d in acc.p.periods if d >= first_on and d <= end]
    stop = leave_on or (end + ONE_DAY)
    for period_end in periods + [None]:
        limit = period_end if period_end is not None else stop - ONE_DAY
        while mi < len(moves) and moves[mi][0] <= limit and moves[mi][0] < stop:
            on, amount = moves[mi]
            mi += 1
            if amount < 0:
                month = (on.year, on.month)
                if -amount > acc.balance - product.min_balance or (
                    product.max_withdrawals_per_month is not None and month in withdrawn_months
                ):
                    continue
                withdrawn_months.add(month)
            acc.balance += amount
            kind_value = TransactionKind.DEPOSIT.value if amount > 0 else TransactionKind.WITHDRAWAL.value
            channel = (Channel.TRANSFER if rng.random() < 0.4 else Channel.CASH).value
            acc.rows.append((on, kind_value, channel, amount, acc.balance, "", ("m", on)))
            acc.last_movement = on
            if segments and segments[-1].start == on:
                segments[-1] = Segment(on, acc.balance)
            else:
                segments.append(Segment(on, acc.balance))
        if period_end is None or (leave_on is not None and period_end >= leave_on):
            break
        interest = _interest(acc, period_start, period_end, segments, opening, acc.p.schedule)
        if interest > 0:
            acc.balance += interest
            acc.rows.append((period_end, TransactionKind.INTEREST.value, Channel.INTERNAL.value, interest,
                             acc.balance, f"ดอกเบี้ยถึง {format_be_date(period_end)}", ("i", period_end)))  # fmt: skip
        period_start, opening, segments = period_end + ONE_DAY, acc.balance, []
    if leave_on is not None:
        schedule = acc.p.schedule
        if acc.matures_on is not None and leave_on < acc.matures_on:
            schedule = acc.p.early or RateSchedule([])
        interest = _interest(acc, period_start, leave_on - ONE_DAY, segments, opening, schedule)
        if interest > 0:
            acc.balance += interest
            acc.rows.append((leave_on, TransactionKind.INTEREST.value, Channel.INTERNAL.value, interest, acc.balance,
                             "ดอกเบี้ยถึงวันปิดบัญชี", ("m", leave_on)))  # fmt: skip
        if acc.balance > 0:
            acc.rows.append((leave_on, TransactionKind.WITHDRAWAL.value, Channel.TRANSFER.value, -acc.balance, ZERO,
                             "ปิดบัญชี (พ้นสมาชิกภาพ)", ("m", leave_on)))  # fmt: skip
            acc.balance = ZERO
        acc.last_movement = leave_on
        acc.closed_on = leave_on


def deposits_step(coop: GeneratedCoop) -> None:
    """เงินฝาก: accounts, opening balances, movements, half-yearly interest, closings for leavers."""
    rng = coop.rng("deposits")
    start, as_of = coop.history_start, coop.as_of
    end = as_of - ONE_DAY  # the history stops the day before as_of
    by_kind: dict[str, _Product] = {}
    for product in DepositProduct.objects.filter(is_active=True).order_by("code"):
        if product.kind in by_kind:
            continue
        months = credit_months_parse(product.credit_months)
        periods, day = [], month_end(start)
        while day <= end:
            if day.month in months:
                periods.append(day)
            day = month_end(day + ONE_DAY)
        by_kind[product.kind] = _Product(product=product, schedule=rate_schedule(product),
                                         early=early_schedule(product), periods=periods,
                                         day_basis=day_basis_of(product))  # fmt: skip
    savings = by_kind.get(DepositKind.SAVINGS)
    if savings is None:
        return
    left_on = dict(Member.objects.exclude(status=MemberStatus.ACTIVE).values_list("pk", "status_since"))

    accounts: list[_Account] = []
    for member_id, joined, status in coop.member_rows:
        if rng.random() >= HAS_SAVINGS:
            continue
        wanted = [savings]
        if DepositKind.SPECIAL_SAVINGS in by_kind and rng.random() < ALSO_SPECIAL:
            wanted.append(by_kind[DepositKind.SPECIAL_SAVINGS])
        if DepositKind.FIXED_TERM in by_kind and rng.random() < ALSO_FIXED:
            wanted.append(by_kind[DepositKind.FIXED_TERM])
        leave_on = left_on.get(member_id) if status != MemberStatus.ACTIVE else None
        for p in wanted:
            product = p.product
            if joined < start:
                opened = joined + dt.timedelta(days=rng.randint(0, max((start - joined).days - 1, 0)))
                first_on, first_kind = start, TransactionKind.OPENING.value
                first_amount = Decimal(rng.choice(OPENING_BALANCES[product.kind]))
            else:
                opened = joined + dt.timedelta(days=rng.randint(0, 60))
                first_on, first_kind = opened, TransactionKind.DEPOSIT.value
                first_amount = max(Decimal(rng.choice(AMOUNTS[product.kind])), product.min_opening)
            if opened > end or (leave_on is not None and first_on >= leave_on):
                continue
            if leave_on is not None and leave_on < start:
                continue
            matures = None
            if product.kind == DepositKind.FIXED_TERM and product.term_months:
                matures = add_months(opened, product.term_months)
            p.seq += 1
            acc = _Account(member_id=member_id, number=f"{product.code}-{p.seq:07d}", p=p, opened_on=opened,
                           matures_on=matures)  # fmt: skip
            _plan_account(coop, rng, acc, first_on=first_on, opening_kind=first_kind, first_amount=first_amount,
                          end=end, leave_on=leave_on)  # fmt: skip
            accounts.append(acc)

    # ---- vouchers: opening per product, a month per product, interest per product and period
    totals: dict[tuple, dict[str, Decimal]] = {}
    run_counts: dict[tuple, int] = {}
    for acc in accounts:
        role = acc.p.product.gl_role
        for _on, kind, _channel, amount, _, _, key in acc.rows:
            if key[0] == "m":
                vkey = (acc.p.product.code, "m", key[1].year, key[1].month)
            elif key[0] == "i":
                vkey = (acc.p.product.code, "i", key[1])
                run_counts[vkey] = run_counts.get(vkey, 0) + 1
            else:
                vkey = (acc.p.product.code, "o")
            t = totals.setdefault(vkey, {"in": ZERO, "out": ZERO, "interest": ZERO, "role": role})
            if kind == TransactionKind.INTEREST:
                t["interest"] += amount
            elif amount > 0:
                t["in"] += amount
            else:
                t["out"] -= amount
    products = {p.product.code: p.product for p in by_kind.values()}
    specs: list[EntrySpec] = []
    spec_index: dict[tuple, int] = {}
    for vkey in sorted(totals, key=lambda k: (k[0], k[1], k[2:])):
        t, role, product = totals[vkey], totals[vkey]["role"], products[vkey[0]]
        lines = []
        if vkey[1] == "o":
            # The deposits' journal: their control accounts take postings from the sub-ledger only.
            date, source, text = start, EntrySource.DEPOSITS, f"ยอดยกมาเงินฝาก{product.name}"
            lines = [Line("bank", debit=t["in"]), Line(role, credit=t["in"])]
        elif vkey[1] == "i":
            date, source, text = vkey[2], EntrySource.DEPOSITS, interest_run_description(product, vkey[2])
            lines = [Line("deposit_interest_expense", debit=t["interest"]), Line(role, credit=t["interest"])]
        else:
            date = min(month_end(dt.date(vkey[2], vkey[3], 1)), as_of)
            source = EntrySource.DEPOSITS
            text = f"สรุปรายการเงินฝาก{product.name} เดือน {vkey[3]:02d}/{vkey[2] + 543}"
            if t["in"]:
                lines += [Line("cash", debit=t["in"]), Line(role, credit=t["in"])]
            if t["interest"]:
                lines += [
                    Line("deposit_interest_expense", debit=t["interest"]),
                    Line(role, credit=t["interest"]),
                ]
            if t["out"]:
                lines += [Line(role, debit=t["out"]), Line("cash", credit=t["out"])]
        if lines:
            spec_index[vkey] = len(specs)
            specs.append(EntrySpec(date=date, description=text, source=source, lines=lines))
    bar = coop.progress("เงินฝาก", len(specs))
    entry_ids = entries_post(specs, bar=bar)
    bar.close()

    now = timezone.now()
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    # A run record for every crediting period of every product (even one that paid nothing), so the
    # real interest run takes over at the next period.
    run_keys = sorted((p.product.code, "i", day) for p in by_kind.values() for day in p.periods)
    runs = InterestRun.objects.bulk_create(
        InterestRun(
            product=products[vkey[0]],
            period_start=_period_start(products[vkey[0]], vkey[2]),
            period_end=vkey[2],
            posted_on=vkey[2],
            accounts=run_counts.get(vkey, 0),
            amount=totals[vkey]["interest"] if vkey in totals else ZERO,
            journal_entry_id=entry_ids[spec_index[vkey]] if vkey in spec_index else None,
            finished_at=now,
            seconds=Decimal("0.000"),
        )  # fmt: skip
        for vkey in run_keys
    )
    run_id = {(r.product.code, r.period_end): r.pk for r in runs}

    # ---- accounts
    account_rows = []
    for acc in accounts:
        status = AccountStatus.CLOSED.value if acc.closed_on else AccountStatus.ACTIVE.value
        account_rows.append((acc.number, acc.member_id, acc.p.product.pk, acc.opened_on, acc.matures_on, status,
                             acc.closed_on, acc.balance, acc.last_movement, stamp))  # fmt: skip
    if connection.vendor == "postgresql":
        account_ids = ids_reserve("deposits_depositaccount", len(account_rows))
        rows_insert("deposits_depositaccount", ["id", *ACCOUNT_COLUMNS],
                    [(pk, *row) for pk, row in zip(account_ids, account_rows, strict=True)])  # fmt: skip
    else:
        created = DepositAccount.objects.bulk_create(
            (DepositAccount(**dict(zip(ACCOUNT_COLUMNS, row[:-1], strict=False))) for row in account_rows),
            batch_size=5000,
        )
        account_ids = [a.pk for a in created]
    changes = []
    for acc, pk in zip(accounts, account_ids, strict=True):
        changes.append((pk, "", AccountStatus.ACTIVE.value, acc.opened_on, "เปิดบัญชี", stamp))
        if acc.closed_on:
            changes.append((pk, AccountStatus.ACTIVE.value, AccountStatus.CLOSED.value, acc.closed_on,
                            "ปิดบัญชี (พ้นสมาชิกภาพ)", stamp))  # fmt: skip
    rows_insert("deposits_accountstatuschange", CHANGE_COLUMNS, changes)

    # ---- transactions
    written = 0
    with bulk_load("deposits_deposittransaction"):
        rows: list[tuple] = []
        for acc, pk in zip(accounts, account_ids, strict=True):
            code = acc.p.product.code
            for on, kind, channel, amount, balance, memo, key in acc.rows:
                if key[0] == "m":
                    vkey = (code, "m", key[1].year, key[1].month)
                elif key[0] == "i":
                    vkey = (code, "i", key[1])
                else:
                    vkey = (code, "o")
                run = run_id.get((code, key[1])) if key[0] == "i" else None
                rows.append(
                    (pk, on, kind, channel, amount, balance, entry_ids[spec_index[vkey]], run, memo, stamp)
                )
            if len(rows) > 100_000:
                rows_insert("deposits_deposittransaction", TX_COLUMNS, rows)
                written += len(rows)
                rows = []
        rows_insert("deposits_deposittransaction", TX_COLUMNS, rows)
        written += len(rows)
    coop.counts["deposit_accounts"] = len(accounts)
    coop.counts["deposit_transactions"] = written
    coop.counts["deposit_dormant"] = deposits_mark_dormant(on=as_of)
    coop.counts["journal_entries"] = coop.counts.get("journal_entries", 0) + len(specs)


def _period_start(product: DepositProduct, period_end: dt.date) -> dt.date:
    return previous_period_end(period_end, credit_months_parse(product.credit_months)) + ONE_DAY
