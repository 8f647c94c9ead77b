"""The loan calculators, by hand to the satang and against a day-by-day loop."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahakorn.core.money import ZERO, Rounding, round_money
from sahakorn.loans.calc import (
    RatePeriod,
    interest_between,
    level_payment,
    monthly_due_dates,
    payoff_amount,
    reschedule_after_rate_change,
    schedule_equal_installment,
    schedule_equal_principal,
)

SIX = [RatePeriod(dt.date(2000, 1, 1), D("6.00"))]


def interest_naive(*, principal, start, end, rates, rounding):
    """The baseline: one day at a time, each day's rate by scanning every period."""
    total = ZERO
    day = start + dt.timedelta(days=1)
    while day <= end:
        in_force = [p for p in rates if p.effective_from <= day]
        total += principal * max(in_force, key=lambda p: p.effective_from).annual_rate
        day += dt.timedelta(days=1)
    return round_money(total / 36_500, rounding)


# ======== interest_between ========


def test_interest_across_a_leap_february_counts_the_29th_and_divides_by_365():
    # given: 100,000 at 6% for (31 Jan 2024, 31 Mar 2024]: 29 February days + 31 March days = 60

    # when
    interest = interest_between(
        principal=D("100000.00"), start=dt.date(2024, 1, 31), end=dt.date(2024, 3, 31), rates=SIX
    )

    # then: 100,000 × 6 × 60 / 36,500 = 36,000,000 / 36,500 = 986.3013… → 986.30
    assert interest == D("986.30")


def test_a_rate_change_mid_span_applies_from_its_effective_date():
    # given: 6% until 31 Mar 2025, 5.50% from 1 Apr 2025
    rates = [*SIX, RatePeriod(dt.date(2025, 4, 1), D("5.50"))]

    # when
    interest = interest_between(
        principal=D("200000.00"), start=dt.date(2024, 12, 31), end=dt.date(2025, 6, 30), rates=rates
    )

    # then: Jan–Mar 90 days: 200,000 × 6 × 90 = 108,000,000; Apr–Jun 91 days: 200,000 × 5.5 × 91 =
    # 100,100,000; 208,100,000 / 36,500 = 5,701.3698… → 5,701.37
    assert interest == D("5701.37")


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (Rounding.SATANG_HALF_UP, D("123.01")),
        (Rounding.QUARTER_UP, D("123.25")),
        (Rounding.BAHT_UP, D("124.00")),
    ],
)
def test_interest_rounded_up_to_the_next_quarter_baht(rounding, expected):
    # given: 2,050.17 at 6% for all of 2025 (365 days)

    # when
    interest = interest_between(
        principal=D("2050.17"),
        start=dt.date(2024, 12, 31),
        end=dt.date(2025, 12, 31),
        rates=SIX,
        rounding=rounding,
    )

    # then: 2,050.17 × 6 × 365 / 36,500 = 2,050.17 × 6 / 100 = 123.0102 → 123.01; by quarters 123.25
    assert interest == expected


def test_no_days_no_interest_and_a_day_without_a_rate_is_an_error():
    # given: rates that start in 2025
    later = [RatePeriod(dt.date(2025, 1, 1), D("6.00"))]

    # then: (d, d] is no days; 31 Dec 2024 has no rate; the end before the start is refused
    assert interest_between(
        principal=D("1000.00"), start=dt.date(2024, 12, 31), end=dt.date(2024, 12, 31), rates=later
    ) == D("0.00")
    with pytest.raises(ValueError):
        interest_between(
            principal=D("1000.00"), start=dt.date(2024, 12, 30), end=dt.date(2025, 1, 31), rates=later
        )
    with pytest.raises(ValueError):
        interest_between(
            principal=D("1000.00"), start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 31), rates=later
        )
    with pytest.raises(ValueError):
        interest_between(
            principal=D("1000.00"),
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 1, 31),
            rates=later,
            rounding=Rounding.NONE,
        )


