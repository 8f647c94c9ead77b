"""Interest figures read from the database and fed to the pure calculator in ``calc.py``.

Used by the interest run (``batch.py``) for a whole product, and by the closing of one account
(interest accrued up to the closing day is credited before the balance is paid out). Both compute
on the product's day basis, or the coop's when the product leaves it empty (``day_basis_of``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection

from sahakorn.core.interest import coop_day_basis
from sahakorn.core.money import SATANG, ZERO
from sahakorn.deposits.calc import ONE_DAY, RateSchedule, RateTier, Segment, interest_for_period
from sahakorn.deposits.models import (
    DepositAccount,
    DepositKind,
    DepositProduct,
    DepositRate,
    EarlyWithdrawal,
    InterestRun,
    TransactionKind,
)

EARLY_KINDS = (TransactionKind.WITHDRAWAL.value, TransactionKind.TRANSFER_OUT.value)
_EMPTY = RateSchedule([])


def day_basis_of(product: DepositProduct) -> str:
    """The day basis ``product`` earns on: its own, else the coop's (one query when it defers)."""
    return product.day_basis or coop_day_basis()


def rate_schedule(product: DepositProduct) -> RateSchedule:
    return RateSchedule(
        [
            RateTier(effective_from=r.effective_from, balance_from=r.balance_from, annual_rate=r.annual_rate)
            for r in DepositRate.objects.filter(product=product)
        ]
    )


def early_schedule(product: DepositProduct) -> RateSchedule:
    """The schedule a fixed-term account earns in a period it was withdrawn from before maturity.

    "Savings rate" is the schedule of the first active ordinary-savings product (by code).
    """
    if product.early_withdrawal == EarlyWithdrawal.SAVINGS_RATE:
        savings = (
            DepositProduct.objects.filter(kind=DepositKind.SAVINGS, is_active=True).order_by("code").first()
        )
        return rate_schedule(savings) if savings is not None else _EMPTY
    return _EMPTY


def last_credited_through(product: DepositProduct) -> dt.date | None:
    """The period end of the product's latest interest run (interest is paid up to that day)."""
    run = InterestRun.objects.filter(product=product).order_by("-period_end").first()
    return run.period_end if run is not None else None


def segments_from(
    opening: Decimal, movements: Iterable[tuple[dt.date, Decimal]], start: dt.date
) -> list[Segment]:
    """Closing balances by day: ``opening`` from ``start``, then after each day's movements (date order)."""
    segments = [Segment(start=start, balance=opening)] if opening else []
    balance = opening
    for day, amount in movements:
        balance += amount
        if segments and segments[-1].start == day:
            segments[-1] = Segment(start=day, balance=balance)
        else:
            segments.append(Segment(start=day, balance=balance))
    return segments


def _cents_sql(column: str) -> str:
    # SQLite keeps decimals as REAL: read whole satang as integers so sums stay exact.
    if connection.vendor == "sqlite":
        return f"CAST(ROUND({column} * 100) AS INTEGER)"
    return f"({column} * 100)"


def _money(cents) -> Decimal:
    return (Decimal(cents) / 100).quantize(SATANG) if cents is not None else ZERO


STREAM_SQL = """
SELECT t.account_id, 0 AS k, NULL AS date, SUM({cents}) AS cents, '' AS kind
  FROM deposits_deposittransaction t JOIN deposits_depositaccount a ON a.id = t.account_id
 WHERE a.product_id = %(product)s AND a.status <> 'closed' AND t.date < %(start)s
 GROUP BY t.account_id
UNION ALL
SELECT t.account_id, 1 AS k, t.date, {cents} AS cents, t.kind
  FROM deposits_deposittransaction t JOIN deposits_depositaccount a ON a.id = t.account_id
 WHERE a.product_id = %(product)s AND a.status <> 'closed' AND t.date >= %(start)s AND t.date <= %(end)s
ORDER BY 1, 2, 3
"""


def stream_product(
    *, product: DepositProduct, start: dt.date, end: dt.date
) -> Iterable[tuple[int, Decimal, list[tuple[dt.date, Decimal, str]]]]:
    """(account id, balance before ``start``, movements in [start, end]) for every open account.

    One query, streamed in account order: the opening balances (one GROUP BY) and the period's
    movements come back together, so memory holds one account at a time.
    """
    sql = STREAM_SQL.format(cents=_cents_sql("t.amount"))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"product": product.pk, "start": start, "end": end})
        current, opening, moves = None, ZERO, []
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                break
            for account_id, k, day, cents, kind in rows:
                if account_id != current:
                    if current is not None:
                        yield current, opening, moves
                    current, opening, moves = account_id, ZERO, []
                if k == 0:
                    opening = _money(cents)
                else:
                    if isinstance(day, str):  # SQLite returns text from a UNION
                        day = dt.date.fromisoformat(day)
                    moves.append((day, _money(cents), kind))
        if current is not None:
            yield current, opening, moves


def withdrawn_early(*, matures_on: dt.date | None, moves: Iterable[tuple[dt.date, Decimal, str]]) -> bool:
    return matures_on is not None and any(kind in EARLY_KINDS and day < matures_on for day, _, kind in moves)


def account_interest(
    *,
    product: DepositProduct,
    opening: Decimal,
    moves: list[tuple[dt.date, Decimal, str]],
    start: dt.date,
    end: dt.date,
    matures_on: dt.date | None,
    schedule: RateSchedule,
    early: RateSchedule | None,
    day_basis: str,
) -> Decimal:
    """One account's interest over [start, end]; a fixed-term early withdrawal switches the schedule.

    ``day_basis`` is the account's product's (``day_basis_of``), also when the early schedule is
    another product's: the basis is how this account's days are counted, not part of the rates.
    """
    if product.kind == DepositKind.FIXED_TERM and withdrawn_early(matures_on=matures_on, moves=moves):
        schedule = early if early is not None else _EMPTY
    segments = segments_from(opening, ((day, amount) for day, amount, _ in moves), start)
    return interest_for_period(segments=segments, rates=schedule, start=start, end=end,
                               rounding=product.interest_rounding, day_basis=day_basis)  # fmt: skip


def interest_accrued(*, account: DepositAccount, through: dt.date, closing: bool = False) -> Decimal:
    """Interest earned since the product's last crediting (or the opening) up to ``through``.

    ``closing`` counts the closing itself as a withdrawal on the day after ``through`` (for the
    fixed-term early-withdrawal rule).
    """
    product = account.product
    credited = last_credited_through(product)
    start = max(account.opened_on, credited + ONE_DAY if credited else account.opened_on)
    if through < start:
        return ZERO
    rows = account.transactions.order_by("date", "id").values_list("date", "amount", "kind")
    opening = sum((amount for day, amount, _ in rows if day < start), ZERO)
    moves = [(day, amount, kind) for day, amount, kind in rows if start <= day <= through]
    if closing:
        moves = [*moves, (through + ONE_DAY, ZERO, TransactionKind.WITHDRAWAL.value)]
    early = early_schedule(product) if product.kind == DepositKind.FIXED_TERM else None
    return account_interest(
        product=product,
        opening=opening,
        moves=moves,
        start=start,
        end=through,
        matures_on=account.matures_on,
        schedule=rate_schedule(product),
        early=early,
        day_basis=day_basis_of(product),
    )
