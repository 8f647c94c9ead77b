import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.models import JournalEntry, JournalLine
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
from sahakorn.shares.tests.factories import member_with_shares, share_rules

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


# ======== The 1/5 holding cap (s.33(3)) ========


def _five_members_holding_1000_each():
    for _ in range(5):
        member_with_shares(1000)


def test_initial_purchase_past_the_holding_cap_is_refused_and_writes_nothing():
    # given: five members hold 1,000 shares each (5,000 in all)
    _five_members_holding_1000_each()
    member = MemberFactory()
    before = (ShareTransaction.objects.count(), JournalEntry.objects.count(), ShareAccount.objects.count())

    # when / then: 2,000 of 7,000 shares = 28.57%; 1/5 of 7,000 is 1,400
    with pytest.raises(ShareError) as e:
        share_initial_purchase(member=member, shares=2000, on=ON)
    assert e.value.message == (
        "ซื้อหุ้นแรกเข้าไม่ได้: เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน "
        "(หลังรายการถือ 2,000 หุ้น จากหุ้นทั้งหมด 7,000 หุ้น = ร้อยละ 28.57 (ถือได้ไม่เกิน 1,400 หุ้น))"
    )
    assert [c.rule for c in e.value.failed_checks] == [
        "ถือหุ้นได้ไม่เกิน 0.2 ของหุ้นที่ชำระแล้วทั้งหมด (พ.ร.บ.สหกรณ์ มาตรา 33(3))"
    ]
    after = (ShareTransaction.objects.count(), JournalEntry.objects.count(), ShareAccount.objects.count())
    assert after == before  # not even the share account the purchase opened


@pytest.mark.parametrize(
    ("shares", "figure"),
    [
        (1250, None),  # 1,250 of 6,250 = exactly 20.00%
        (1251, "หลังรายการถือ 1,251 หุ้น จากหุ้นทั้งหมด 6,251 หุ้น = ร้อยละ 20.01 (ถือได้ไม่เกิน 1,250.2 หุ้น)"),
    ],
)
def test_initial_purchase_is_capped_exactly_at_one_fifth(shares, figure):
    # given
    _five_members_holding_1000_each()
    member = MemberFactory()

    # when / then
    if figure is None:
        row = share_initial_purchase(member=member, shares=shares, on=ON)
        assert ShareAccount.objects.get(member=member).balance_shares == row.shares == 1250
    else:
        with pytest.raises(ShareError, match="เกินเพดานการถือหุ้น") as e:
            share_initial_purchase(member=member, shares=shares, on=ON)
        assert [c.figure for c in e.value.failed_checks] == [figure]


def test_a_founding_coops_first_four_members_are_not_capped_and_the_fifth_is():
    # given: the rules apply the cap from 5 holders; the first four buy 1,000, 500, 300 and 200
    # shares, each over 1/5 of the shares so far (the first holds 100%)
    first = member_with_shares(1000)
    for shares in (500, 300, 200):
        member_with_shares(shares)
    assert ShareAccount.objects.get(member=first).balance_shares == 1000

    # when / then: the fifth holder's 1,000 of 3,000 (33.33%) is refused …
    with pytest.raises(ShareError, match="เกินเพดานการถือหุ้น") as e:
        share_initial_purchase(member=MemberFactory(), shares=1000, on=ON)
    assert [c.figure for c in e.value.failed_checks] == [
        "หลังรายการถือ 1,000 หุ้น จากหุ้นทั้งหมด 3,000 หุ้น = ร้อยละ 33.33 (ถือได้ไม่เกิน 600 หุ้น)"
    ]
    # … and 500 of 2,500 (exactly 1/5) passes
    assert share_initial_purchase(member=MemberFactory(), shares=500, on=ON).shares == 500


@pytest.mark.parametrize(("min_holders", "refused"), [(7, False), (6, True)])
def test_the_founding_threshold_is_the_rules_setting(min_holders, refused):
    # given: a rules version capping from ``min_holders`` holders; five members hold 1,000 each
    share_rules(effective_from=dt.date(2020, 1, 1), holding_cap_min_holders=min_holders)
    _five_members_holding_1000_each()

    # when: the purchase, the sixth holder's 2,000 of 7,000
    def buy():
        return share_initial_purchase(member=MemberFactory(), shares=2000, on=ON)

    # then: 6 holders is below 7 (not capped) and at 6 (capped)
    if refused:
        with pytest.raises(ShareError, match="ร้อยละ 28.57"):
            buy()
    else:
        assert buy().shares == 2000


def test_cap_from_one_holder_refuses_a_new_coops_very_first_purchase():
    # given: a version that caps every purchase
    share_rules(effective_from=dt.date(2020, 1, 1), holding_cap_min_holders=1)

    # when / then: the first member would hold 10 of 10 shares
    with pytest.raises(ShareError) as e:
        share_initial_purchase(member=MemberFactory(), shares=10, on=ON)
    assert [c.figure for c in e.value.failed_checks] == [
        "หลังรายการถือ 10 หุ้น จากหุ้นทั้งหมด 10 หุ้น = ร้อยละ 100.00 (ถือได้ไม่เกิน 2 หุ้น)"
    ]


def test_initial_purchase_dated_ahead_is_refused_and_no_account_is_opened(officer):
    # given (issue 11: a share purchase dated in the future was accepted)
    from sahakorn.core.dates import today
    from sahakorn.core.thai import format_be_date

    member = MemberFactory()
    now = today()
    ahead = now + dt.timedelta(days=1)

    # when / then
    with pytest.raises(ShareError) as e:
        share_initial_purchase(member=member, shares=50, on=ahead, channel=Channel.COUNTER, by=officer)
    assert e.value.field == "on"
    assert e.value.message == (
        f"การซื้อหุ้นแรกเข้า ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(now)})"
    )
    assert [ShareAccount.objects.count(), ShareTransaction.objects.count(), JournalEntry.objects.count()] == [
        0,
        0,
        0,
    ]
