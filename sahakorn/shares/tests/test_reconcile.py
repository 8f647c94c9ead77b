import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.shares.models import Channel, ShareAccount
from sahakorn.shares.reconcile import shares_reconcile
from sahakorn.shares.services import share_extra_purchase, share_monthly_contribution_record
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(officer):
    """Two members: 10,000 shares (100,000.00) and 100 + 70 monthly + 50 extra (2,200.00)."""
    member_with_shares(10_000)
    member = member_with_shares(100, salary=D("15000.00"))
    share_monthly_contribution_record(member=member, period=dt.date(2026, 3, 1), on=dt.date(2026, 3, 31))
    share_extra_purchase(
        member=member, shares=50, on=dt.date(2026, 4, 2), channel=Channel.COUNTER, by=officer
    )
    return member


def test_sub_ledger_caches_and_gl_agree(book):
    result = shares_reconcile()

    assert result.ok
    assert result.transactions_amount == result.accounts_amount == result.ledger_amount == D("102200.00")
    assert result.mismatches == []
    assert result.lines[0] == ("รวมรายการเคลื่อนไหวหุ้น", "102,200.00")


def test_as_of_a_date_compares_transactions_with_the_gl_then(book):
    result = shares_reconcile(as_of=dt.date(2026, 3, 31))

    assert result.ok
    assert result.transactions_amount == result.ledger_amount == D("101700.00")


def test_a_broken_cache_is_found_with_its_account(book):
    # given: a cache moved behind the services' back
    ShareAccount.objects.filter(member=book).update(balance_shares=221, balance_amount=D("2210.00"))

    result = shares_reconcile()

    assert not result.ok
    (mismatch,) = result.mismatches
    assert (mismatch.member_number, mismatch.cached_shares, mismatch.transaction_shares) == (
        book.number,
        221,
        220,
    )
    assert (mismatch.cached_amount, mismatch.transaction_amount) == (D("2210.00"), D("2200.00"))


def test_a_voucher_to_share_capital_without_share_rows_is_found(book):
    # a shares voucher without its share rows (a bug: by hand, the ledger refuses it)
    journal_entry_record(
        date=dt.date(2026, 4, 3),
        description="บันทึกด้วยมือ",
        source=EntrySource.SHARES,
        lines=[Line("cash", debit=D("10.00")), Line("share_capital", credit=D("10.00"))],
    )

    result = shares_reconcile()

    assert not result.ok
    assert result.ledger_amount - result.transactions_amount == D("10.00")
    assert result.mismatches == []
