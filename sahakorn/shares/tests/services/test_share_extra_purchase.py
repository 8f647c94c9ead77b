import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.models import JournalEntry
from sahakorn.ledger.selectors import account_balance
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import Channel, ShareAccount, ShareTransaction, TransactionKind
from sahakorn.shares.services import share_extra_purchase
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 5)


@pytest.fixture
def member():
    """A member with 100 shares beside four holding 225 each: 1,000 paid-up shares, five holders
    (the rules apply the 1/5 cap from five holders)."""
    for _ in range(4):
        member_with_shares(225)
    return member_with_shares(100)


def _state():
    return (
        ShareTransaction.objects.count(),
        JournalEntry.objects.count(),
        account_balance(account="share_capital"),
    )


def test_extra_purchase_by_shares_posts_bank_and_share_capital(member, officer):
    # when
    row = share_extra_purchase(member=member, shares=25, on=ON, channel=Channel.TRANSFER, by=officer)

    # then
    assert (row.kind, row.shares, row.amount) == (TransactionKind.EXTRA, 25, D("250.00"))
    assert account_balance(account="bank") == D("250.00")
    assert account_balance(account="share_capital", member_id=member.pk) == D("1250.00")
    account = ShareAccount.objects.get(member=member)
    assert (account.balance_shares, account.balance_amount) == (125, D("1250.00"))


def test_extra_purchase_by_amount_buys_whole_shares(member, officer):
    row = share_extra_purchase(member=member, amount=D("1000.00"), on=ON, channel=Channel.COUNTER, by=officer)

    assert (row.shares, row.amount) == (100, D("1000.00"))


def test_amount_not_a_multiple_of_par_is_refused(member, officer):
    before = _state()

    with pytest.raises(ShareError, match="ทวีคูณของ 10.00 บาท") as e:
        share_extra_purchase(member=member, amount=D("1005.00"), on=ON, channel=Channel.COUNTER, by=officer)

    assert e.value.field == "amount"
    assert _state() == before


def test_extra_purchase_above_the_per_transaction_maximum_is_refused_and_writes_nothing(officer):
    # given: the rules allow at most 100,000.00 baht a purchase; a big coop so the cap does not bite
    member_with_shares(1_000_000)
    member = member_with_shares(100)
    before = _state()

    # when / then: 10,001 shares = 100,010.00 baht
    with pytest.raises(ShareError, match="เกินจำนวนที่ซื้อเพิ่มได้ต่อครั้ง") as e:
        share_extra_purchase(member=member, shares=10_001, on=ON, channel=Channel.COUNTER, by=officer)
    assert [c.figure for c in e.value.failed_checks] == ["100,010.00 บาท"]
    assert _state() == before
    assert ShareAccount.objects.get(member=member).balance_shares == 100


def test_extra_purchase_at_the_per_transaction_maximum_is_allowed(officer):
    member_with_shares(1_000_000)
    member = member_with_shares(100)

    row = share_extra_purchase(
        member=member, amount=D("100000.00"), on=ON, channel=Channel.COUNTER, by=officer
    )

    assert row.shares == 10_000


def test_holding_cap_allows_exactly_one_fifth(member, officer):
    # given: 100 of 1,000 shares. Buying 125 → 225 of 1,125 = exactly 1/5
    # when
    row = share_extra_purchase(member=member, shares=125, on=ON, channel=Channel.COUNTER, by=officer)

    # then
    assert row.shares == 125
    assert ShareAccount.objects.get(member=member).balance_shares == 225


def test_holding_cap_refuses_one_share_more(member, officer):
    # given: 100 of 1,000. Buying 126 → 226 of 1,126; 1/5 of 1,126 is 225.2
    before = _state()

    # when / then
    with pytest.raises(ShareError, match="เกินเพดานการถือหุ้น") as e:
        share_extra_purchase(member=member, shares=126, on=ON, channel=Channel.COUNTER, by=officer)
    (failed,) = e.value.failed_checks
    assert failed.figure == "หลังรายการถือ 226 หุ้น จากหุ้นทั้งหมด 1,126 หุ้น = ร้อยละ 20.07 (ถือได้ไม่เกิน 225.2 หุ้น)"
    assert _state() == before


def test_extra_purchase_in_a_founding_coop_is_not_capped(officer):
    # given: a coop of two holders (900 and 100), below the rules' five
    member_with_shares(900)
    member = member_with_shares(100)

    # when: 226 of 1,126 shares, over 1/5, but the cap does not apply yet
    row = share_extra_purchase(member=member, shares=126, on=ON, channel=Channel.COUNTER, by=officer)

    # then
    assert row.shares == 126
    assert ShareAccount.objects.get(member=member).balance_shares == 226


def test_extra_purchase_needs_an_account_and_one_of_shares_or_amount(officer):
    from sahakorn.members.tests.factories import MemberFactory

    with pytest.raises(ShareError, match="ยังไม่มีบัญชีหุ้น"):
        share_extra_purchase(member=MemberFactory(), shares=1, on=ON, channel=Channel.COUNTER, by=officer)
    member = member_with_shares(10)
    with pytest.raises(ShareError, match="อย่างใดอย่างหนึ่ง"):
        share_extra_purchase(
            member=member, shares=1, amount=D("10.00"), on=ON, channel=Channel.COUNTER, by=officer
        )
    with pytest.raises(ShareError, match="ช่องทาง"):
        share_extra_purchase(member=member, shares=1, on=ON, channel=Channel.PAYROLL, by=officer)


def test_extra_purchase_dated_ahead_is_refused_and_nothing_is_written(member, officer):
    # given (issue 11: a share purchase dated in the future was accepted)
    from sahakorn.core.dates import today
    from sahakorn.core.thai import format_be_date

    now = today()
    ahead = now + dt.timedelta(days=1)
    before = _state()

    # when / then
    with pytest.raises(ShareError) as e:
        share_extra_purchase(member=member, shares=10, on=ahead, channel=Channel.COUNTER, by=officer)
    assert e.value.field == "on"
    assert e.value.message == (
        f"การซื้อหุ้นเพิ่ม ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(now)})"
    )
    assert _state() == before
