"""The interest calculator, by hand to the satang and against a day-by-day loop."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahakorn.core.interest import DayBasis
from sahakorn.core.money import Rounding
from sahakorn.core.months import add_months
from sahakorn.deposits.calc import (
    RateTier,
    Segment,
    credit_months_parse,
    interest_for_period,
    interest_for_period_naive,
    next_period_end,
    previous_period_end,
)

SAVINGS = [
    RateTier(dt.date(2000, 1, 1), D("0"), D("1.50")),
    RateTier(dt.date(2000, 1, 1), D("1000000"), D("2.00")),
]


def test_a_whole_half_year_at_one_rate():
    # given: 100,000 all of Jan–Jun 2025 (181 days) at 1.50%
    segments = [Segment(dt.date(2024, 12, 1), D("100000.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2025, 1, 1),
                                   end=dt.date(2025, 6, 30), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: 100,000 × 1.5% × 181 / 365 = 271,500 / 365 = 743.8356… → 743.84
    assert interest == D("743.84")


def test_a_leap_year_half_earns_february_29_and_still_divides_by_365():
    # given: 100,000 all of Jan–Jun 2024: 182 days (29 February included)
    segments = [Segment(dt.date(2023, 12, 1), D("100000.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2024, 1, 1),
                                   end=dt.date(2024, 6, 30), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: 1,500 × 182 / 365 = 747.9452… → 747.95 (a 2025 half earns 743.84)
    assert interest == D("747.95")


def test_a_whole_leap_year_earns_366_365ths_of_the_rate():
    # given: 36,500 all of 2024 at 1.50%
    segments = [Segment(dt.date(2023, 1, 1), D("36500.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2024, 1, 1),
                                   end=dt.date(2024, 12, 31), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: 36,500 × 1.5% = 547.50 a year of 365 days; 366 days → 549.00
    assert interest == D("549.00")


def test_the_whole_balance_takes_the_higher_tier_from_the_day_it_reaches_it():
    # given: 500,000 from 1 Jan 2025, 1,100,000 from 1 Mar (tier 2: 2.00% on the whole balance)
    segments = [Segment(dt.date(2025, 1, 1), D("500000.00")), Segment(dt.date(2025, 3, 1), D("1100000.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2025, 1, 1),
                                   end=dt.date(2025, 6, 30), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: Jan 1–Feb 28, 59 days: 500,000 × 1.5% × 59 = 442,500; Mar 1–Jun 30, 122 days:
    # 1,100,000 × 2% × 122 = 2,684,000; (442,500 + 2,684,000) / 365 = 8,565.7534… → 8,565.75
    assert interest == D("8565.75")


def test_a_rate_change_mid_period_applies_from_its_effective_date():
    # given: 1.50% until 31 Mar 2025, then 1.25% from 1 Apr (a new schedule)
    rates = [*SAVINGS, RateTier(dt.date(2025, 4, 1), D("0"), D("1.25"))]
    segments = [Segment(dt.date(2024, 1, 1), D("200000.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=rates, start=dt.date(2025, 1, 1),
                                   end=dt.date(2025, 6, 30), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: Jan–Mar 90 days × 200,000 × 1.5% = 270,000; Apr–Jun 91 days × 200,000 × 1.25% = 227,500;
    # 497,500 / 365 = 1,363.0137… → 1,363.01
    assert interest == D("1363.01")


def test_a_deposit_earns_from_its_own_day_and_a_withdrawal_stops_on_its_own_day():
    # given: 10,000 deposited 30 Jun 2025 (1 day); 365,000 held until withdrawn on 2 Jan (1 day: 1 Jan)
    deposit = [Segment(dt.date(2025, 6, 30), D("10000.00"))]
    withdrawn = [Segment(dt.date(2024, 1, 1), D("365000.00")), Segment(dt.date(2025, 1, 2), D("0.00"))]

    # when
    one_day = interest_for_period(segments=deposit, rates=SAVINGS, start=dt.date(2025, 1, 1),
                                  end=dt.date(2025, 6, 30), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip
    one_day_too = interest_for_period(segments=withdrawn, rates=SAVINGS, start=dt.date(2025, 1, 1),
                                      end=dt.date(2025, 6, 30), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: 10,000 × 1.5% / 365 = 0.4109… → 0.41; 365,000 × 1.5% / 365 = 15.00
    assert one_day == D("0.41")
    assert one_day_too == D("15.00")


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (Rounding.SATANG_HALF_UP, D("747.95")),
        (Rounding.SATANG_TRUNCATE, D("747.94")),
        (Rounding.BAHT_TRUNCATE, D("747.00")),
        (Rounding.QUARTER_UP, D("748.00")),
    ],
)
def test_interest_is_rounded_once_by_the_products_rule(rounding, expected):
    # given: 747.9452… before rounding (the leap half-year above)
    segments = [Segment(dt.date(2023, 12, 1), D("100000.00"))]

    # when / then
    assert interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2024, 1, 1),
                               end=dt.date(2024, 6, 30), rounding=rounding) == expected  # fmt: skip


def test_no_rounding_is_refused_for_interest():
    with pytest.raises(ValueError):
        interest_for_period(segments=[], rates=SAVINGS, start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30),
                            rounding=Rounding.NONE)  # fmt: skip


def test_below_the_lowest_tier_or_before_any_schedule_earns_nothing():
    # given: tiers start at 1,000; the schedule starts in 2030
    rates = [RateTier(dt.date(2000, 1, 1), D("1000"), D("2.00"))]
    later = [RateTier(dt.date(2030, 1, 1), D("0"), D("2.00"))]
    segments = [Segment(dt.date(2024, 1, 1), D("999.99"))]

    # when / then
    for r in (rates, later):
        assert interest_for_period(segments=segments, rates=r, start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30),
                                   rounding=Rounding.SATANG_HALF_UP) == D("0.00")  # fmt: skip


START, END = dt.date(2023, 12, 1), dt.date(2024, 12, 31)
days = st.integers(min_value=0, max_value=(END - START).days + 40).map(lambda n: START + dt.timedelta(days=n))
balances = st.integers(min_value=0, max_value=300_000_000).map(lambda c: D(c) / 100)
rate_values = st.integers(min_value=0, max_value=80_000).map(lambda r: D(r) / 10_000)


@settings(max_examples=150, deadline=None)
@given(
    moves=st.lists(st.tuples(days, balances), max_size=8),
    tiers=st.lists(
        st.tuples(days, st.sampled_from([D(0), D(1000), D(500_000), D(1_000_000)]), rate_values),
        min_size=1,
        max_size=6,
    ),  # fmt: skip
    start=days,
    length=st.integers(min_value=0, max_value=200),
    rounding=st.sampled_from([r for r in Rounding if r is not Rounding.NONE]),
)
def test_the_calculator_equals_a_day_by_day_loop(moves, tiers, start, length, rounding):
    # given: any balances, any effective-dated tiers, any period
    segments = [Segment(day, balance) for day, balance in sorted(moves, key=lambda m: m[0])]
    unique = {(d, b): r for d, b, r in tiers}
    rates = [RateTier(d, b, r) for (d, b), r in unique.items()]
    end = start + dt.timedelta(days=length)

    # when
    fast = interest_for_period(segments=segments, rates=rates, start=start, end=end, rounding=rounding)
    slow = interest_for_period_naive(segments=segments, rates=rates, start=start, end=end, rounding=rounding)

    # then
    assert fast == slow


# ======== Day basis (ฐานจำนวนวันต่อปี) ========

HUNDRED_K_AT_1_50 = [Segment(dt.date(2023, 1, 1), D("100000.00"))]  # 1.50% tier


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # 100,000 × 1.5 × 31 / 36,500 = 4,650,000 / 36,500 = 127.3972… → 127.40
        (DayBasis.DAYS_365, D("127.40")),
        # 4,650,000 / 36,600 = 127.0491… → 127.05 (a 2024 day divides by 366)
        (DayBasis.ACTUAL, D("127.05")),
        # 4,650,000 / 36,600 = 127.0491… → 127.05 (every day divides by 366)
        (DayBasis.DAYS_366, D("127.05")),
    ],
)
def test_a_leap_year_january_divides_by_the_basis(basis, expected):
    # given: 100,000 all of 1–31 January 2024 (a leap year) at 1.50%

    # when
    interest = interest_for_period(segments=HUNDRED_K_AT_1_50, rates=SAVINGS, start=dt.date(2024, 1, 1),
                                   end=dt.date(2024, 1, 31), rounding=Rounding.SATANG_HALF_UP,
                                   day_basis=basis)  # fmt: skip

    # then
    assert interest == expected


def test_the_default_basis_is_365():
    # given: the same January 2024 without naming a basis

    # when
    interest = interest_for_period(segments=HUNDRED_K_AT_1_50, rates=SAVINGS, start=dt.date(2024, 1, 1),
                                   end=dt.date(2024, 1, 31), rounding=Rounding.SATANG_HALF_UP)  # fmt: skip

    # then: 4,650,000 / 36,500 = 127.3972… → 127.40, as under "365"
    assert interest == D("127.40")


def test_a_common_year_january_is_the_same_on_365_and_actual():
    # given: 100,000 all of 1–31 January 2025 (not a leap year) at 1.50%

    # when
    figures = {
        basis: interest_for_period(segments=HUNDRED_K_AT_1_50, rates=SAVINGS, start=dt.date(2025, 1, 1),
                                   end=dt.date(2025, 1, 31), rounding=Rounding.SATANG_HALF_UP, day_basis=basis)
        for basis in DayBasis
    }  # fmt: skip

    # then: 4,650,000 / 36,500 = 127.40 on 365 and actual; 4,650,000 / 36,600 = 127.05 on 366
    assert figures == {
        DayBasis.DAYS_365: D("127.40"),
        DayBasis.ACTUAL: D("127.40"),
        DayBasis.DAYS_366: D("127.05"),
    }


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        # 1,000,000 × 2 × 2 days / 36,500 = 4,000,000 / 36,500 = 109.5890… → 109.59
        (DayBasis.DAYS_365, D("109.59")),
        # 31 Dec 2023: 2,000,000 / 36,500 = 54.7945…; 1 Jan 2024: 2,000,000 / 36,600 = 54.6448…;
        # exactly 2,000,000 × (366 + 365) / 13,359,000 = 109.4393… → 109.44 (neither 109.59 nor 109.29)
        (DayBasis.ACTUAL, D("109.44")),
        # 4,000,000 / 36,600 = 109.2896… → 109.29
        (DayBasis.DAYS_366, D("109.29")),
    ],
)
def test_a_period_across_new_year_divides_each_day_by_its_own_year(basis, expected):
    # given: 1,000,000 (the 2.00% tier) over 31 Dec 2023 → 1 Jan 2024, one piece with no movement
    segments = [Segment(dt.date(2023, 12, 1), D("1000000.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2023, 12, 31),
                                   end=dt.date(2024, 1, 1), rounding=Rounding.SATANG_HALF_UP,
                                   day_basis=basis)  # fmt: skip

    # then
    assert interest == expected


def test_on_the_actual_basis_a_whole_leap_year_earns_exactly_the_annual_rate():
    # given: 36,500 all of 2024 at 1.50% (on 365 it earns 549.00: 366/365 of the rate)
    segments = [Segment(dt.date(2023, 1, 1), D("36500.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2024, 1, 1),
                                   end=dt.date(2024, 12, 31), rounding=Rounding.SATANG_HALF_UP,
                                   day_basis=DayBasis.ACTUAL)  # fmt: skip

    # then: 36,500 × 1.5 × 366 / 36,600 = 547.50, exactly 1.5% of 36,500
    assert interest == D("547.50")


def test_a_deposit_over_new_year_splits_at_1_january_and_at_its_own_day():
    # given: 100,000 from 1 Dec 2023; 100,000 more deposited 1 Jan 2024 (both at 1.50%)
    segments = [Segment(dt.date(2023, 12, 1), D("100000.00")), Segment(dt.date(2024, 1, 1), D("200000.00"))]

    # when
    interest = interest_for_period(segments=segments, rates=SAVINGS, start=dt.date(2023, 12, 1),
                                   end=dt.date(2024, 1, 31), rounding=Rounding.SATANG_HALF_UP,
                                   day_basis=DayBasis.ACTUAL)  # fmt: skip

    # then: Dec 2023 100,000 × 1.5 × 31 / 36,500 = 127.3972…; Jan 2024 200,000 × 1.5 × 31 / 36,600
    # = 254.0983…; together 381.4956… → 381.50
    assert interest == D("381.50")


@settings(max_examples=150, deadline=None)
@given(
    moves=st.lists(st.tuples(days, balances), max_size=8),
    tiers=st.lists(
        st.tuples(days, st.sampled_from([D(0), D(1000), D(500_000), D(1_000_000)]), rate_values),
        min_size=1,
        max_size=6,
    ),  # fmt: skip
    start=days,
    length=st.integers(min_value=0, max_value=200),
    rounding=st.sampled_from([r for r in Rounding if r is not Rounding.NONE]),
    basis=st.sampled_from(list(DayBasis)),
)
def test_the_calculator_equals_a_day_by_day_loop_on_every_basis(moves, tiers, start, length, rounding, basis):
    # given: any balances, tiers and period (Dec 2023 – early 2025: across two new years and a leap year)
    segments = [Segment(day, balance) for day, balance in sorted(moves, key=lambda m: m[0])]
    unique = {(d, b): r for d, b, r in tiers}
    rates = [RateTier(d, b, r) for (d, b), r in unique.items()]
    end = start + dt.timedelta(days=length)

    # when
    fast = interest_for_period(segments=segments, rates=rates, start=start, end=end, rounding=rounding,
                               day_basis=basis)  # fmt: skip
    slow = interest_for_period_naive(segments=segments, rates=rates, start=start, end=end, rounding=rounding,
                                     day_basis=basis)  # fmt: skip

    # then
    assert fast == slow


def test_crediting_periods_from_the_credit_months():
    # given
    months = credit_months_parse("12, 6")

    # then
    assert months == [6, 12]
    assert previous_period_end(dt.date(2025, 6, 30), months) == dt.date(2024, 12, 31)
    assert previous_period_end(dt.date(2025, 12, 31), months) == dt.date(2025, 6, 30)
    assert next_period_end(dt.date(2025, 7, 1), months) == dt.date(2025, 12, 31)
    assert next_period_end(dt.date(2025, 6, 30), months) == dt.date(2025, 6, 30)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 3, 15), -24) == dt.date(2023, 3, 15)
    for bad in ("", "13", "6;12", "x"):
        with pytest.raises(ValueError):
            credit_months_parse(bad)