def test_due_dates_keep_the_day_of_the_first_due_date_at_month_end():
    # when / then: 31 Jan → the last day of each shorter month, and back to the 31st
    assert monthly_due_dates(dt.date(2024, 1, 31), 4) == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
    ]


def test_a_first_due_date_at_a_short_month_end_keeps_to_month_ends():
    # a loan first due with February's payroll is due with every later month's payroll
    assert monthly_due_dates(dt.date(2025, 2, 28), 3) == [
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 30),
    ]
    assert monthly_due_dates(dt.date(2025, 2, 25), 2) == [dt.date(2025, 2, 25), dt.date(2025, 3, 25)]


# ======== Equal principal (คงต้น) ========


def test_equal_principal_over_a_full_year():
    # given: 12,000 at 6% for 12 months, disbursed 31 Dec 2023, due at each month end of 2024

    # when
    rows = schedule_equal_principal(
        amount=D("12000.00"),
        annual_rate=D("6.00"),
        first_due=dt.date(2024, 1, 31),
        installments=12,
        disbursed_on=dt.date(2023, 12, 31),
    )

    # then: 12,000 / 12 = 1,000 principal each
    assert [r.principal for r in rows] == [D("1000.00")] * 12
    # row 1: 31 days on 12,000: 12,000 × 6 × 31 / 36,500 = 2,232,000 / 36,500 = 61.1507… → 61.15
    first = rows[0]
    assert (first.due_date, first.days, first.opening_balance) == (dt.date(2024, 1, 31), 31, D("12000.00"))
    assert (first.interest, first.payment, first.closing_balance) == (D("61.15"), D("1061.15"), D("11000.00"))
    # row 2: due 29 Feb, 29 days on 11,000: 11,000 × 6 × 29 / 36,500 = 1,914,000 / 36,500 = 52.438… → 52.44
    assert (rows[1].due_date, rows[1].days, rows[1].interest) == (dt.date(2024, 2, 29), 29, D("52.44"))
    # row 12: due 31 Dec, 31 days on 1,000: 1,000 × 6 × 31 / 36,500 = 186,000 / 36,500 = 5.0959… → 5.10
    last = rows[-1]
    assert (last.number, last.due_date, last.days, last.opening_balance) == (
        12,
        dt.date(2024, 12, 31),
        31,
        D("1000.00"),
    )
    assert (last.interest, last.payment, last.closing_balance) == (D("5.10"), D("1005.10"), D("0.00"))
    assert sum(r.principal for r in rows) == D("12000.00")
    assert sum(r.interest for r in rows) == D("390.26")


def test_equal_principal_rounded_up_to_ten_baht_leaves_the_remainder_to_the_last():
    # given: 100,000 at 6% over 24 months, the principal part rounded up to 10 baht

    # when
    rows = schedule_equal_principal(
        amount=D("100000.00"),
        annual_rate=D("6.00"),
        first_due=dt.date(2025, 1, 31),
        installments=24,
        disbursed_on=dt.date(2024, 12, 31),
        principal_rounding=Rounding.TEN_BAHT_UP,
    )

    # then: 100,000 / 24 = 4,166.67 → 4,170; 23 × 4,170 = 95,910; the last takes 100,000 − 95,910 = 4,090
    assert len(rows) == 24
    assert {r.principal for r in rows[:-1]} == {D("4170.00")}
    # the last: 4,090 × 6 × 31 / 36,500 = 760,740 / 36,500 = 20.842… → 20.84
    assert (rows[-1].principal, rows[-1].interest, rows[-1].payment) == (
        D("4090.00"),
        D("20.84"),
        D("4110.84"),
    )
    assert rows[-1].closing_balance == D("0.00")


