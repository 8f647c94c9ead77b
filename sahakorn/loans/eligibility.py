"""Loan eligibility that explains itself (สิทธิ์การกู้): every rule with its figure and the outcome, and the
most the member can borrow (the smallest of the limits), for one product or every active product."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from sahakorn.core.money import ZERO, baht
from sahakorn.core.rules import RuleCheck
from sahakorn.deposits.models import AccountStatus, DepositAccount
from sahakorn.loans.arrears import member_missed_installments
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import ContractStatus, LoanContract, LoanProduct, LoanProductRules
from sahakorn.loans.rules import (
    HUNDRED,
    MemberFacts,
    amount_checks,
    contract_monthly_deduction,
    first_due_after,
    floor_satang,
    installment_estimate,
    loan_rules_for,
    member_checks,
    net_pay_floor,
    pct,
)
from sahakorn.members.models import Member
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import ShareAccount
from sahakorn.shares.rules import share_rules_for


@dataclass(frozen=True)
class Limit:
    label: str
    amount: Decimal


@dataclass
class Eligibility:
    member: Member
    product: LoanProduct
    rules: LoanProductRules
    on: dt.date
    amount: Decimal | None
    installments: int
    installment: Decimal
    maximum: Decimal
    limits: list[Limit] = field(default_factory=list)
    checks: list[RuleCheck] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[RuleCheck]:
        return [c for c in self.checks if not c.passed]


def member_facts(*, member: Member, on: dt.date, refinance: LoanContract | None = None) -> MemberFacts:
    account = ShareAccount.objects.filter(member=member).first()
    monthly = ZERO
    if account is not None:
        from sahakorn.shares.services import monthly_shares_in_force

        try:
            par = share_rules_for(on=on).par_value
        except ShareError:
            par = ZERO
        monthly = monthly_shares_in_force(account=account, period=on) * par
    deposits = (
        DepositAccount.objects.filter(member=member)
        .exclude(status=AccountStatus.CLOSED)
        .aggregate(s=Sum("balance"))["s"]
    )
    contracts = LoanContract.objects.filter(member=member, status=ContractStatus.ACTIVE)
    if refinance is not None:
        contracts = contracts.exclude(pk=refinance.pk)
    return MemberFacts(
        member=member,
        on=on,
        salary=member.salary,
        shares=account.balance_amount if account else ZERO,
        deposits=deposits or ZERO,
        monthly_shares=monthly,
        other_installments=sum((contract_monthly_deduction(c) for c in contracts), ZERO),
        missed_installments=member_missed_installments(member=member, on=on),
    )


def _max_by_net_pay(
    *, rules: LoanProductRules, facts: MemberFacts, installments: int, cap: Decimal
) -> Decimal:
    """The largest whole-baht amount whose installment keeps the net pay at or above the floor."""
    room = (
        facts.salary
        - facts.monthly_shares
        - facts.other_installments
        - net_pay_floor(rules=rules, salary=facts.salary)
    )
    if room <= 0:
        return ZERO
    low, high = 0, int(cap)
    while low < high:
        mid = (low + high + 1) // 2
        if installment_estimate(rules=rules, amount=Decimal(mid), installments=installments) <= room:
            low = mid
        else:
            high = mid - 1
    return Decimal(low).quantize(Decimal("0.01"))


def maximum_limits(*, rules: LoanProductRules, facts: MemberFacts, installments: int) -> list[Limit]:
    limits = [Limit(f"วงเงินกู้สูงสุดของประเภท {baht(rules.max_amount)} บาท", rules.max_amount)]
    if rules.salary_multiple is not None:
        limits.append(
            Limit(
                f"{pct(rules.salary_multiple)} เท่าของเงินเดือน {baht(facts.salary)}",
                floor_satang(facts.salary * rules.salary_multiple),
            )
        )
    if rules.min_share_percent:
        limits.append(
            Limit(
                f"หุ้น {baht(facts.shares)} บาท เป็นร้อยละ {pct(rules.min_share_percent)} ของเงินกู้",
                floor_satang(facts.shares * HUNDRED / rules.min_share_percent),
            )
        )
    if rules.own_funds_percent is not None:
        own = facts.shares + facts.deposits
        limits.append(
            Limit(
                f"ร้อยละ {pct(rules.own_funds_percent)} ของหุ้นและเงินฝาก {baht(own)}",
                floor_satang(own * rules.own_funds_percent / HUNDRED),
            )
        )
    if rules.net_pay_min_percent is not None or rules.net_pay_min_amount is not None:
        cap = min(limit.amount for limit in limits)
        limits.append(
            Limit(
                f"เงินเดือนคงเหลือหลังหักค่างวด {installments} งวด",
                _max_by_net_pay(rules=rules, facts=facts, installments=installments, cap=cap),
            )
        )
    return limits


def loan_eligibility(
    *,
    member: Member,
    product: LoanProduct,
    amount: Decimal | None = None,
    installments: int | None = None,
    on: dt.date,
    refinance: LoanContract | None = None,
    first_due: dt.date | None = None,
) -> Eligibility:
    """Each rule of ``product`` applied to ``member`` on ``on``, and the maximum loan.

    Without ``amount`` the amount checks are shown at the maximum; without ``installments`` at the
    product's maximum installments.
    """
    rules = loan_rules_for(product=product, on=on)
    n = installments or rules.max_installments
    facts = member_facts(member=member, on=on, refinance=refinance)
    limits = maximum_limits(rules=rules, facts=facts, installments=n)
    maximum = max(ZERO, min(limit.amount for limit in limits))
    checks = member_checks(rules=rules, facts=facts)
    checked = amount if amount is not None else maximum
    first_due = first_due or first_due_after(on)
    if checked > 0:
        checks += amount_checks(rules=rules, facts=facts, amount=checked, installments=n, first_due=first_due)
    else:
        checks.append(
            RuleCheck(rule="มีวงเงินกู้ได้", figure=f"{baht(maximum)} บาท", passed=False, message="ไม่มีวงเงินกู้")
        )
    return Eligibility(
        member=member,
        product=product,
        rules=rules,
        on=on,
        amount=amount,
        installments=n,
        installment=installment_estimate(rules=rules, amount=checked, installments=n)
        if checked > 0
        else ZERO,
        maximum=maximum,
        limits=limits,
        checks=checks,
    )


def loan_eligibility_all(*, member: Member, on: dt.date) -> list[Eligibility]:
    """The eligibility for every active product that has rules in force (what the portal shows)."""
    out = []
    for product in LoanProduct.objects.filter(is_active=True).order_by("code"):
        try:
            out.append(loan_eligibility(member=member, product=product, on=on))
        except LoanError:
            continue
    return out
