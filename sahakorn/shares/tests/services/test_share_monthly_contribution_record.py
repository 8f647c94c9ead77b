import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.members.services import member_status_change
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import (
    MonthlyContributionChange,
    ShareAccount,
    ShareTransaction,
    Suspension,
    TransactionKind,
)
from sahakorn.shares.services import share_monthly_contribution_record
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2026, 3, 1)
ON = dt.date(2026, 3, 31)


@pytest.fixture
def member():
    # salary 15,000.00 → 70 shares a month
    return member_with_shares(100, salary=D("15000.00"), on=dt.date(2026, 1, 10))


def test_monthly_contribution_posts_the_monthly_shares(member, officer):
    # when
    row = share_monthly_contribution_record(member=member, period=PERIOD, on=ON, by=officer)

    # then
    assert (row.kind, row.period, row.shares, row.amount) == (
        TransactionKind.MONTHLY,
        PERIOD,
        70,
        D("700.00"),
    )
    assert account_balance(account="bank") == D("700.00")
    assert ShareAccount.objects.get(member=member).balance_amount == D("1700.00")


def test_a_second_contribution_for_the_same_month_is_refused(member, officer):
    share_monthly_contribution_record(member=member, period=PERIOD, on=ON, by=officer)

    with pytest.raises(ShareError, match="มีหุ้นรายเดือนงวด มีนาคม 2569 แล้ว"):
        share_monthly_contribution_record(
            member=member, period=dt.date(2026, 3, 15), on=ON, shares=10, by=officer
        )
    assert ShareTransaction.objects.filter(kind=TransactionKind.MONTHLY).count() == 1


def test_the_change_in_force_for_the_month_decides_the_shares(member, officer):
    # given: a change to 90 shares from April
    account = ShareAccount.objects.get(member=member)
    MonthlyContributionChange.objects.create(
        account=account,
        effective_month=dt.date(2026, 4, 1),
        from_shares=70,
        to_shares=90,
        reason="member_request",
    )

    # when
    march = share_monthly_contribution_record(member=member, period=PERIOD, on=ON)
    april = share_monthly_contribution_record(
        member=member, period=dt.date(2026, 4, 1), on=dt.date(2026, 4, 30)
    )

    # then
    assert (march.shares, april.shares) == (70, 90)


def test_contribution_in_a_suspended_month_is_refused(member):
    ShareAccount.objects.filter(member=member).update(
        suspension=Suspension.TEMPORARY, suspended_from=PERIOD, suspended_until=PERIOD
    )

    with pytest.raises(ShareError, match="งดส่งชั่วคราวในงวด มีนาคม 2569"):
        share_monthly_contribution_record(member=member, period=PERIOD, on=ON)
    # the month after the temporary suspension is due again
    assert share_monthly_contribution_record(
        member=member, period=dt.date(2026, 4, 1), on=dt.date(2026, 4, 30)
    )


def test_contribution_for_a_member_who_left_is_refused(member, officer):
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 2, 28), reason="ลาออก", by=officer
    )

    with pytest.raises(ShareError, match="สถานะลาออก"):
        share_monthly_contribution_record(member=member, period=PERIOD, on=ON)


@pytest.mark.parametrize(
    ("held", "figure"),
    [
        (900, None),  # 970 of 4,970 = 19.52%
        (1000, "หลังรายการถือ 1,070 หุ้น จากหุ้นทั้งหมด 5,070 หุ้น = ร้อยละ 21.10 (ถือได้ไม่เกิน 1,014 หุ้น)"),
    ],
)
def test_a_contribution_past_the_holding_cap_is_refused_and_writes_nothing(officer, held, figure):
    # given: four members hold 1,000 shares each; the member holds ``held`` and owes 70 a month
    for _ in range(4):
        member_with_shares(1000)
    member = member_with_shares(held, salary=D("15000.00"), on=dt.date(2026, 1, 10))
    before = (ShareTransaction.objects.count(), account_balance(account="share_capital"))

    # when / then
    if figure is None:
        assert share_monthly_contribution_record(member=member, period=PERIOD, on=ON, by=officer).shares == 70
        return
    with pytest.raises(ShareError) as e:
        share_monthly_contribution_record(member=member, period=PERIOD, on=ON, by=officer)
    assert e.value.message == f"บันทึกหุ้นรายเดือนไม่ได้: เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน ({figure})"
    assert (ShareTransaction.objects.count(), account_balance(account="share_capital")) == before
