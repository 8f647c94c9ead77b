"""The day basis of interest (ฐานจำนวนวันต่อปี), shared by loans and deposits.

Coops differ: most divide every day's interest by 365 whatever the year; some divide each day by
the length of its own year, so a leap year's days are divided by 366 (published coop figures
reproduce only that way). The coop chooses one (``CoopProfile.day_basis``); a product may
override it.

To keep every figure exact, a day's weight is expressed over one common denominator,
365 × 366 = 133,590: a day divided by 365 weighs 366, a day divided by 366 weighs 365. Interest on
a constant principal P at r % a year over some days is then P × r × Σweights / (100 × 133,590),
one exact fraction rounded once, whatever mix of years the days fall in.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models

YEAR_DENOMINATOR = 365 * 366  # 133,590
INTEREST_DIVISOR = 100 * YEAR_DENOMINATOR  # percent × the common denominator


class DayBasis(models.TextChoices):
    DAYS_365 = "365", "หาร 365 วันเสมอ"
    DAYS_366 = "366", "หาร 366 วันเสมอ"
    ACTUAL = "actual", "ตามจำนวนวันจริงของแต่ละปี (ปีอธิกสุรทินหาร 366)"


def year_weight(basis: DayBasis | str, year: int) -> int:
    """The weight of one day of ``year`` over ``YEAR_DENOMINATOR`` (366 for a day divided by 365)."""
    basis = DayBasis(basis)
    if basis is DayBasis.DAYS_365:
        return 366
    if basis is DayBasis.DAYS_366:
        return 365
    return 365 if calendar.isleap(year) else 366


def weighted_days(first: dt.date, last: dt.date, basis: DayBasis | str) -> int:
    """Σ of the day weights over the days ``first`` … ``last`` inclusive (0 when ``last < first``).

    Under the 365 basis this is just 366 × the number of days; under ``actual`` the days are split at
    each 1 January and weighted by their own year's length.
    """
    if last < first:
        return 0
    basis = DayBasis(basis)
    if basis is not DayBasis.ACTUAL:
        return year_weight(basis, first.year) * ((last - first).days + 1)
    total = 0
    piece = first
    while piece <= last:
        year_end = dt.date(piece.year, 12, 31)
        end = min(last, year_end)
        total += year_weight(basis, piece.year) * ((end - piece).days + 1)
        piece = end + dt.timedelta(days=1)
    return total


def coop_day_basis() -> str:
    """The coop's day basis (365 until the coop profile says otherwise)."""
    from sahakorn.core.selectors import coop_profile_get

    return coop_profile_get().day_basis or DayBasis.DAYS_365
