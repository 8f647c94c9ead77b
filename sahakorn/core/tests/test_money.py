from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahakorn.core.money import Rounding, money, round_money


@pytest.mark.parametrize(
    ("amount", "rule", "expected"),
    [
        # half-up at the satang: the case PostgreSQL and SQLite disagree on
        ("1.005", Rounding.SATANG_HALF_UP, "1.01"),
        ("1.004999", Rounding.SATANG_HALF_UP, "1.00"),
        ("2.675", Rounding.SATANG_HALF_UP, "2.68"),  # float(2.675) would give 2.67
        ("-1.005", Rounding.SATANG_HALF_UP, "-1.01"),
        # truncation, toward zero
        ("1.009", Rounding.SATANG_TRUNCATE, "1.00"),
        ("-1.009", Rounding.SATANG_TRUNCATE, "-1.00"),
        ("1.001", Rounding.SATANG_UP, "1.01"),
        # whole baht
        ("10.50", Rounding.BAHT_HALF_UP, "11.00"),
        ("10.49", Rounding.BAHT_HALF_UP, "10.00"),
        ("10.99", Rounding.BAHT_TRUNCATE, "10.00"),
        ("10.01", Rounding.BAHT_UP, "11.00"),
        ("10.00", Rounding.BAHT_UP, "10.00"),
        # up to the next quarter baht (loan interest at some coops)
        ("10.01", Rounding.QUARTER_UP, "10.25"),
        ("10.25", Rounding.QUARTER_UP, "10.25"),
        ("10.2501", Rounding.QUARTER_UP, "10.50"),
        ("10.76", Rounding.QUARTER_UP, "11.00"),
        ("0.001", Rounding.QUARTER_UP, "0.25"),
        # monthly share contribution as a percentage rounded up to 10 baht
        ("1201.00", Rounding.TEN_BAHT_UP, "1210.00"),
        ("1200.00", Rounding.TEN_BAHT_UP, "1200.00"),
    ],
)
def test_round_money_rules_give_exact_figures(amount, rule, expected):
    # when
    result = round_money(D(amount), rule)

    # then
    assert result == D(expected)
    assert str(result) == expected  # always two places


def test_round_money_none_keeps_every_digit():
    assert round_money(D("1.23456"), Rounding.NONE) == D("1.23456")


def test_round_money_refuses_float():
    with pytest.raises(TypeError):
        round_money(1.005)  # type: ignore[arg-type]


def test_money_parses_exactly_and_refuses_a_third_place():
    assert money("1234.5") == D("1234.50")
    assert money(7) == D("7.00")
    with pytest.raises(ValueError):
        money("1.005")
    with pytest.raises(TypeError):
        money(1.5)  # type: ignore[arg-type]


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_truncate_never_moves_away_from_zero_and_up_never_toward_it(amount):
    truncated = round_money(amount, Rounding.SATANG_TRUNCATE)
    up = round_money(amount, Rounding.SATANG_UP)
    assert abs(truncated) <= abs(amount) <= abs(up)
    assert abs(up - truncated) <= D("0.01")
