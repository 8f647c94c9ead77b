"""Pure calculators of the association's rules: the payout of a death and its split between beneficiaries.

No database access here, so each rule is tested with exact figures and with hypothesis.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sahakorn.core.money import ZERO, round_money

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class PayoutFigures:
    """What a death pays: the dues collected for it, the association's fee, the cap, the total."""

    dues_collected: Decimal
    admin_fee: Decimal
    capped_by: Decimal  # how much the cap (max payout) cut off; stays with the association
    total: Decimal


def payout_figures(
    *,
    basis: str,
    dues_collected: Decimal,
    admin_fee_percent: Decimal,
    fixed_payout: Decimal | None,
    max_payout: Decimal | None,
) -> PayoutFigures:
    """The payout of one death under the rules in force on the death date.

    ``collected``: dues collected for that death, less ``admin_fee_percent`` of them (the fee is
    rounded to satang half-up, so the total is exact); ``fixed``: ``fixed_payout``. Either is
    capped at ``max_payout`` when one is set.

    >>> payout_figures(basis="collected", dues_collected=Decimal("1980.00"),
    ...                admin_fee_percent=Decimal("5.00"), fixed_payout=None, max_payout=None).total
    Decimal('1881.00')
    """
    from sahakorn.funeral.models import PayoutBasis

    if basis == PayoutBasis.FIXED:
        fee = ZERO
        gross = fixed_payout if fixed_payout is not None else ZERO
    else:
        fee = round_money(dues_collected * admin_fee_percent / HUNDRED)
        gross = dues_collected - fee
    total = min(gross, max_payout) if max_payout is not None else gross
    return PayoutFigures(dues_collected=dues_collected, admin_fee=fee, capped_by=gross - total, total=total)


def payout_split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Each beneficiary's amount: their share (percent, summing to 100) of ``total``, to the satang.

    Every amount is rounded half-up; the satang the rounding leaves over (or takes too many, when
    several shares round up) goes to the largest share, the first of them on a tie, so the
    amounts always sum exactly to ``total``.

    >>> payout_split(Decimal("1000.01"), [Decimal("50"), Decimal("50")])
    [Decimal('500.00'), Decimal('500.01')]
    """
    if not shares:
        return []
    amounts = [round_money(total * share / HUNDRED) for share in shares]
    largest = max(range(len(shares)), key=lambda i: (shares[i], -i))
    amounts[largest] += total - sum(amounts, ZERO)
    return amounts
