"""Closing an account: interest accrued to the day before, then everything paid out."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import AccountStatus, Channel
from sahakorn.deposits.selectors import deposit_statement
from sahakorn.deposits.services import deposit_account_close, deposit_hold_place, deposit_make
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.ledger.selectors import account_balance

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def test_closing_credits_accrued_interest_then_pays_out_everything(savings):
    # given: 73,000 from 1 Jan 2025 at 1.50%, closed on 11 Jan 2025 (interest for 1–10 Jan)
    account = account_open(product=savings, amount="73000", on=dt.date(2025, 1, 1))

    # when
    payout = deposit_account_close(account=account, on=dt.date(2025, 1, 11), channel=Channel.CASH, by=None)

    # then: 73,000 × 1.5% × 10 / 365 = 30.00
    kinds = [(r.kind, r.amount, r.balance) for r in deposit_statement(account=account)]
    assert kinds[1:] == [("interest", D("30.00"), D("73030.00")), ("withdrawal", D("-73030.00"), D("0.00"))]
    assert payout.amount == D("-73030.00")
    account = fresh(account)
    assert (account.status, account.closed_on, account.balance) == (
        AccountStatus.CLOSED,
        dt.date(2025, 1, 11),
        D("0"),
    )
    assert account_balance(account="deposit_interest_expense") == D("30.00")
    with pytest.raises(DepositError):
        deposit_make(account=account, amount=D("1"), on=dt.date(2025, 1, 12), channel=Channel.CASH, by=None)


@pytest.mark.parametrize(
    ("coop_basis", "product_basis", "expected"),
    [
        # 100,000 × 1.5 × 62 / 36,500 = 9,300,000 / 36,500 = 254.7945… → 254.79
        ("365", "", D("254.79")),
        # Dec 2023: 4,650,000 / 36,500 = 127.3972…; Jan 2024: 4,650,000 / 36,600 = 127.0491…;
        # together 254.4464… → 254.45
        ("actual", "", D("254.45")),
        ("actual", "365", D("254.79")),  # the product's own basis beats the coop's
        ("365", "actual", D("254.45")),
    ],
)
def test_closing_across_new_year_credits_interest_on_the_products_or_else_the_coops_basis(
    savings, coop_day_basis_set, coop_basis, product_basis, expected
):
    # given: 100,000 from 1 Dec 2023 at 1.50%, closed on 1 Feb 2024 (interest for 1 Dec – 31 Jan: 31 + 31 days)
    coop_day_basis_set(coop_basis)
    savings.day_basis = product_basis
    savings.save(update_fields=["day_basis"])
    account = account_open(product=savings, amount="100000", on=dt.date(2023, 12, 1))

    # when
    payout = deposit_account_close(account=account, on=dt.date(2024, 2, 1), channel=Channel.CASH, by=None)

    # then
    interest = account.transactions.get(kind="interest")
    assert interest.amount == expected and payout.amount == -(D("100000") + expected)
    assert account_balance(account="deposit_interest_expense") == expected


def test_closing_with_an_active_hold_is_refused(savings):
    account = account_open(product=savings, amount="1000")
    deposit_hold_place(account=account, amount=D("1"), reason="ค้ำประกัน", on=JAN, by=None)
    with pytest.raises(DepositError):
        deposit_account_close(account=account, on=JAN, channel=Channel.CASH, by=None)
    assert fresh(account).status == AccountStatus.ACTIVE
