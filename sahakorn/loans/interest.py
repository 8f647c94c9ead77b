"""What a contract owes in interest (ดอกเบี้ยของสัญญา): its rate history, the rules that round and
count the days, the interest due to a day, and the month-end accruals not yet settled.

Every reader of a contract's interest (the counter, the payoff quote, netting, the share settlement,
billing, the month-end accrual's per-contract recomputation) goes through here, so the figures
agree to the satang.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sahakorn.core.interest import coop_day_basis
from sahakorn.core.money import ZERO, Rounding
from sahakorn.loans import calc
from sahakorn.loans.models import (
    LoanContract,
    LoanContractRate,
    LoanProductRules,
    LoanTransaction,
    LoanTxKind,
)

ACCRUAL_KINDS = (LoanTxKind.ACCRUAL, LoanTxKind.ACCRUAL_REVERSAL)


def contract_rates(contract: LoanContract) -> list[calc.RatePeriod]:
    """The contract's rate history as calculator periods (the rate from each effective date on)."""
    rows = LoanContractRate.objects.filter(contract_id=contract.pk).values_list(
        "effective_from", "annual_rate"
    )
    return rates_with_fallbacks(
        contract, [calc.RatePeriod(effective_from, rate) for effective_from, rate in rows]
    )


def rates_with_fallbacks(contract: LoanContract, periods: list[calc.RatePeriod]) -> list[calc.RatePeriod]:
    """A rate history read for many contracts at once, made whole as ``contract_rates`` makes it."""
    periods = list(periods)
    if not periods:
        # A contract written before the history existed (only possible outside the services).
        periods = [calc.RatePeriod(contract.disbursed_on, contract.annual_rate)]
    first = min(periods, key=lambda p: p.effective_from)
    if first.effective_from > contract.disbursed_on:
        periods.append(calc.RatePeriod(contract.disbursed_on, first.annual_rate))
    return periods


def contracts_rates(contracts, *, all_active: bool = False) -> dict[int, list[calc.RatePeriod]]:
    """``contract_rates`` for many contracts, a query per 5,000 (billing, a unit at a time); with
    ``all_active``, one query joined to every active contract (a whole month's freeze), the rows of
    contracts not asked for left out."""
    from collections import defaultdict

    from sahakorn.core.selectors import in_chunks
    from sahakorn.loans.models import ContractStatus

    by_id = {contract.pk: contract for contract in contracts}
    history: dict[int, list[calc.RatePeriod]] = defaultdict(list)
    rows = LoanContractRate.objects.values_list("contract_id", "effective_from", "annual_rate")
    found = (
        rows.filter(contract__status=ContractStatus.ACTIVE)
        if all_active
        else in_chunks(rows, "contract_id", by_id)
    )
    for contract_id, effective_from, rate in found:
        history[contract_id].append(calc.RatePeriod(effective_from, rate))
    return {pk: rates_with_fallbacks(contract, history.get(pk, [])) for pk, contract in by_id.items()}


def _rules_version(product_id: int, on: dt.date) -> LoanProductRules | None:
    rules = LoanProductRules.objects.filter(product_id=product_id)
    version = rules.filter(effective_from__lte=on).order_by("-effective_from").first()
    return version or rules.order_by("effective_from").first()


@dataclass(frozen=True)
class InterestTerms:
    """How a contract's interest is figured on a day: the rounding and the day basis in force."""

    rounding: str
    day_basis: str


def interest_terms(contract: LoanContract, on: dt.date) -> InterestTerms:
    """The product's interest rounding and day basis in force ``on`` (the coop's basis when the
    product does not set one; the earliest version before any)."""
    version = _rules_version(contract.product_id, on)
    if version is None:
        return InterestTerms(Rounding.SATANG_HALF_UP, coop_day_basis())
    return InterestTerms(version.interest_rounding, version.day_basis or coop_day_basis())


def day_basis_for(product_id: int, on: dt.date) -> str:
    version = _rules_version(product_id, on)
    return (version.day_basis if version is not None else "") or coop_day_basis()


def interest_due(contract: LoanContract, on: dt.date) -> Decimal:
    """Interest on the balance for (interest_paid_to, on] (not counting interest already in arrears)."""
    if on <= contract.interest_paid_to or not contract.principal_balance:
        return ZERO
    terms = interest_terms(contract, on)
    return calc.interest_between(
        principal=contract.principal_balance,
        start=contract.interest_paid_to,
        end=on,
        rates=contract_rates(contract),
        rounding=terms.rounding,
        day_basis=terms.day_basis,
    )


def accrued_unsettled(
    contract: LoanContract, *, up_to: dt.date | None = None
) -> tuple[Decimal, dt.date | None]:
    """Interest accrued at month-ends after ``interest_paid_to`` and not yet settled (net of accruals
    reversed), and the last month-end accrued; with ``up_to``, only those for periods ending by then."""
    rows = LoanTransaction.objects.filter(
        contract_id=contract.pk, kind__in=ACCRUAL_KINDS, interest_to__gt=contract.interest_paid_to
    )
    if up_to is not None:
        # By the period accrued, not the day booked: a correction booked later belongs to its period.
        rows = rows.filter(interest_to__lte=up_to)
    total, last = ZERO, None
    # A few rows per contract: summed here, exactly (SQLite would sum decimals as floats).
    for kind, interest, interest_to, reversed_id in rows.values_list(
        "kind", "interest", "interest_to", "reversed_by"
    ):
        total += interest
        if kind == LoanTxKind.ACCRUAL and reversed_id is None and (last is None or interest_to > last):
            last = interest_to
    return total, last
