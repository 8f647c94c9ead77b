"""Holds (อายัด): a pledged amount is not available to withdraw until it is released."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import Channel
from sahakorn.deposits.selectors import deposit_available_balance
from sahakorn.deposits.services import deposit_hold_place, deposit_hold_release, deposit_withdraw
from sahakorn.deposits.tests.factories import account_open

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def test_withdrawal_above_the_available_balance_is_refused_while_a_hold_is_active(savings, officer):
    # given: 10,000 with 6,000 pledged for a loan
    account = account_open(product=savings, amount="10000")
    hold = deposit_hold_place(account=account, amount=D("6000.00"), reason="ค้ำประกันเงินกู้", on=JAN, by=officer)

    # when / then
    assert deposit_available_balance(account=account) == D("4000.00")
    with pytest.raises(DepositError) as e:
        deposit_withdraw(account=account, amount=D("4000.01"), on=JAN, channel=Channel.CASH, by=None)
    assert "4,000.00" in e.value.message
    deposit_withdraw(account=account, amount=D("4000.00"), on=JAN, channel=Channel.CASH, by=None)

    # and after the release the rest is available
    deposit_hold_release(hold=hold, on=dt.date(2025, 2, 1), by=officer)
    assert deposit_available_balance(account=account) == D("6000.00")


def test_a_hold_above_the_available_balance_is_refused(savings):
    # given
    account = account_open(product=savings, amount="1000")
    deposit_hold_place(account=account, amount=D("600.00"), reason="ค้ำประกัน", on=JAN, by=None)

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_hold_place(account=account, amount=D("400.01"), reason="ค้ำประกัน", on=JAN, by=None)
    assert e.value.field == "amount"
