"""Test data for deposits: accounts opened through the services, so every figure has its voucher."""

import datetime as dt
from decimal import Decimal

from sahakorn.core.money import ZERO
from sahakorn.deposits.models import Channel, DepositAccount, DepositProduct
from sahakorn.deposits.services import deposit_account_open
from sahakorn.members.models import Member
from sahakorn.members.tests.factories import MemberFactory


def account_open(
    *,
    product: DepositProduct,
    amount: Decimal | str = ZERO,
    on: dt.date = dt.date(2025, 1, 1),
    member: Member | None = None,
    by=None,
) -> DepositAccount:
    """An account of ``product`` opened on ``on`` with ``amount`` in cash (a new member unless given)."""
    member = member or MemberFactory(joined_on=dt.date(2015, 1, 1))
    return deposit_account_open(
        member=member,
        product=product,
        opened_on=on,
        initial_amount=Decimal(amount),
        channel=Channel.CASH,
        by=by,
    )


def fresh(account: DepositAccount) -> DepositAccount:
    account.refresh_from_db()
    return account
