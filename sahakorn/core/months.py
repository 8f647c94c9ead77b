"""Months as the coop counts them: the first and last day of a month, and whole months later.

Payroll deductions, installments, accruals and contributions all fall on months; every app takes
these three from here.
"""

from __future__ import annotations

import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    first_of_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_of_next - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the month's last day when the month is shorter."""
    years, month0 = divmod(day.month - 1 + months, 12)
    first = dt.date(day.year + years, month0 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))
