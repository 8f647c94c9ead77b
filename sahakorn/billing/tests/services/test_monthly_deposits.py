"""A savings account's agreed monthly deposit, billed with the rest and credited from the unit's remittance."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.models import Bill
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open, billing_unit_post
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.core.subledger import reconciliations
from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import Channel, DepositProduct, DepositTransaction
from sahakorn.deposits.services import deposit_account_open, deposit_make, deposit_monthly_set
from sahakorn.deposits.subledger import SUBLEDGER

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(member, officer):
    savings = DepositProduct.objects.get(code="10")
    account = deposit_account_open(member=member, product=savings, opened_on=dt.date(2025, 6, 2),
                                   initial_amount=D("1000.00"), by=officer)  # fmt: skip
    return deposit_monthly_set(account=account, amount=D("500.00"), by=officer)


def test_the_monthly_deposit_is_billed_and_posted_into_the_passbook(member, account, officer):
    # given
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)
    bill = Bill.objects.get(member=member)
    line = bill.lines.get(item__code="DEP")
    assert (line.reference, line.billed, line.priority) == (account.number, D("500.00"), 40)
    assert bill.total_billed == D("12465.51")  # 11,965.51 + 500.00

    # when
    billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    # then: a payroll deposit on the posting day, and every sub-ledger still agrees with the GL
    row = DepositTransaction.objects.filter(account=account).order_by("-id").first()
    assert (row.date, row.amount, row.channel, row.balance_after) == (
        dt.date(2026, 3, 31), D("500.00"), Channel.PAYROLL, D("1500.00"),
    )  # fmt: skip
    assert all(result.ok for result in reconciliations())
    assert SUBLEDGER.monthly_demands(member=member, period=MARCH) == []


def test_a_counter_deposit_does_not_stand_for_the_payroll_one(member, account, officer):
    deposit_make(account=account, amount=D("200.00"), on=dt.date(2026, 3, 10), channel="cash", by=officer)

    [demand] = SUBLEDGER.monthly_demands(member=member, period=MARCH)

    assert (demand.kind, demand.amount, demand.reference) == ("deposits.monthly", D("500.00"), account.number)


def test_a_fixed_term_account_takes_no_monthly_deposit(member, officer):
    fixed = DepositProduct.objects.get(code="30")
    account = deposit_account_open(member=member, product=fixed, opened_on=dt.date(2025, 6, 2),
                                   initial_amount=D("10000.00"), by=officer)  # fmt: skip
    with pytest.raises(DepositError, match="เป็นเงินฝากประจำ ฝากรายเดือนจากเงินเดือนไม่ได้"):
        deposit_monthly_set(account=account, amount=D("500.00"), by=officer)