def test_equal_principal_last_installment_closes_to_the_satang():
    # given: 10,000.55 over 3 months at 6%, the principal rounded up to a baht

    # when
    rows = schedule_equal_principal(
        amount=D("10000.55"),
        annual_rate=D("6.00"),
        first_due=dt.date(2025, 1, 31),
        installments=3,
        disbursed_on=dt.date(2024, 12, 31),
    )

    # then: 10,000.55 / 3 = 3,333.5166… → 3,334; the last takes 10,000.55 − 2 × 3,334 = 3,332.55,
    # with 3,332.55 × 6 × 31 / 36,500 = 619,854.3 / 36,500 = 16.982… → 16.98 interest
    assert [r.principal for r in rows] == [D("3334.00"), D("3334.00"), D("3332.55")]
    assert (rows[-1].interest, rows[-1].payment, rows[-1].closing_balance) == (
        D("16.98"),
        D("3349.53"),
        D("0.00"),
    )


def test_equal_principal_ends_early_when_the_rounded_principal_repays_it_sooner():
    # given: 1,000 over 24 months, the principal rounded up to 10 baht

    # when
    rows = schedule_equal_principal(
        amount=D("1000.00"),
        annual_rate=D("6.00"),
        first_due=dt.date(2025, 1, 31),
        installments=24,
        disbursed_on=dt.date(2024, 12, 31),
        principal_rounding=Rounding.TEN_BAHT_UP,
    )

    # then: 1,000 / 24 = 41.67 → 50 a month repays it in 20 installments; the 20th, 31 Aug 2026, closes it
    assert len(rows) == 20
    assert (rows[-1].number, rows[-1].due_date) == (20, dt.date(2026, 8, 31))
    assert (rows[-1].opening_balance, rows[-1].principal, rows[-1].closing_balance) == (
        D("50.00"),
        D("50.00"),
        D("0.00"),
    )


# ======== Equal installment (คงยอด) ========


def test_the_level_payment_is_rounded_up_by_the_coops_step():
    # given: 100,000 at 6% over 24 months: r = 0.005, 1.005^24 = 1.1271598…
    # 100,000 × 0.005 / (1 − 1 / 1.1271598) = 500 / 0.1128143… = 4,432.0610…

    # when / then
    assert level_payment(amount=D("100000.00"), annual_rate=D("6.00"), installments=24) == D("4440.00")
    assert level_payment(
        amount=D("100000.00"), annual_rate=D("6.00"), installments=24, rounding=Rounding.BAHT_UP
    ) == D("4433.00")
    # at 0%: 100,000 / 24 = 4,166.666… → 4,170
    assert level_payment(amount=D("100000.00"), annual_rate=D("0"), installments=24) == D("4170.00")


def test_equal_installment_over_a_full_schedule():
    # given: 100,000 at 6% over 24 months, disbursed 31 Dec 2024, due at each month end of 2025–2026

    # when
    rows = schedule_equal_installment(
        amount=D("100000.00"),
        annual_rate=D("6.00"),
        first_due=dt.date(2025, 1, 31),
        installments=24,
        disbursed_on=dt.date(2024, 12, 31),
    )

    # then: the level payment 4,432.06 → 4,440 for rows 1–23
    assert len(rows) == 24
    assert {r.payment for r in rows[:-1]} == {D("4440.00")}
    # row 1: 100,000 × 6 × 31 / 36,500 = 18,600,000 / 36,500 = 509.589… → 509.59; principal 4,440 − 509.59
    first = rows[0]
    assert (first.days, first.interest, first.principal, first.closing_balance) == (
        31,
        D("509.59"),
        D("3930.41"),
        D("96069.59"),
    )
    # row 2: 28 days: 96,069.59 × 6 × 28 / 36,500 = 16,139,691.12 / 36,500 = 442.183… → 442.18
    assert (rows[1].days, rows[1].interest, rows[1].principal) == (28, D("442.18"), D("3997.82"))
    # row 24: what 23 payments leave, 4,201.95, for 31 days: 4,201.95 × 6 × 31 / 36,500 =
    # 781,562.70 / 36,500 = 21.412… → 21.41; payment 4,201.95 + 21.41 = 4,223.36
    last = rows[-1]
    assert (last.number, last.due_date, last.opening_balance) == (24, dt.date(2026, 12, 31), D("4201.95"))
    assert (last.interest, last.principal, last.payment, last.closing_balance) == (
        D("21.41"),
        D("4201.95"),
        D("4223.36"),
        D("0.00"),
    )
    # totals: 23 × 4,440 + 4,223.36 = 106,343.36 paid = 100,000 principal + 6,343.36 interest
    assert sum(r.principal for r in rows) == D("100000.00")
    assert sum(r.interest for r in rows) == D("6343.36")


