"""Transfers between a member's own accounts: one voucher from role to role."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.services import deposit_transfer
from sahakorn.deposits.tests.factories import account_open
from sahakorn.ledger.models import JournalLine

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def _lines(entry) -> list[tuple[str, D, D, int | None]]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.member_id)
        for line in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_transfer_between_own_accounts_posts_from_role_to_role(savings, special):
    # given
    source = account_open(product=savings, amount="5000")
    target = account_open(product=special, amount="1000", member=source.member)

    # when
    out, into = deposit_transfer(from_account=source, to_account=target, amount=D("1234.56"), on=JAN, by=None)

    # then
    assert (out.amount, out.balance_after, into.amount, into.balance_after) == (
        D("-1234.56"), D("3765.44"), D("1234.56"), D("2234.56"))  # fmt: skip
    member_id = source.member_id
    assert _lines(out.journal_entry) == [("21410", D("1234.56"), D("0"), member_id),
                                         ("21420", D("0"), D("1234.56"), member_id)]  # fmt: skip


def test_transfer_to_another_members_account_is_refused(savings):
    # given
    source = account_open(product=savings, amount="5000")
    target = account_open(product=savings, amount="100")

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_transfer(from_account=source, to_account=target, amount=D("1"), on=JAN, by=None)
    assert e.value.field == "to_account"
