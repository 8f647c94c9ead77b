"""Reversals (กลับรายการ): the voucher and the balance undone, at most once."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import Channel
from sahakorn.deposits.services import deposit_make, deposit_transaction_reverse, deposit_withdraw
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.ledger.selectors import account_balance

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def test_reversing_a_deposit_reverses_its_voucher_and_the_balance(savings, officer):
    # given
    account = account_open(product=savings, amount="1000")
    row = deposit_make(account=account, amount=D("250.00"), on=JAN, channel=Channel.CASH, by=officer)

    # when
    reversal = deposit_transaction_reverse(transaction=row, on=JAN, reason="บันทึกผิดบัญชี", by=officer)

    # then
    assert (reversal.kind, reversal.amount, reversal.balance_after) == (
        "reversal",
        D("-250.00"),
        D("1000.00"),
    )
    assert reversal.journal_entry.reverses_id == row.journal_entry_id
    assert fresh(account).balance == D("1000.00")
    assert account_balance(account="deposit_savings") == D("1000.00")
    with pytest.raises(DepositError):
        deposit_transaction_reverse(transaction=row, on=JAN, reason="ซ้ำ", by=officer)


def test_reversing_a_withdrawal_does_not_count_it_in_the_monthly_limit(special):
    # given: two withdrawals in January, the second reversed
    account = account_open(product=special, amount="10000")
    deposit_withdraw(account=account, amount=D("100"), on=JAN, channel=Channel.CASH, by=None)
    second = deposit_withdraw(account=account, amount=D("100"), on=JAN, channel=Channel.CASH, by=None)
    deposit_transaction_reverse(transaction=second, on=JAN, reason="ถอนซ้ำ", by=None)

    # when / then: a third is allowed
    deposit_withdraw(account=account, amount=D("100"), on=JAN, channel=Channel.CASH, by=None)
    assert fresh(account).balance == D("9800.00")
