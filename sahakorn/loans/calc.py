"""Pure loan calculators: interest by days, repayment schedules, payoff (no database).

Loan interest (ดอกเบี้ยเงินกู้) is daily on the outstanding balance: balance × the rate in force
that day, over 365, actual days (a leap year still divides by 365 and 29 February is charged like any
other day). A span of interest is (start, end]: every day after ``start`` up to and including ``end``,
so back-to-back spans (disbursement → 1st due date → 2nd due date …) never charge a day twice or miss
one. Day-amounts are summed exactly (balance × rate × days is a finite decimal) and divided and
rounded once, with the coop's rule, through ``round_money``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sahakorn.core.money import ZERO, Rounding, has_more_than_two_places, round_money

DAY_BASIS = 365
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RatePeriod:
    """``annual_rate`` percent a year (e.g. ``Decimal("6.50")``) from ``effective_from`` on."""

    effective_from: dt.date
    annual_rate: Decimal


@dataclass(frozen=True)
class Installment:
    """One row (งวด) of a repayment schedule: ``payment`` = ``principal`` + ``interest``.

    ``days`` are the days of interest it carries: (previous due date or disbursement, ``due_date``].
    """

    number: int
    due_date: dt.date
    days: int
    opening_balance: Decimal
    principal: Decimal
    interest: Decimal
    payment: Decimal
    closing_balance: Decimal


class _RateTable:
    """Rate periods sorted by date, for lookups by day."""

    def __init__(self, rates: Sequence[RatePeriod]) -> None:
        if not rates:
            raise ValueError("ต้องระบุอัตราดอกเบี้ยอย่างน้อยหนึ่งช่วง")
        ordered = sorted(rates, key=lambda period: period.effective_from)
        self.dates = [period.effective_from for period in ordered]
        self.values = [period.annual_rate for period in ordered]
        # Two rates from the same day would make the day's rate depend on list order.
        if len(set(self.dates)) != len(self.dates):
            raise ValueError("อัตราดอกเบี้ยมีวันที่มีผลซ้ำกัน")
        for value in self.values:
            if not isinstance(value, Decimal) or value < 0:
                raise ValueError(f"อัตราดอกเบี้ยต้องเป็น Decimal ที่ไม่ติดลบ (ได้ {value!r})")

    def index_on(self, day: dt.date) -> int:
        index = bisect.bisect_right(self.dates, day) - 1
        # A loan day without a rate is a setup error; charging nothing would hide it.
        if index < 0:
            raise ValueError(f"ไม่มีอัตราดอกเบี้ยที่ใช้บังคับในวันที่ {day.isoformat()}")
        return index

    def rate_on(self, day: dt.date) -> Decimal:
        return self.values[self.index_on(day)]


def _table(annual_rate: Decimal | None, rates: Sequence[RatePeriod] | None) -> _RateTable:
    """The rates from exactly one of ``annual_rate`` (one rate for all time) or ``rates``."""
    if (annual_rate is None) == (rates is None):
        raise ValueError("ระบุ annual_rate หรือ rates อย่างใดอย่างหนึ่ง")
    if annual_rate is not None:
        return _RateTable([RatePeriod(dt.date.min, annual_rate)])
    return _RateTable(rates)


def _check_rounding(rounding: Rounding | str, what: str) -> None:
    # NONE would leave dozens of places on a figure that is charged or stored.
    if Rounding(rounding) is Rounding.NONE:
        raise ValueError(f"{what} ต้องปัดเศษ: เลือกวิธีปัดอื่นที่ไม่ใช่ “ไม่ปัด”")


def _check_amount(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError(f"{what} must be Decimal, not {type(amount).__name__}")
    if amount <= 0 or has_more_than_two_places(amount):
        raise ValueError(f"{what} ต้องมากกว่าศูนย์และมีทศนิยมไม่เกิน 2 ตำแหน่ง (ได้ {amount})")


def _numerator(principal: Decimal, start: dt.date, end: dt.date, table: _RateTable) -> Decimal:
    """Σ over the days in (start, end] of principal × annual rate % (exact): the interest × 36,500."""
    piece_start = start + ONE_DAY
    if end < piece_start or not principal:
        return ZERO
    index = table.index_on(piece_start)
    total = ZERO
    # Walk rate period by rate period rather than day by day: a 30-year loan is ~11,000 days.
    while index + 1 < len(table.dates) and table.dates[index + 1] <= end:
        next_change = table.dates[index + 1]
        total += principal * table.values[index] * (next_change - piece_start).days
        piece_start, index = next_change, index + 1
    return total + principal * table.values[index] * ((end - piece_start).days + 1)


def _interest(
    principal: Decimal, start: dt.date, end: dt.date, table: _RateTable, rounding: Rounding | str
) -> Decimal:
    if end < start:
        raise ValueError(f"วันสิ้นสุด {end.isoformat()} อยู่ก่อนวันเริ่ม {start.isoformat()}")
    return round_money(_numerator(principal, start, end, table) / (100 * DAY_BASIS), rounding)


def interest_between(
    *,
    principal: Decimal,
    start: dt.date,
    end: dt.date,
    rates: Sequence[RatePeriod],
    rounding: Rounding | str = Rounding.SATANG_HALF_UP,
) -> Decimal:
    """Interest on a constant ``principal`` for the days (start, end], actual/365, rounded once.

    Each day takes the rate of the latest ``RatePeriod`` effective on or before it, so a rate change
    mid-span applies from its effective date. ``start == end`` is no days and no interest.
    """
    _check_rounding(rounding, "ดอกเบี้ย")
    return _interest(principal, start, end, _RateTable(rates), rounding)


# ======== Due dates ========


def month_end(day: dt.date) -> dt.date:
    first_of_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_of_next - ONE_DAY


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the month's last day when the month is shorter."""
    years, month0 = divmod(day.month - 1 + months, 12)
    first = dt.date(day.year + years, month0 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def monthly_due_dates(first_due: dt.date, installments: int) -> list[dt.date]:
    """Due dates on the same day as ``first_due`` each month (31 Jan → 29 Feb → 31 Mar …).

    Each date is counted from ``first_due``, not from the previous due date, so a February does not
    drag every later due date to the 28th/29th; and a first due date on a month's last day (the
    payroll deduction day) stays on the last day: 28 Feb → 31 Mar → 30 Apr.
    """
    if first_due == month_end(first_due):
        return [month_end(add_months(first_due.replace(day=1), k)) for k in range(installments)]
    return [add_months(first_due, k) for k in range(installments)]


def _check_loan(amount: Decimal, first_due: dt.date, installments: int, disbursed_on: dt.date) -> None:
    _check_amount(amount, "ยอดเงินกู้")
    if installments < 1:
        raise ValueError(f"จำนวนงวดต้องอย่างน้อย 1 งวด (ได้ {installments})")
    if first_due <= disbursed_on:
        raise ValueError(f"งวดแรก {first_due.isoformat()} ต้องอยู่หลังวันจ่ายเงินกู้ {disbursed_on.isoformat()}")


# ======== Schedules ========


def schedule_equal_principal(
    *,
    amount: Decimal,
    annual_rate: Decimal | None = None,
    rates: Sequence[RatePeriod] | None = None,
    first_due: dt.date,
    installments: int,
    disbursed_on: dt.date,
    interest_rounding: Rounding | str = Rounding.SATANG_HALF_UP,
    principal_rounding: Rounding | str = Rounding.BAHT_UP,
) -> list[Installment]:
    """Equal principal plus interest (คงต้น): the principal part is ``amount / installments`` rounded
    by ``principal_rounding`` (coops round it up to a baht or 10 baht), interest by days on the
    opening balance, and the last installment takes whatever principal remains, to the satang.

    When rounding the principal up would repay the loan before the last installment (a small loan
    over many months), the schedule ends at the installment that closes it: it never goes negative.
    """
    table = _table(annual_rate, rates)
    _check_loan(amount, first_due, installments, disbursed_on)
    _check_rounding(interest_rounding, "ดอกเบี้ย")
    _check_rounding(principal_rounding, "เงินต้นต่องวด")
    per_installment = round_money(amount / installments, principal_rounding)
    rows: list[Installment] = []
    balance, previous = amount, disbursed_on
    for number, due in enumerate(monthly_due_dates(first_due, installments), start=1):
        interest = _interest(balance, previous, due, table, interest_rounding)
        principal = balance if number == installments or per_installment >= balance else per_installment
        rows.append(_row(number, previous, due, balance, principal, interest))
        balance, previous = balance - principal, due
        if not balance:
            break
    return rows


def level_payment(
    *,
    amount: Decimal,
    annual_rate: Decimal,
    installments: int,
    rounding: Rounding | str = Rounding.TEN_BAHT_UP,
) -> Decimal:
    """The level installment (คงยอด) by the annuity formula, rounded by ``rounding``.

    amount × r / (1 − (1 + r)^−n) with the monthly rate r = annual_rate / 12 / 100; amount / n at 0%.
    The formula assumes equal months; interest is charged by actual days, and the last installment
    settles the difference.
    """
    _check_amount(amount, "ยอดเงินกู้")
    _check_rounding(rounding, "ค่างวด")
    if installments < 1:
        raise ValueError(f"จำนวนงวดต้องอย่างน้อย 1 งวด (ได้ {installments})")
    monthly = annual_rate / 1200
    if not monthly:
        return round_money(amount / installments, rounding)
    return round_money(amount * monthly / (1 - (1 + monthly) ** -installments), rounding)


def schedule_equal_installment(
    *,
    amount: Decimal,
    annual_rate: Decimal | None = None,
    rates: Sequence[RatePeriod] | None = None,
    first_due: dt.date,
    installments: int,
    disbursed_on: dt.date,
    interest_rounding: Rounding | str = Rounding.SATANG_HALF_UP,
    installment_step_rounding: Rounding | str = Rounding.TEN_BAHT_UP,
) -> list[Installment]:
    """Equal installments (คงยอด): the level payment (see ``level_payment``, at the rate in force on
    the first day of interest), interest by days on the opening balance, principal = payment −
    interest; the last installment pays the remaining principal plus its interest, closing at 0.00
    (so it may differ from the level payment).

    Raises ValueError when an installment's interest reaches the level payment (e.g. a first due
    date long after disbursement at a high rate): the principal would never come down.
    """
    table = _table(annual_rate, rates)
    _check_loan(amount, first_due, installments, disbursed_on)
    _check_rounding(interest_rounding, "ดอกเบี้ย")
    payment = level_payment(
        amount=amount,
        annual_rate=table.rate_on(disbursed_on + ONE_DAY),
        installments=installments,
        rounding=installment_step_rounding,
    )
    return _amortize(
        balance=amount,
        payment=payment,
        table=table,
        start=disbursed_on,
        due_dates=monthly_due_dates(first_due, installments),
        first_number=1,
        interest_rounding=interest_rounding,
    )


def reschedule_after_rate_change(
    *,
    balance: Decimal,
    payment: Decimal,
    annual_rate: Decimal | None = None,
    rates: Sequence[RatePeriod] | None = None,
    last_interest_date: dt.date,
    due_dates: Sequence[dt.date],
    first_number: int = 1,
    interest_rounding: Rounding | str = Rounding.SATANG_HALF_UP,
) -> list[Installment]:
    """The remaining installments after a rate change: the installment amount ``payment`` stays and
    the principal part moves (payment − interest by days at the new rates).

    ``balance`` is the principal outstanding after the installment due on ``last_interest_date``;
    ``rates`` the full rate history (old and new periods, so a change mid-period splits that period);
    ``due_dates`` the remaining due dates, numbered from ``first_number``. A lower rate repays sooner
    and the schedule ends at the installment that closes the loan; a higher rate leaves more for the
    last installment, which takes all that remains. Raises ValueError when the interest reaches
    the payment: the coop must raise the installment instead.
    """
    table = _table(annual_rate, rates)
    _check_amount(balance, "เงินต้นคงเหลือ")
    _check_amount(payment, "ค่างวด")
    _check_rounding(interest_rounding, "ดอกเบี้ย")
    if not due_dates:
        raise ValueError("ต้องมีงวดที่เหลืออย่างน้อย 1 งวด")
    return _amortize(
        balance=balance,
        payment=payment,
        table=table,
        start=last_interest_date,
        due_dates=due_dates,
        first_number=first_number,
        interest_rounding=interest_rounding,
    )


def _amortize(
    *,
    balance: Decimal,
    payment: Decimal,
    table: _RateTable,
    start: dt.date,
    due_dates: Sequence[dt.date],
    first_number: int,
    interest_rounding: Rounding | str,
) -> list[Installment]:
    """Level ``payment`` installments on ``balance``; the last (or the one that can) closes it."""
    rows: list[Installment] = []
    previous = start
    for k, due in enumerate(due_dates):
        if due <= previous:
            raise ValueError(f"วันครบกำหนด {due.isoformat()} ต้องอยู่หลัง {previous.isoformat()}")
        number = first_number + k
        interest = _interest(balance, previous, due, table, interest_rounding)
        if k == len(due_dates) - 1 or payment - interest >= balance:
            principal = balance
        else:
            principal = payment - interest
            if principal <= 0:
                raise ValueError(
                    f"ค่างวด {payment} บาท ไม่มากกว่าดอกเบี้ย {interest} บาท ของงวดที่ {number} "
                    f"(ครบกำหนด {due.isoformat()}): เงินต้นจะไม่ลดลง ต้องเพิ่มค่างวด"
                )
        rows.append(_row(number, previous, due, balance, principal, interest))
        balance, previous = balance - principal, due
        if not balance:
            break
    return rows


def _row(
    number: int, previous: dt.date, due: dt.date, opening: Decimal, principal: Decimal, interest: Decimal
) -> Installment:
    return Installment(
        number=number,
        due_date=due,
        days=(due - previous).days,
        opening_balance=opening,
        principal=principal,
        interest=interest,
        payment=principal + interest,
        closing_balance=opening - principal,
    )


# ======== Payoff ========


def payoff_amount(
    *,
    principal: Decimal,
    last_interest_date: dt.date,
    payoff_date: dt.date,
    rates: Sequence[RatePeriod],
    rounding: Rounding | str = Rounding.SATANG_HALF_UP,
) -> tuple[Decimal, Decimal]:
    """What closes the loan on ``payoff_date`` (ยอดปิดบัญชี): (principal, interest to the day).

    Interest runs for (last_interest_date, payoff_date]: the payoff day itself is charged, as the
    money is out for that day too; paying off on ``last_interest_date`` costs no more interest.
    """
    _check_amount(principal, "เงินต้นคงเหลือ")
    return principal, interest_between(
        principal=principal, start=last_interest_date, end=payoff_date, rates=rates, rounding=rounding
    )
