from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from sahakorn.funeral.models import PayoutBasis
from sahakorn.funeral.rules import payout_figures, payout_split


def test_split_gives_the_leftover_satang_to_the_largest_share():
    # given: 169.75 at 50 / 25 / 25 rounds to 84.88 + 42.44 + 42.44 = 169.76, one satang too many
    # when
    amounts = payout_split(D("169.75"), [D("50.00"), D("25.00"), D("25.00")])

    # then
    assert amounts == [D("84.87"), D("42.44"), D("42.44")]
    assert sum(amounts) == D("169.75")


def test_split_on_a_tie_gives_the_leftover_to_the_first_of_the_largest():
    # when
    amounts = payout_split(D("1000.01"), [D("50.00"), D("50.00")])

    # then: 500.005 rounds half-up to 500.01 twice; the first takes back the extra satang
    assert amounts == [D("500.00"), D("500.01")]


def test_split_of_a_few_satang_in_thirds():
    # when
    amounts = payout_split(D("0.05"), [D("33.33"), D("33.33"), D("33.34")])

    # then: 0.02 + 0.02 + 0.02 = 0.06, the largest share (33.34) gives one back
    assert amounts == [D("0.02"), D("0.02"), D("0.01")]


def test_split_exact_when_nothing_is_left_over():
    assert payout_split(D("100.00"), [D("33.33"), D("33.33"), D("33.34")]) == [
        D("33.33"),
        D("33.33"),
        D("33.34"),
    ]


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    parts=st.lists(st.integers(min_value=1, max_value=9000), min_size=1, max_size=6),
)
def test_split_always_sums_to_the_total_and_each_is_within_a_satang_of_its_share(cents, parts):
    # given: shares in hundredths of a percent that total exactly 100.00
    total_parts = sum(parts)
    hundredths = [p * 10000 // total_parts for p in parts]
    hundredths[0] += 10000 - sum(hundredths)
    if min(hundredths) <= 0:
        return
    shares = [D(h) / 100 for h in hundredths]
    total = D(cents) / 100

    # when
    amounts = payout_split(total, shares)

    # then
    assert sum(amounts) == total
    assert all(a == a.quantize(D("0.01")) for a in amounts)
    exact = [total * s / 100 for s in shares]
    assert all(abs(a - e) < D("0.01") * len(shares) for a, e in zip(amounts, exact, strict=True))


def test_collected_basis_keeps_the_admin_fee_rounded_half_up():
    # when: 5% of 1,990.10 is 99.505, rounded half-up to 99.51
    figures = payout_figures(basis=PayoutBasis.COLLECTED, dues_collected=D("1990.10"),
                             admin_fee_percent=D("5.00"), fixed_payout=None, max_payout=None)  # fmt: skip

    # then
    assert (figures.admin_fee, figures.total, figures.capped_by) == (D("99.51"), D("1890.59"), D("0.00"))


def test_a_cap_limits_the_payout_and_fixed_basis_ignores_the_dues():
    capped = payout_figures(basis=PayoutBasis.COLLECTED, dues_collected=D("100000.00"),
                            admin_fee_percent=D("5.00"), fixed_payout=None, max_payout=D("80000.00"))  # fmt: skip
    assert (capped.admin_fee, capped.total, capped.capped_by) == (D("5000.00"), D("80000.00"), D("15000.00"))
    fixed = payout_figures(basis=PayoutBasis.FIXED, dues_collected=D("123.00"),
                           admin_fee_percent=D("5.00"), fixed_payout=D("30000.00"), max_payout=None)  # fmt: skip
    assert (fixed.admin_fee, fixed.total) == (D("0.00"), D("30000.00"))
