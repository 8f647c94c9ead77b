"""Pure deposit calculators: crediting periods and the interest calculator (no database).

Interest (ดอกเบี้ยเงินฝาก) is daily: each day's closing balance (after that day's movements, so
a deposit earns from its own day and a withdrawal stops earning on its own day) times the rate of
that day, by the schedule in force that day AND the tier that day's balance reaches, divided by
the length of the year by the day basis (``sahakorn.core.interest``): under ``365`` a leap year
still divides by 365 and 29 February earns a day like any other; under ``actual`` each day of a
leap year divides by 366. The day-amounts are summed exactly, each weighted over the common
denominator (balance × rate × weighted days is a finite decimal), and divided and rounded once, at
crediting, with the product's rounding rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sahakorn.core.interest import INTEREST_DIVISOR, DayBasis, weighted_days, year_weight
from sahakorn.core.money import ZERO, Rounding, round_money
from sahakorn.core.months import month_end

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RateTier:
    """``annual_rate`` % a year on the whole balance from ``balance_from``, in force from ``effective_from``."""

    effective_from: dt.date
    balance_from: Decimal
    annual_rate: Decimal


@dataclass(frozen=True)
class Segment:
    """From ``start`` (inclusive) the closing balance is ``balance`` until the next segment starts."""

    start: dt.date
    balance: Decimal


class RateSchedule:
    """Rate tiers grouped into effective-dated versions, for fast lookups by day and balance."""

    def __init__(self, rates: Sequence[RateTier]) -> None:
        versions: dict[dt.date, list[tuple[Decimal, Decimal]]] = {}
        for tier in rates:
            versions.setdefault(tier.effective_from, []).append((tier.balance_from, tier.annual_rate))
        self.dates = sorted(versions)
        self.tiers = [sorted(versions[d]) for d in self.dates]

    def version_index(self, day: dt.date) -> int:
        """Index of the version in force on ``day`` (−1: none yet)."""
        return bisect.bisect_right(self.dates, day) - 1

    def rate(self, version: int, balance: Decimal) -> Decimal:
        """Annual rate % the whole ``balance`` earns under ``version`` (0 below the lowest tier)."""
        if version < 0 or balance <= 0:
            return ZERO
        rate = ZERO
        for balance_from, annual_rate in self.tiers[version]:
            if balance >= balance_from:
                rate = annual_rate
            else:
                break
        return rate

    def rate_on(self, day: dt.date, balance: Decimal) -> Decimal:
        return self.rate(self.version_index(day), balance)


def interest_numerator(
    *,
    segments: Sequence[Segment],
    schedule: RateSchedule,
    start: dt.date,
    end: dt.date,
    day_basis: DayBasis | str = DayBasis.DAYS_365,
) -> Decimal:
    """Σ over days in [start, end] of balance × annual rate % × the day's weight (exact).

    That is interest × ``INTEREST_DIVISOR``; ``weighted_days`` splits a piece that crosses
    1 January under the ``actual`` basis, so each day counts by its own year's length.
    """
    if end < start:
        return ZERO
    # Breakpoints where the balance or the rate version may change, inside (start, end].
    points = {start}
    balance_at_start = ZERO
    for seg in segments:
        if seg.start <= start:
            balance_at_start = seg.balance
        elif seg.start <= end:
            points.add(seg.start)
    for version_date in schedule.dates:
        if start < version_date <= end:
            points.add(version_date)
    ordered = sorted(points)
    seg_index = 0
    balance = balance_at_start
    total = ZERO
    segs = [s for s in segments if start < s.start <= end]
    for i, piece_start in enumerate(ordered):
        piece_end = ordered[i + 1] - ONE_DAY if i + 1 < len(ordered) else end
        while seg_index < len(segs) and segs[seg_index].start <= piece_start:
            balance = segs[seg_index].balance
            seg_index += 1
        rate = schedule.rate_on(piece_start, balance)
        if rate and balance > 0:
            total += balance * rate * weighted_days(piece_start, piece_end, day_basis)
    return total


def interest_for_period(
    *,
    segments: Sequence[Segment],
    rates: Sequence[RateTier] | RateSchedule,
    start: dt.date,
    end: dt.date,
    rounding: Rounding | str,
    day_basis: DayBasis | str = DayBasis.DAYS_365,
) -> Decimal:
    """Interest earned over [start, end] on ``day_basis``, rounded once by ``rounding``.

    ``segments`` are the account's closing balances from each date on (sorted by date; before the
    first one the balance is zero). ``rates`` are the product's tiers (see ``RateTier``).
    """
    if Rounding(rounding) is Rounding.NONE:
        raise ValueError("interest is credited in satang: choose a rounding rule other than NONE")
    schedule = rates if isinstance(rates, RateSchedule) else RateSchedule(rates)
    numerator = interest_numerator(
        segments=segments, schedule=schedule, start=start, end=end, day_basis=day_basis
    )
    if not numerator:
        return ZERO
    # One exact fraction: the numerator is a multiple of 0.000001, so it lies at least
    # 0.000001 / INTEREST_DIVISOR from any satang tie, far beyond the 28 digits of the division.
    return round_money(numerator / INTEREST_DIVISOR, rounding)


def interest_for_period_naive(
    *,
    segments: Sequence[Segment],
    rates: Sequence[RateTier],
    start: dt.date,
    end: dt.date,
    rounding: str,
    day_basis: DayBasis | str = DayBasis.DAYS_365,
) -> Decimal:
    """The same figure one day at a time: the baseline the tests compare ``interest_for_period`` with."""
    schedule = RateSchedule(rates)
    total = ZERO
    day = start
    while day <= end:
        balance = ZERO
        for seg in segments:
            if seg.start <= day:
                balance = seg.balance
        total += balance * schedule.rate_on(day, balance) * year_weight(day_basis, day.year)
        day += ONE_DAY
    return round_money(total / INTEREST_DIVISOR, rounding) if total else ZERO


# ======== Crediting periods ========


def credit_months_parse(text: str) -> list[int]:
    """ "6,12" → [6, 12]; raises ValueError with a Thai message for anything else."""
    try:
        months = sorted({int(part) for part in (text or "").replace(" ", "").split(",") if part})
    except ValueError:
        raise ValueError(f"เดือนที่จ่ายดอกเบี้ยต้องเป็นเลขเดือนคั่นด้วยจุลภาค เช่น 6,12 (ได้ “{text}”)") from None
    if not months or any(m < 1 or m > 12 for m in months):
        raise ValueError(f"เดือนที่จ่ายดอกเบี้ยต้องเป็นเลข 1–12 อย่างน้อยหนึ่งเดือน (ได้ “{text}”)")
    return months


def is_period_end(day: dt.date, months: Sequence[int]) -> bool:
    return day.month in months and day == month_end(day)


def previous_period_end(period_end: dt.date, months: Sequence[int]) -> dt.date:
    """The crediting date before ``period_end`` (the last day of the previous credit month)."""
    year, month = period_end.year, period_end.month
    while True:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        if month in months:
            return month_end(dt.date(year, month, 1))


def next_period_end(day: dt.date, months: Sequence[int]) -> dt.date:
    """The first crediting date on or after ``day``."""
    year, month = day.year, day.month
    while True:
        if month in months and month_end(dt.date(year, month, 1)) >= day:
            return month_end(dt.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