def test_equal_installment_last_closes_to_the_satang():
    # given: 50,000.75 at 6.50% over 6 months

    # when
    rows = schedule_equal_installment(
        amount=D("50000.75"),
        annual_rate=D("6.50"),
        first_due=dt.date(2025, 1, 31),
        installments=6,
        disbursed_on=dt.date(2024, 12, 31),
    )

    # then: level 8,500 (rounded up to 10 baht); row 1: 50,000.75 × 6.5 × 31 / 36,500 = 276.0315… → 276.03;
    # the last: 8,397.19 × 6.5 × 30 / 36,500 = 1,637,452.05 / 36,500 = 44.861… → 44.86
    assert rows[0].interest == D("276.03")
    assert (rows[-1].opening_balance, rows[-1].interest, rows[-1].payment) == (
        D("8397.19"),
        D("44.86"),
        D("8442.05"),
    )
    assert rows[-1].closing_balance == D("0.00")
    assert sum(r.principal for r in rows) == D("50000.75")


def test_a_payment_that_does_not_cover_the_interest_is_refused():
    # given: 100,000 at 12% over 120 months, the first due date 90 days after disbursement:
    # level 100,000 × 0.01 / (1 − 1.01^−120) = 1,434.71 → 1,440; the first interest
    # 100,000 × 12 × 90 / 36,500 = 2,958.90

    # when / then
    with pytest.raises(ValueError, match="ไม่มากกว่าดอกเบี้ย"):
        schedule_equal_installment(
            amount=D("100000.00"),
            annual_rate=D("12.00"),
            first_due=dt.date(2025, 3, 31),
            installments=120,
            disbursed_on=dt.date(2024, 12, 31),
        )


# ======== Rate change ========


def test_a_rate_rise_keeps_the_installment_and_leaves_more_for_the_last():
    # given: the 100,000 / 24-month loan above after 12 payments (51,390.73 left), 7% from 1 Jan 2026
    rates = [*SIX, RatePeriod(dt.date(2026, 1, 1), D("7.00"))]

    # when
    rows = reschedule_after_rate_change(
        balance=D("51390.73"),
        payment=D("4440.00"),
        rates=rates,
        last_interest_date=dt.date(2025, 12, 31),
        due_dates=monthly_due_dates(dt.date(2026, 1, 31), 12),
        first_number=13,
    )

    # then: row 13: 51,390.73 × 7 × 31 / 36,500 = 11,151,788.41 / 36,500 = 305.528… → 305.53;
    # principal 4,440 − 305.53 = 4,134.47 (4,178.12 at 6%)
    assert (rows[0].number, rows[0].interest, rows[0].principal, rows[0].payment) == (
        13,
        D("305.53"),
        D("4134.47"),
        D("4440.00"),
    )
    assert {r.payment for r in rows[:-1]} == {D("4440.00")}
    # row 24 takes all that remains: 4,487.65 × 7 × 31 / 36,500 = 973,820.05 / 36,500 = 26.679… → 26.68;
    # 4,487.65 + 26.68 = 4,514.33 (more than the installment)
    assert (rows[-1].number, rows[-1].principal, rows[-1].interest, rows[-1].payment) == (
        24,
        D("4487.65"),
        D("26.68"),
        D("4514.33"),
    )
    assert rows[-1].closing_balance == D("0.00")
    assert sum(r.principal for r in rows) == D("51390.73")


