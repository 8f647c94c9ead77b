"""Each eligibility rule at its edge (passes at the limit, fails a satang or a month over) and the maximum."""

import datetime as dt
from decimal import Decimal as D

from sahakorn.loans.calc import level_payment
from sahakorn.loans.eligibility import loan_eligibility, loan_eligibility_all
from sahakorn.loans.rules import (
    MemberFacts,
    amount_checks,
    installment_estimate,
    loan_rules_for,
    member_checks,
)
from sahakorn.loans.tests.conftest import borrower
from sahakorn.members.models import MemberType
from sahakorn.members.tests.factories import MemberFactory

ON = dt.date(2025, 3, 1)
FIRST_DUE = dt.date(2025, 4, 30)


def _facts(member, **kw):
    values = dict(salary=D("10000.00"), shares=D("10000.00"), deposits=D("0.00"), monthly_shares=D("500.00"),
                  other_installments=D("0.00"))  # fmt: skip
    values.update(kw)
    return MemberFacts(member=member, on=ON, **values)


def _check(checks, starts):
    [row] = [c for c in checks if c.rule.startswith(starts)]
    return row


def test_salary_multiple_edge(emergency):
    member = borrower(salary=D("20000.00"))
    ok = loan_eligibility(member=member, product=emergency, amount=D("40000.00"), installments=12, on=ON)
    assert _check(ok.checks, "กู้ได้ไม่เกิน 2 เท่า").passed
    assert ok.eligible
    over = loan_eligibility(member=member, product=emergency, amount=D("40000.01"), installments=12, on=ON)
    row = _check(over.checks, "กู้ได้ไม่เกิน 2 เท่า")
    assert not row.passed and row.figure == "เงินเดือน 20,000.00 × 2 = 40,000.00 บาท"
    assert ok.maximum == D("40000.00")


def test_share_percent_edge_and_maximum(ordinary):
    member = borrower(shares=1000)  # 10,000 baht of shares
    ok = loan_eligibility(member=member, product=ordinary, amount=D("100000.00"), installments=120, on=ON)
    assert _check(ok.checks, "ต้องมีทุนเรือนหุ้นอย่างน้อยร้อยละ 10").passed
    over = loan_eligibility(member=member, product=ordinary, amount=D("100000.01"), installments=120, on=ON)
    row = _check(over.checks, "ต้องมีทุนเรือนหุ้นอย่างน้อยร้อยละ 10")
    assert not row.passed and row.figure == "มีหุ้น 10,000.00 บาท ต้องมี 10,000.01 บาท"
    # 1,000,000 (product), 1,000,000 (40 × 25,000), 100,000 (shares), net pay ≥ 100,000: the smallest.
    assert ok.maximum == D("100000.00")
    assert [lim.amount for lim in ok.limits] == [
        D("1000000.00"),
        D("1000000.00"),
        D("100000.00"),
        D("100000.00"),
    ]


def test_own_funds_percent_edge(ordinary, db):
    rules = loan_rules_for(product=ordinary, on=ON)
    rules.own_funds_percent = D("90")
    member = MemberFactory()
    facts = _facts(member, shares=D("10000.00"), deposits=D("10000.00"))
    ok = amount_checks(rules=rules, facts=facts, amount=D("18000.00"), installments=12, first_due=FIRST_DUE)
    assert _check(ok, "กู้ได้ไม่เกินร้อยละ 90").passed
    over = amount_checks(rules=rules, facts=facts, amount=D("18000.01"), installments=12, first_due=FIRST_DUE)
    assert not _check(over, "กู้ได้ไม่เกินร้อยละ 90").passed


def test_membership_months_edge(ordinary, db):
    rules = loan_rules_for(product=ordinary, on=ON)
    member = MemberFactory(joined_on=dt.date(2024, 9, 1))
    ok = member_checks(rules=rules, facts=_facts(member))  # 1 Sep 2024 → 1 Mar 2025 = 6 months
    assert _check(ok, "เป็นสมาชิกอย่างน้อย 6 เดือน").passed
    member.joined_on = dt.date(2024, 9, 2)
    row = _check(member_checks(rules=rules, facts=_facts(member)), "เป็นสมาชิกอย่างน้อย 6 เดือน")
    assert not row.passed and "(5 เดือน)" in row.figure


def test_member_type_refused(ordinary, db):
    rules = loan_rules_for(product=ordinary, on=ON)
    rules.member_types = "ordinary"
    member = MemberFactory(member_type=MemberType.ASSOCIATE)
    assert not _check(member_checks(rules=rules, facts=_facts(member)), "ประเภทสมาชิกที่กู้ได้").passed


def test_net_pay_edge(ordinary, db):
    rules = loan_rules_for(product=ordinary, on=ON)
    installment = level_payment(amount=D("100000.00"), annual_rate=D("6.5"), installments=120)
    assert installment == D("1140.00")
    assert installment_estimate(rules=rules, amount=D("100000.00"), installments=120) == installment
    member = MemberFactory()
    # Salary 10,000: the floor is max(30% = 3,000, 3,000) = 3,000; shares 500; the rest is other loans.
    other = D("10000.00") - D("500.00") - D("3000.00") - installment
    args = dict(rules=rules, amount=D("100000.00"), installments=120, first_due=FIRST_DUE)
    ok = _check(amount_checks(facts=_facts(member, other_installments=other), **args), "เงินเดือนคงเหลือ")
    assert ok.passed and "= 3,000.00 บาท" in ok.figure
    over = amount_checks(facts=_facts(member, other_installments=other + D("0.01")), **args)
    assert not _check(over, "เงินเดือนคงเหลือ").passed


def test_net_pay_maximum_is_exact(ordinary):
    # Salary 25,000, shares 1,000/month, floor 7,500; an 8,000 other loan leaves 8,500 a month.
    member = borrower(shares=50000)
    rules = loan_rules_for(product=ordinary, on=ON)
    from sahakorn.loans.eligibility import _max_by_net_pay, member_facts

    facts = member_facts(member=member, on=ON)
    facts = MemberFacts(**{**facts.__dict__, "other_installments": D("16000.00")})  # room 500
    best = _max_by_net_pay(rules=rules, facts=facts, installments=120, cap=D("1000000.00"))
    assert installment_estimate(rules=rules, amount=best, installments=120) <= D("500.00")
    assert installment_estimate(rules=rules, amount=best + 1, installments=120) > D("500.00")


def test_age_at_last_installment_edge(ordinary, db):
    rules = loan_rules_for(product=ordinary, on=ON)
    member = MemberFactory(birth_date=dt.date(1985, 5, 10))  # 70 on 10 May 2055
    ok = amount_checks(rules=rules, facts=_facts(member), amount=D("1000.00"), installments=120,
                       first_due=dt.date(2045, 6, 10))  # fmt: skip  # last due 10 May 2055
    assert _check(ok, "อายุเมื่อผ่อนงวดสุดท้าย").passed
    over = amount_checks(rules=rules, facts=_facts(member), amount=D("1000.00"), installments=120,
                         first_due=dt.date(2045, 7, 10))  # fmt: skip
    row = _check(over, "อายุเมื่อผ่อนงวดสุดท้าย")
    assert not row.passed and "อายุ 70 ปี 1 เดือน" in row.figure


def test_eligibility_all_lists_every_active_product(emergency, ordinary, special):
    member = borrower(shares=1000)
    results = loan_eligibility_all(member=member, on=ON)
    assert [r.product.code for r in results] == ["10", "20", "30"]
    assert results[0].maximum == D("50000.00")  # min(50,000, 2 × 25,000)
    assert results[2].maximum == D("3000000.00")
