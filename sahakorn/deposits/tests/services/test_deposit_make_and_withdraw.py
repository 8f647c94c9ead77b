"""Deposits and withdrawals: the running balance, and the withdrawal rules refusing before anything is written."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import Channel, DepositTransaction
from sahakorn.deposits.selectors import deposit_statement
from sahakorn.deposits.services import deposit_make, deposit_transfer, deposit_withdraw
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.ledger.models import JournalLine

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def _lines(entry) -> list[tuple[str, D, D, int | None]]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.member_id)
        for line in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_deposit_and_withdrawal_keep_a_running_balance(savings):
    # given
    account = account_open(product=savings, amount="1000", on=JAN)

    # when
    deposit_make(
        account=account, amount=D("2500.50"), on=dt.date(2025, 2, 1), channel=Channel.TRANSFER, by=None
    )
    row = deposit_withdraw(
        account=account, amount=D("700.25"), on=dt.date(2025, 3, 1), channel=Channel.CASH, by=None
    )

    # then
    assert [(r.kind, r.amount, r.balance) for r in deposit_statement(account=account)] == [
        ("deposit", D("1000.00"), D("1000.00")),
        ("deposit", D("2500.50"), D("3500.50")),
        ("withdrawal", D("-700.25"), D("2800.25")),
    ]
    assert fresh(account).balance == D("2800.25")
    assert _lines(row.journal_entry) == [("11110", D("0"), D("700.25"), None),
                                         ("21410", D("700.25"), D("0"), account.member_id)]  # fmt: skip
    # a statement from February brings the January balance forward
    rows = deposit_statement(account=account, start=dt.date(2025, 2, 1))
    assert (rows[0].kind, rows[0].balance) == ("brought_forward", D("1000.00")) and len(rows) == 3


def test_withdrawal_leaving_less_than_the_minimum_balance_is_refused(special):
    # given: minimum balance 1,000
    account = account_open(product=special, amount="5000")

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_withdraw(account=account, amount=D("4000.01"), on=JAN, channel=Channel.CASH, by=None)
    assert e.value.field == "amount" and "1,000.00" in e.value.message
    assert fresh(account).balance == D("5000.00") and DepositTransaction.objects.count() == 1
    # exactly down to the minimum is fine
    deposit_withdraw(account=account, amount=D("4000.00"), on=JAN, channel=Channel.CASH, by=None)
    assert fresh(account).balance == D("1000.00")


def test_the_monthly_withdrawal_limit_counts_withdrawals_and_transfers_out(special, savings):
    # given: ออมทรัพย์พิเศษ allows 2 withdrawals a month
    account = account_open(product=special, amount="10000")
    other = account_open(product=savings, amount="100", member=account.member)
    deposit_withdraw(account=account, amount=D("100"), on=dt.date(2025, 1, 5), channel=Channel.CASH, by=None)
    deposit_transfer(from_account=account, to_account=other, amount=D("100"), on=dt.date(2025, 1, 6), by=None)

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_withdraw(
            account=account, amount=D("100"), on=dt.date(2025, 1, 31), channel=Channel.CASH, by=None
        )
    assert "2 ครั้ง" in e.value.message
    deposit_withdraw(account=account, amount=D("100"), on=dt.date(2025, 2, 1), channel=Channel.CASH, by=None)


def test_fixed_term_early_withdrawal_follows_the_products_rule(fixed):
    # given: refused before maturity
    fixed.early_withdrawal = "refused"
    fixed.save()
    account = account_open(product=fixed, amount="10000", on=dt.date(2025, 1, 1))

    # when / then
    with pytest.raises(DepositError):
        deposit_withdraw(
            account=account, amount=D("100"), on=dt.date(2025, 12, 31), channel=Channel.CASH, by=None
        )
    deposit_withdraw(account=account, amount=D("100"), on=dt.date(2026, 1, 1), channel=Channel.CASH, by=None)


def test_a_movement_dated_before_the_passbooks_last_row_is_refused(savings):
    # given
    account = account_open(product=savings, amount="100", on=dt.date(2025, 3, 1))

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_make(account=account, amount=D("1"), on=dt.date(2025, 2, 28), channel=Channel.CASH, by=None)
    assert e.value.field == "on"


@pytest.mark.parametrize("bad", [D("0"), D("-1"), D("1.005")])
def test_bad_amounts_are_refused(savings, bad):
    account = account_open(product=savings, amount="100")
    with pytest.raises(DepositError) as e:
        deposit_make(account=account, amount=bad, on=JAN, channel=Channel.CASH, by=None)
    assert e.value.field == "amount"


def test_deposit_dated_a_year_ahead_is_refused_and_the_passbook_stays_open(savings):
    # given: an account opened a month ago (issue 11: a deposit dated a year ahead froze the passbook)
    from sahakorn.core.dates import today
    from sahakorn.core.months import add_months
    from sahakorn.core.thai import format_be_date

    now = today()
    account = account_open(product=savings, amount="1000", on=now - dt.timedelta(days=30))
    ahead = add_months(now, 12)

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_make(account=account, amount=D("500.00"), on=ahead, channel=Channel.CASH, by=None)
    assert e.value.field == "on"
    assert e.value.message == (
        f"รายการฝากเงิน ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(now)})"
    )
    assert fresh(account).balance == D("1000.00") and DepositTransaction.objects.count() == 1
    # and a deposit dated today still goes in: nothing is dated after it
    deposit_make(account=account, amount=D("500.00"), on=now, channel=Channel.CASH, by=None)
    assert fresh(account).balance == D("1500.00")