def test_a_rate_fall_keeps_the_installment_and_leaves_less_for_the_last():
    # given: the same loan, 4% from 1 Jan 2026
    rates = [*SIX, RatePeriod(dt.date(2026, 1, 1), D("4.00"))]

    # when
    rows = reschedule_after_rate_change(
        balance=D("51390.73"),
        payment=D("4440.00"),
        rates=rates,
        last_interest_date=dt.date(2025, 12, 31),
        due_dates=monthly_due_dates(dt.date(2026, 1, 31), 12),
        first_number=13,
    )

    # then: row 13: 51,390.73 × 4 × 31 / 36,500 = 6,372,450.52 / 36,500 = 174.587… → 174.59;
    # principal 4,440 − 174.59 = 4,265.41;
    # row 24: 3,639.65 × 4 × 31 / 36,500 = 451,316.60 / 36,500 = 12.364… → 12.36; 3,639.65 + 12.36 = 3,652.01
    assert (rows[0].interest, rows[0].principal) == (D("174.59"), D("4265.41"))
    assert (rows[-1].number, rows[-1].principal, rows[-1].payment, rows[-1].closing_balance) == (
        24,
        D("3639.65"),
        D("3652.01"),
        D("0.00"),
    )


def test_a_rate_rise_the_installment_cannot_carry_is_refused():
    # given: 100,000 left, an installment of 100, 6%: 31 days of interest = 509.59

    # when / then
    with pytest.raises(ValueError, match="ต้องเพิ่มค่างวด"):
        reschedule_after_rate_change(
            balance=D("100000.00"),
            payment=D("100.00"),
            rates=SIX,
            last_interest_date=dt.date(2024, 12, 31),
            due_dates=monthly_due_dates(dt.date(2025, 1, 31), 3),
        )


# ======== Payoff ========


def test_payoff_charges_interest_to_the_day():
    # given: 50,000 outstanding, interest charged to 31 Mar 2025, paid off on 15 Apr 2025 (15 days)

    # when
    principal, interest = payoff_amount(
        principal=D("50000.00"),
        last_interest_date=dt.date(2025, 3, 31),
        payoff_date=dt.date(2025, 4, 15),
        rates=SIX,
    )

    # then: 50,000 × 6 × 15 / 36,500 = 4,500,000 / 36,500 = 123.287… → 123.29
    assert (principal, interest) == (D("50000.00"), D("123.29"))


# ======== Properties ========

DAY0 = dt.date(2023, 1, 1)
days = st.integers(min_value=0, max_value=1200).map(lambda n: DAY0 + dt.timedelta(days=n))
rate_values = st.integers(min_value=0, max_value=1500).map(lambda r: D(r) / 100)
rate_lists = st.dictionaries(days, rate_values, min_size=1, max_size=5).map(
    lambda d: [RatePeriod(dt.date(2022, 1, 1), D("6.00"))] + [RatePeriod(k, v) for k, v in d.items()]
)
amounts = st.integers(min_value=100_000, max_value=500_000_000).map(lambda c: D(c) / 100)  # 1,000–5,000,000
interest_roundings = st.sampled_from([Rounding.SATANG_HALF_UP, Rounding.SATANG_UP, Rounding.QUARTER_UP])


@settings(max_examples=200, deadline=None)
@given(
    principal=st.integers(min_value=0, max_value=500_000_000).map(lambda c: D(c) / 100),
    rates=rate_lists,
    start=days,
    length=st.integers(min_value=0, max_value=800),
    rounding=st.sampled_from([r for r in Rounding if r is not Rounding.NONE]),
)
def test_interest_between_equals_a_day_by_day_loop(principal, rates, start, length, rounding):
    # given: any balance, any effective-dated rates, any span
    end = start + dt.timedelta(days=length)

    # when
    fast = interest_between(principal=principal, start=start, end=end, rates=rates, rounding=rounding)

    # then
    assert fast == interest_naive(principal=principal, start=start, end=end, rates=rates, rounding=rounding)


