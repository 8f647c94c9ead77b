"""Opening a deposit account: the first deposit's voucher, the product's minimum, the maturity."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import Channel, DepositTransaction, TransactionKind
from sahakorn.deposits.services import deposit_account_open
from sahakorn.deposits.tests.factories import account_open
from sahakorn.ledger.models import JournalLine
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def _lines(entry) -> list[tuple[str, D, D, int | None]]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.member_id)
        for line in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_opening_with_a_deposit_posts_cash_against_the_products_control_account(savings, officer):
    # given
    member = MemberFactory()

    # when
    account = deposit_account_open(member=member, product=savings, opened_on=JAN, initial_amount=D("5000.00"),
                                   channel=Channel.CASH, by=officer)  # fmt: skip

    # then
    assert account.number == "10-0000001" and account.balance == D("5000.00")
    row = DepositTransaction.objects.get(account=account)
    assert (row.kind, row.amount, row.balance_after, row.date) == (TransactionKind.DEPOSIT, D("5000.00"),
                                                                   D("5000.00"), JAN)  # fmt: skip
    assert _lines(row.journal_entry) == [
        ("11110", D("5000.00"), D("0"), None),
        ("21410", D("0"), D("5000.00"), member.pk),
    ]
    assert account_balance(account="deposit_savings", member_id=member.pk) == D("5000.00")
    assert account_open(product=savings, amount="100").number == "10-0000002"


def test_opening_below_the_products_minimum_is_refused(special):
    # when / then: ออมทรัพย์พิเศษ opens with at least 1,000
    with pytest.raises(DepositError) as e:
        account_open(product=special, amount="999.99")
    assert e.value.field == "initial_amount"
    assert not DepositTransaction.objects.exists()


def test_fixed_term_account_matures_after_its_term(fixed):
    # when
    account = account_open(product=fixed, amount="10000", on=dt.date(2024, 2, 29))

    # then
    assert account.matures_on == dt.date(2025, 2, 28)
