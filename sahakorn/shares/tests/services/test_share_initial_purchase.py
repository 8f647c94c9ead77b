import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.models import JournalLine
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.services import member_status_change
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import (
    Channel,
    MonthlyChangeReason,
    ShareAccount,
    ShareTransaction,
    TransactionKind,
)
from sahakorn.shares.services import share_initial_purchase

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 2, 10)


def test_initial_purchase_posts_shares_and_entrance_fee(officer):
    # given: a member with salary 15,000.00 (table minimum 70 shares a month)
    member = MemberFactory(salary=D("15000.00"))

    # when: 50 shares at par 10 plus the 100.00 entrance fee, in cash
    row = share_initial_purchase(member=member, shares=50, on=ON, channel=Channel.COUNTER, by=officer)

    # then
    assert (row.kind, row.shares, row.amount, row.channel) == (
        TransactionKind.INITIAL,
        50,
        D("500.00"),
        "counter",
    )
    lines = {
        (line.account.roles.first().key, line.debit, line.credit, line.member_id)
        for line in JournalLine.objects.filter(entry=row.journal_entry).select_related("account")
    }
    assert lines == {
        ("cash", D("600.00"), D("0.00"), None),
        ("share_capital", D("0.00"), D("500.00"), member.pk),
        ("entrance_fee_income", D("0.00"), D("100.00"), member.pk),
    }
    account = ShareAccount.objects.get(member=member)
    assert (account.balance_shares, account.balance_amount, account.monthly_shares) == (50, D("500.00"), 70)
    assert account.opened_on == ON
    change = account.monthly_changes.get()
    assert (change.reason, change.to_shares, change.effective_month) == (
        MonthlyChangeReason.INITIAL,
        70,
        dt.date(2026, 2, 1),
    )
    assert account_balance(account="share_capital", member_id=member.pk) == D("500.00")
    assert row.journal_entry.created_by == officer


def test_initial_purchase_by_transfer_without_fee_debits_bank():
    member = MemberFactory()

    row = share_initial_purchase(
        member=member, shares=10, on=ON, channel=Channel.TRANSFER, with_entrance_fee=False
    )

    assert account_balance(account="bank") == D("100.00")
    assert row.journal_entry.lines.count() == 2


def test_initial_purchase_below_the_minimum_is_refused_and_writes_nothing():
    # given: the rules ask at least 10 initial shares
    member = MemberFactory()

    # when / then
    with pytest.raises(ShareError, match="น้อยกว่าหุ้นแรกเข้าขั้นต่ำ") as e:
        share_initial_purchase(member=member, shares=9, on=ON)
    assert e.value.failed_checks[0].figure == "9 หุ้น"
    assert not ShareAccount.objects.exists() and not ShareTransaction.objects.exists()


def test_initial_purchase_twice_is_refused():
    member = MemberFactory()
    share_initial_purchase(member=member, shares=10, on=ON)

    with pytest.raises(ShareError, match="ซื้อหุ้นแรกเข้าไปแล้ว"):
        share_initial_purchase(member=member, shares=10, on=ON)


def test_initial_purchase_for_a_member_who_left_is_refused(officer):
    member = MemberFactory()
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 1, 31), reason="ลาออก", by=officer
    )

    with pytest.raises(ShareError, match="สถานะลาออก"):
        share_initial_purchase(member=member, shares=10, on=ON)


def test_payroll_is_not_a_channel_for_internal_reasons():
    member = MemberFactory()

    with pytest.raises(ShareError, match="ช่องทาง"):
        share_initial_purchase(member=member, shares=10, on=ON, channel=Channel.INTERNAL)