def assert_closes(rows, amount, installments):
    assert 1 <= len(rows) <= installments
    assert sum(r.principal for r in rows) == amount
    assert rows[0].opening_balance == amount
    assert rows[-1].closing_balance == D("0.00")
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.opening_balance == before.closing_balance
    for r in rows:
        assert r.principal >= 0 and r.interest >= 0 and r.closing_balance >= 0
        assert r.payment == r.principal + r.interest
        assert r.closing_balance == r.opening_balance - r.principal
        assert r.principal == r.principal.quantize(D("0.01")) and r.interest == r.interest.quantize(D("0.01"))


@settings(max_examples=150, deadline=None)
@given(
    amount=amounts,
    rates=rate_lists,
    disbursed_on=days,
    gap=st.integers(min_value=1, max_value=45),
    installments=st.integers(min_value=1, max_value=120),
    interest_rounding=interest_roundings,
    principal_rounding=st.sampled_from([Rounding.SATANG_UP, Rounding.BAHT_UP, Rounding.TEN_BAHT_UP]),
)
def test_equal_principal_repays_exactly_the_amount(
    amount, rates, disbursed_on, gap, installments, interest_rounding, principal_rounding
):
    # given: any amount, rate history, term and rounding

    # when
    rows = schedule_equal_principal(
        amount=amount,
        rates=rates,
        first_due=disbursed_on + dt.timedelta(days=gap),
        installments=installments,
        disbursed_on=disbursed_on,
        interest_rounding=interest_rounding,
        principal_rounding=principal_rounding,
    )

    # then
    assert_closes(rows, amount, installments)
    per = round_money(amount / installments, principal_rounding)
    assert all(r.principal == per for r in rows[:-1])


@settings(max_examples=150, deadline=None)
@given(
    amount=amounts,
    annual_rate=st.integers(min_value=0, max_value=1200).map(lambda r: D(r) / 100),
    disbursed_on=days,
    gap=st.integers(min_value=1, max_value=31),
    installments=st.integers(min_value=1, max_value=120),
    interest_rounding=interest_roundings,
    step=st.sampled_from([Rounding.SATANG_UP, Rounding.BAHT_UP, Rounding.TEN_BAHT_UP]),
)
def test_equal_installment_repays_exactly_the_amount(
    amount, annual_rate, disbursed_on, gap, installments, interest_rounding, step
):
    # given: any amount, rate up to 12%, term up to 10 years, first due within a month

    # when
    rows = schedule_equal_installment(
        amount=amount,
        annual_rate=annual_rate,
        first_due=disbursed_on + dt.timedelta(days=gap),
        installments=installments,
        disbursed_on=disbursed_on,
        interest_rounding=interest_rounding,
        installment_step_rounding=step,
    )

    # then
    assert_closes(rows, amount, installments)
    payment = level_payment(amount=amount, annual_rate=annual_rate, installments=installments, rounding=step)
    assert all(r.payment == payment for r in rows[:-1])


@settings(max_examples=150, deadline=None)
@given(
    balance=amounts,
    rates=rate_lists,
    last_interest_date=days,
    remaining=st.integers(min_value=1, max_value=60),
    extra=st.integers(min_value=0, max_value=100),
)
def test_a_reschedule_repays_exactly_the_balance(balance, rates, last_interest_date, remaining, extra):
    # given: an installment above the most a month can charge (15% × 31 / 365 = 1.28% of the balance)
    payment = round_money(balance * D("0.0128") + 1 + balance * extra / 1000, Rounding.TEN_BAHT_UP)
    due_dates = monthly_due_dates(last_interest_date + dt.timedelta(days=30), remaining)

    # when
    rows = reschedule_after_rate_change(
        balance=balance,
        payment=payment,
        rates=rates,
        last_interest_date=last_interest_date,
        due_dates=due_dates,
    )

    # then
    assert_closes(rows, balance, remaining)
    assert all(r.payment == payment for r in rows[:-1])


# ======== Day basis and the coops' rounding rules (issue 9) ========


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # 100,000 at 6% for (31 Dec 2023, 31 Jan 2024]: 31 days of a leap year
        ("365", D("509.59")),  # 100,000 × 6 × 31 / 36,500 = 509.589…
        ("366", D("508.20")),  # 100,000 × 6 × 31 / 36,600 = 508.196…
        ("actual", D("508.20")),  # each 2024 day divided by 366
    ],
)
def test_the_day_basis_divides_each_day_by_its_setting(basis, expected):
    assert (
        interest_between(
            principal=D("100000.00"),
            start=dt.date(2023, 12, 31),
            end=dt.date(2024, 1, 31),
            rates=SIX,
            day_basis=basis,
        )
        == expected
    )


def test_the_actual_basis_divides_each_year_s_days_by_that_year_s_length():
    # given: (15 Dec 2023, 31 Jan 2024]: 16 days of 2023 (÷365) and 31 days of 2024 (÷366)
    # when
    interest = interest_between(
        principal=D("100000.00"),
        start=dt.date(2023, 12, 15),
        end=dt.date(2024, 1, 31),
        rates=SIX,
        day_basis="actual",
    )

    # then: 600,000 × (16 × 366 + 31 × 365) / (100 × 365 × 366) = 10,302,600,000 / 13,359,000 = 771.210…
    assert interest == D("771.21")


def test_the_365_basis_keeps_every_earlier_figure():
    # a leap February under 365: 100,000 × 6 × 60 / 36,500 = 986.30 (the figure the calculator always gave)
    assert interest_between(
        principal=D("100000.00"), start=dt.date(2024, 1, 31), end=dt.date(2024, 3, 31), rates=SIX
    ) == interest_between(
        principal=D("100000.00"),
        start=dt.date(2024, 1, 31),
        end=dt.date(2024, 3, 31),
        rates=SIX,
        day_basis="365",
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("46.71", "46.75"), ("28.03", "28.00"), ("28.125", "28.25"), ("28.12", "28.00"), ("10.875", "11.00")],
)
def test_interest_to_the_nearest_quarter_baht(raw, expected):
    assert round_money(D(raw), Rounding.QUARTER_HALF_UP) == D(expected)


def test_nearest_quarter_on_a_schedule_row():
    # given: 10,000 at 6% for 28 days = 46.027… → nearest 0.25 is 46.00; up to 0.25 would be 46.25
    rows = schedule_equal_principal(
        amount=D("10000.00"), annual_rate=D("6.00"), first_due=dt.date(2026, 2, 28), installments=1,
        disbursed_on=dt.date(2026, 1, 31), interest_rounding=Rounding.QUARTER_HALF_UP,
    )  # fmt: skip
    assert rows[0].interest == D("46.00")


def test_equal_principal_rounded_up_to_100_baht_the_last_installment_taking_the_rest():
    # given: 50,000 over 180 installments: 277.78 → 300 up to 100 baht
    rows = schedule_equal_principal(
        amount=D("50000.00"), annual_rate=D("6.00"), first_due=dt.date(2026, 1, 31), installments=180,
        disbursed_on=dt.date(2025, 12, 31), principal_rounding=Rounding.HUNDRED_BAHT_UP,
    )  # fmt: skip

    # then: 166 × 300 = 49,800, so the 167th takes the last 200.00 and the schedule ends there
    assert rows[0].principal == D("300.00")
    assert (len(rows), rows[-1].principal, rows[-1].closing_balance) == (167, D("200.00"), D("0.00"))
    assert sum(r.principal for r in rows) == D("50000.00")


@pytest.mark.parametrize(
    ("rounding", "expected"), [(Rounding.BAHT_UP, D("278.00")), (Rounding.TEN_BAHT_UP, D("280.00"))]
)
def test_equal_principal_rounded_up_to_1_or_10_baht(rounding, expected):
    rows = schedule_equal_principal(
        amount=D("50000.00"), annual_rate=D("6.00"), first_due=dt.date(2026, 1, 31), installments=180,
        disbursed_on=dt.date(2025, 12, 31), principal_rounding=rounding,
    )  # fmt: skip
    assert rows[0].principal == expected
    assert sum(r.principal for r in rows) == D("50000.00")
